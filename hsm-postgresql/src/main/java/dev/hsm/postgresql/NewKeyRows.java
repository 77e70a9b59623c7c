package dev.hsm.postgresql;

import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * New keys written in one statement: their audit entries, key rows and version rows as
 * data-modifying {@code WITH} queries, then the client's commit count and notification ({@link
 * Commits#countingAfter}). Inside the lock that serialises key creation across instances, every
 * round trip is time the other instances wait; this costs one however many keys a group commit
 * brings, where a batch per table costs four. A group too big for one statement's parameters is
 * written in batches instead.
 */
final class NewKeyRows {
  /** The most parameters one statement takes (the wire protocol counts them in 16 bits). */
  private static final int MAX_PARAMETERS = 32_767;

  private final String schema;
  private final AuditRows audit;
  private final KeyRows keys;
  private final Commits commits;

  NewKeyRows(String schema, AuditRows audit, KeyRows keys, Commits commits) {
    this.schema = schema;
    this.audit = audit;
    this.keys = keys;
    this.commits = commits;
  }

  /**
   * Inserts {@code newKeys} and {@code entries} in the caller's transaction, counts the write and
   * notifies the other clients.
   *
   * @throws ConcurrentUpdateException if an entry with one of the sequence numbers exists
   * @throws KeyAlreadyExistsException if one of the names is taken
   */
  void insert(Connection c, List<StoredKey> newKeys, List<StoredAuditEntry> entries)
      throws SQLException {
    int versions = newKeys.stream().mapToInt(key -> key.versions().size()).sum();
    int parameters =
        entries.size() * AuditRows.ENTRY_COLUMNS
            + newKeys.size() * KeyRows.KEY_COLUMNS
            + versions * KeyRows.VERSION_COLUMNS
            + 3;
    if (parameters > MAX_PARAMETERS) {
      audit.append(c, entries);
      keys.insertNew(c, newKeys);
      commits.count(c);
      return;
    }
    try (PreparedStatement insert = c.prepareStatement(sql(entries.size(), newKeys, versions))) {
      int at = 1;
      for (StoredAuditEntry entry : entries) {
        at = AuditRows.bind(insert, at, entry);
      }
      for (StoredKey key : newKeys) {
        at = KeyRows.bindKey(insert, at, key);
      }
      for (StoredKey key : newKeys) {
        for (StoredKeyVersion version : key.versions()) {
          at = KeyRows.bindVersion(insert, at, key.name(), version);
        }
      }
      commits.bind(insert, at);
      insert.executeQuery().close();
    } catch (SQLException e) {
      String constraint = Failures.violatedConstraint(e);
      if ("audit_log_pkey".equals(constraint)) {
        throw new ConcurrentUpdateException(
            "audit entry " + entries.get(0).sequence() + " or a later one exists already");
      }
      // The WITH queries run in no set order: a taken name may first show as its version's row.
      if ("hsm_key_pkey".equals(constraint) || "key_version_pkey".equals(constraint)) {
        throw KeyRows.alreadyExists(newKeys, e);
      }
      throw e;
    }
  }

  private String sql(int entries, List<StoredKey> newKeys, int versions) {
    String with =
        "new_entries AS ("
            + AuditRows.INSERT_INTO
            + " VALUES "
            + rows(entries, AuditRows.ENTRY_COLUMNS)
            + "), new_keys AS ("
            + KeyRows.INSERT_KEY_INTO
            + " VALUES "
            + rows(newKeys.size(), KeyRows.KEY_COLUMNS)
            + ")"
            + (versions == 0
                ? ""
                : ", new_versions AS ("
                    + KeyRows.INSERT_VERSION_INTO
                    + " VALUES "
                    + rows(versions, KeyRows.VERSION_COLUMNS)
                    + ")");
    return Schema.in(schema, Commits.countingAfter(with));
  }

  private static String rows(int count, int columns) {
    return String.join(", ", Collections.nCopies(count, Schema.row(columns)));
  }
}
