package dev.hsm.postgresql;

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
 * The {@code audit_log} rows. The sequence number is the primary key: a concurrent insert of the
 * same number waits on the unique index for the first writer, then fails with unique_violation,
 * which becomes {@link ConcurrentUpdateException}: that is what serialises writers across
 * instances.
 */
final class AuditRows {
  private static final String COLUMNS =
      "SELECT seq, at, actor, action, key_name, version, outcome, detail, hash, mac"
          + " FROM {s}.audit_log";

  private final String schema;

  AuditRows(String schema) {
    this.schema = schema;
  }

  private String sql(String sql) {
    return Schema.in(schema, sql);
  }

  /** The insert of one entry, without its values; {@link #bind} binds them. */
  static final String INSERT_INTO =
      "INSERT INTO {s}.audit_log (seq, at, actor, action, key_name, version, outcome, detail,"
          + " hash, mac)";

  static final int ENTRY_COLUMNS = 10;

  private static final String INSERT = INSERT_INTO + " VALUES " + Schema.row(ENTRY_COLUMNS);

  /**
   * Appends {@code entry} in the caller's transaction.
   *
   * @throws ConcurrentUpdateException if an entry with its sequence number exists (or is being
   *     written by another transaction that then commits)
   */
  void append(Connection c, StoredAuditEntry entry) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(sql(INSERT))) {
      bind(insert, 1, entry);
      insert.executeUpdate();
    } catch (SQLException e) {
      if ("audit_log_pkey".equals(Failures.violatedConstraint(e))) {
        throw new ConcurrentUpdateException("audit entry " + entry.sequence() + " exists already");
      }
      throw e;
    }
  }

  /**
   * Appends {@code entries} in the caller's transaction, in one batch.
   *
   * @throws ConcurrentUpdateException if an entry with one of their sequence numbers exists (or is
   *     being written by another transaction that then commits)
   */
  void append(Connection c, List<StoredAuditEntry> entries) throws SQLException {
    try {
      appendAll(c, entries);
    } catch (SQLException e) {
      if ("audit_log_pkey".equals(Failures.violatedConstraint(e))) {
        throw new ConcurrentUpdateException(
            "audit entry " + entries.get(0).sequence() + " or a later one exists already");
      }
      throw e;
    }
  }

  /** Appends entries known to be new, in batches: a copy of a whole store. */
  void appendAll(Connection c, List<StoredAuditEntry> entries) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(sql(INSERT))) {
      int batched = 0;
      for (StoredAuditEntry entry : entries) {
        bind(insert, 1, entry);
        insert.addBatch();
        if (++batched % 1_000 == 0) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
    }
  }

  /** Binds {@code entry} to the ten parameters from {@code at}; returns the next parameter. */
  static int bind(PreparedStatement insert, int at, StoredAuditEntry entry) throws SQLException {
    insert.setLong(at, entry.sequence());
    insert.setLong(at + 1, entry.atMillis());
    insert.setString(at + 2, entry.actor());
    insert.setString(at + 3, entry.action());
    insert.setString(at + 4, entry.keyName());
    insert.setInt(at + 5, entry.version());
    insert.setString(at + 6, entry.outcome());
    insert.setString(at + 7, entry.detail());
    insert.setBytes(at + 8, entry.hash());
    insert.setBytes(at + 9, entry.mac());
    return at + 10;
  }

  /**
   * The highest sequence number of an {@code ok} entry with one of {@code actions}, or 0: one
   * backward walk of the (action, seq) index per action, so an action that never happened costs
   * nothing, however long the log.
   */
  long lastSequenceOf(Connection c, List<String> actions) throws SQLException {
    if (actions.isEmpty()) {
      return 0;
    }
    String one =
        "(SELECT seq FROM {s}.audit_log WHERE action = ? AND outcome = 'ok'"
            + " ORDER BY action DESC, seq DESC LIMIT 1)";
    String query =
        "SELECT coalesce(max(seq), 0) FROM ("
            + String.join(" UNION ALL ", Collections.nCopies(actions.size(), one))
            + ") last";
    try (PreparedStatement statement = c.prepareStatement(sql(query))) {
      for (int i = 0; i < actions.size(); i++) {
        statement.setString(i + 1, actions.get(i));
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /**
   * The highest sequence number of an {@code ok} entry naming {@code keyName} with one of {@code
   * actions}, or 0: the (key_name, seq) index is walked from the key's newest entry down.
   */
  long lastSequenceOf(Connection c, String keyName, List<String> actions) throws SQLException {
    if (actions.isEmpty()) {
      return 0;
    }
    try (PreparedStatement query =
        c.prepareStatement(
            sql(
                "SELECT seq FROM {s}.audit_log WHERE key_name = ? AND outcome = 'ok'"
                    + " AND action = ANY (?) ORDER BY key_name DESC, seq DESC LIMIT 1"))) {
      query.setString(1, keyName);
      query.setArray(2, c.createArrayOf("text", actions.toArray()));
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    }
  }

  /**
   * Runs {@code lock} (a query that waits for a lock held until the transaction ends), then reads
   * the newest entry, in one round trip: the two statements are sent together. The read starts once
   * the lock is held, and in {@code READ COMMITTED} each statement sees what was committed before
   * it started, so it sees every entry written under the lock before.
   */
  Optional<StoredAuditEntry> lastAfter(Connection c, String lock, String lockArgument)
      throws SQLException {
    try (PreparedStatement both =
        c.prepareStatement(lock + "; " + sql(COLUMNS + " ORDER BY seq DESC LIMIT 1"))) {
      both.setString(1, lockArgument);
      both.execute(); // the lock's result first
      if (!both.getMoreResults()) {
        throw new SQLException("no result for the audit log's head after taking the lock");
      }
      try (ResultSet rows = both.getResultSet()) {
        List<StoredAuditEntry> last = entries(rows);
        return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0));
      }
    }
  }

  Optional<StoredAuditEntry> last(Connection c) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement(sql(COLUMNS + " ORDER BY seq DESC LIMIT 1"))) {
      List<StoredAuditEntry> last = entries(query);
      return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0));
    }
  }

  /** The highest sequence number, or 0. */
  long head(Connection c) throws SQLException {
    try (PreparedStatement query =
            c.prepareStatement(sql("SELECT seq FROM {s}.audit_log ORDER BY seq DESC LIMIT 1"));
        ResultSet rows = query.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  /** Entries from sequence number {@code from} on, in order, at most {@code limit}. */
  List<StoredAuditEntry> from(Connection c, long from, long limit) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement(sql(COLUMNS + " WHERE seq >= ? ORDER BY seq LIMIT ?"))) {
      query.setLong(1, from);
      query.setLong(2, limit);
      query.setFetchSize(1_000);
      return entries(query);
    }
  }

  private static List<StoredAuditEntry> entries(PreparedStatement query) throws SQLException {
    try (ResultSet rows = query.executeQuery()) {
      return entries(rows);
    }
  }

  private static List<StoredAuditEntry> entries(ResultSet rows) throws SQLException {
    List<StoredAuditEntry> entries = new ArrayList<>();
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
    return entries;
  }
}
