package dev.hsm.internal.store;

import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.StoredAuditEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The {@code audit_log} rows. The sequence number is the primary key, so of two writers that
 * chained an entry to the same head only the first can insert it: that is what serialises writers
 * across processes.
 */
final class AuditRows {
  private static final String COLUMNS =
      "SELECT seq, at, actor, action, key_name, version, outcome, detail, hash, mac FROM audit_log";

  private AuditRows() {}

  /**
   * Appends {@code entry} (nothing for {@code null}) in the caller's transaction.
   *
   * @throws ConcurrentUpdateException if an entry with its sequence number exists
   */
  static void append(Connection connection, StoredAuditEntry entry) throws SQLException {
    if (entry == null) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO audit_log (seq, at, actor, action, key_name, version, outcome, detail,"
                + " hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, entry.sequence());
      insert.setLong(2, entry.atMillis());
      insert.setString(3, entry.actor());
      insert.setString(4, entry.action());
      insert.setString(5, entry.keyName());
      insert.setInt(6, entry.version());
      insert.setString(7, entry.outcome());
      insert.setString(8, entry.detail());
      insert.setBytes(9, entry.hash());
      insert.setBytes(10, entry.mac());
      insert.executeUpdate();
    } catch (SQLException e) {
      if (Sqlite.isPrimaryKeyTaken(e)) { // not for, say, a missing value: that is a bug to report
        throw new ConcurrentUpdateException("audit entry " + entry.sequence() + " exists already");
      }
      throw e;
    }
  }

  /**
   * The highest sequence number of an {@code ok} entry with one of {@code actions} (found through
   * the index on action), or 0.
   */
  static long lastSequenceOf(Connection connection, List<String> actions) throws SQLException {
    return lastSequence(connection, "", null, actions);
  }

  /**
   * The highest sequence number of an {@code ok} entry naming {@code keyName} with one of {@code
   * actions}, or 0: the index on key name is walked from the key's newest entry down, and stops at
   * the first match.
   */
  static long lastSequenceOf(Connection connection, String keyName, List<String> actions)
      throws SQLException {
    return lastSequence(connection, "key_name = ? AND ", keyName, actions);
  }

  private static long lastSequence(
      Connection connection, String keyCondition, String keyName, List<String> actions)
      throws SQLException {
    if (actions.isEmpty()) {
      return 0;
    }
    String marks = String.join(", ", Collections.nCopies(actions.size(), "?"));
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT seq FROM audit_log WHERE "
                + keyCondition
                + "outcome = 'ok' AND action IN ("
                + marks
                + ") ORDER BY seq DESC LIMIT 1")) {
      int parameter = 1;
      if (keyName != null) {
        query.setString(parameter++, keyName);
      }
      for (String action : actions) {
        query.setString(parameter++, action);
      }
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    }
  }

  static Optional<StoredAuditEntry> last(Connection connection) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT * FROM (" + COLUMNS + " ORDER BY seq DESC LIMIT 1)")) {
      List<StoredAuditEntry> last = entries(query);
      return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0));
    }
  }

  /** Entries from sequence number {@code from} on, in order, at most {@code limit}. */
  static List<StoredAuditEntry> from(Connection connection, long from, int limit)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(COLUMNS + " WHERE seq >= ? ORDER BY seq LIMIT ?")) {
      query.setLong(1, from);
      query.setInt(2, limit);
      return entries(query);
    }
  }

  private static List<StoredAuditEntry> entries(PreparedStatement query) throws SQLException {
    List<StoredAuditEntry> entries = new ArrayList<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        entries.add(
            new StoredAuditEntry(
                rows.getLong(1),
                rows.getLong(2),
                rows.getString(3),
                rows.getString(4),
                rows.getString(5),
                rows.getInt(6),
                rows.getString(7),
                rows.getString(8),
                rows.getBytes(9),
                rows.getBytes(10)));
      }
    }
    return entries;
  }
}
