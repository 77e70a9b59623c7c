package dev.hsm.postgresql;

import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code hsm_key} and {@code key_version} rows: a {@link StoredKey} is one key row and its
 * version rows, written together in the caller's transaction and read together in one query.
 */
final class KeyRows {
  private static final String KEYS =
      "SELECT k.name, k.algorithm, k.rsa_modulus_bits, k.operations, k.extractable,"
          + " k.imported, k.material_form, k.labels, k.primary_version, k.created_at,"
          + " k.enabled, k.rotation_period_seconds, k.min_decryption_version, k.revision,"
          + " k.row_mac, v.version, v.state, v.created_at, v.destroy_at, v.public_key,"
          + " v.wrapped_material, v.row_mac, k.audit_seq, v.certificate_chain"
          + " FROM {s}.hsm_key k LEFT JOIN {s}.key_version v ON v.key_name = k.name";

  private final String schema;

  KeyRows(String schema) {
    this.schema = schema;
  }

  private String sql(String sql) {
    return Schema.in(schema, sql);
  }

  /** The key named {@code name} with its versions, or none. */
  List<StoredKey> read(Connection c, String name) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement(sql(KEYS + " WHERE k.name = ? ORDER BY v.version"))) {
      query.setString(1, name);
      return read(query);
    }
  }

  /** Every key with its versions, by name. */
  List<StoredKey> readAll(Connection c) throws SQLException {
    try (PreparedStatement query = c.prepareStatement(sql(KEYS + " ORDER BY k.name, v.version"))) {
      return read(query);
    }
  }

  private static List<StoredKey> read(PreparedStatement query) throws SQLException {
    Map<String, StoredKey> keys = new LinkedHashMap<>();
    Map<String, List<StoredKeyVersion>> versions = new LinkedHashMap<>();
    query.setFetchSize(1_000); // listing 100,000 keys streams rather than loads at once
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        String name = rows.getString(1);
        if (!keys.containsKey(name)) {
          keys.put(name, key(rows));
          versions.put(name, new ArrayList<>());
        }
        int version = rows.getInt(16);
        if (!rows.wasNull()) { // a key without versions has one row of nulls on the right
          versions
              .get(name)
              .add(
                  new StoredKeyVersion(
                      version,
                      rows.getString(17),
                      rows.getLong(18),
                      rows.getLong(19),
                      rows.getBytes(20),
                      rows.getBytes(21),
                      rows.getBytes(24),
                      rows.getBytes(22)));
        }
      }
    }
    List<StoredKey> result = new ArrayList<>(keys.size());
    for (StoredKey key : keys.values()) {
      result.add(withVersions(key, versions.get(key.name())));
    }
    return result;
  }

  private static StoredKey key(ResultSet rows) throws SQLException {
    return new StoredKey(
        rows.getString(1),
        rows.getString(2),
        rows.getInt(3),
        rows.getString(4),
        rows.getBoolean(5),
        rows.getBoolean(6),
        rows.getString(7),
        rows.getString(8),
        rows.getInt(9),
        rows.getLong(10),
        rows.getBoolean(11),
        rows.getLong(12),
        rows.getInt(13),
        rows.getLong(14),
        rows.getLong(23),
        rows.getBytes(15),
        List.of());
  }

  private static StoredKey withVersions(StoredKey key, List<StoredKeyVersion> versions) {
    return new StoredKey(
        key.name(),
        key.algorithm(),
        key.rsaModulusBits(),
        key.operations(),
        key.extractable(),
        key.imported(),
        key.materialForm(),
        key.labels(),
        key.primaryVersion(),
        key.createdAtMillis(),
        key.enabled(),
        key.rotationPeriodSeconds(),
        key.minDecryptionVersion(),
        key.revision(),
        key.auditSequence(),
        key.rowMac(),
        versions);
  }

  /**
   * Names of keys whose primary version is as old as their rotation period, or with a version
   * scheduled for destruction at or before {@code nowMillis}; each once. In {@code numeric}, so
   * that a period near the end of time does not overflow.
   */
  List<String> dueChanges(Connection c, long nowMillis) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement(
            sql(
                "SELECT k.name FROM {s}.hsm_key k JOIN {s}.key_version v"
                    + " ON v.key_name = k.name AND v.version = k.primary_version"
                    + " WHERE k.rotation_period_seconds > 0"
                    + " AND v.created_at::numeric + k.rotation_period_seconds::numeric * 1000 <= ?"
                    + " UNION SELECT key_name FROM {s}.key_version"
                    + " WHERE state = 'SCHEDULED_FOR_DESTRUCTION' AND destroy_at <= ?"))) {
      query.setLong(1, nowMillis);
      query.setLong(2, nowMillis);
      List<String> names = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
      return names;
    }
  }

  /**
   * Inserts new keys and their versions, each table in one batch (one round trip, however many
   * keys); a taken name (stored, or twice in {@code keys}) throws {@link
   * KeyAlreadyExistsException}, and so rolls back the caller's transaction. Another transaction
   * inserting the same name waits for this one, then fails the same way.
   */
  void insertNew(Connection c, List<StoredKey> keys) throws SQLException {
    try {
      insertAll(c, keys);
    } catch (SQLException e) {
      if ("hsm_key_pkey".equals(Failures.violatedConstraint(e))) {
        throw alreadyExists(keys, e);
      }
      throw e;
    }
  }

  /** The failure of an insert of {@code keys} that found one of their names taken. */
  static KeyAlreadyExistsException alreadyExists(List<StoredKey> keys, SQLException e) {
    return new KeyAlreadyExistsException(
        keys.size() == 1
            ? "key '" + keys.get(0).name() + "' already exists"
            : "one of the keys " + names(keys) + " already exists",
        e);
  }

  private static String names(List<StoredKey> keys) {
    StringBuilder names = new StringBuilder();
    for (StoredKey key : keys) {
      names.append(names.length() == 0 ? "'" : ", '").append(key.name()).append('\'');
    }
    return names.toString();
  }

  /** Inserts keys (and their versions) known to be new, in batches: a copy of a whole store. */
  void insertAll(Connection c, List<StoredKey> keys) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(sql(INSERT_KEY))) {
      for (StoredKey key : keys) {
        bindKey(insert, 1, key);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    try (PreparedStatement insert = c.prepareStatement(sql(INSERT_VERSION))) {
      for (StoredKey key : keys) {
        for (StoredKeyVersion version : key.versions()) {
          bindVersion(insert, 1, key.name(), version);
          insert.addBatch();
        }
      }
      insert.executeBatch();
    }
  }

  /** The insert of a key row, without its values; {@link #bindKey} binds them. */
  static final String INSERT_KEY_INTO =
      "INSERT INTO {s}.hsm_key (name, algorithm, rsa_modulus_bits, operations, extractable,"
          + " imported, material_form, labels, primary_version, created_at, enabled,"
          + " rotation_period_seconds, min_decryption_version, revision, row_mac, audit_seq)";

  static final int KEY_COLUMNS = 16;

  /** The insert of a version row, without its values; {@link #bindVersion} binds them. */
  static final String INSERT_VERSION_INTO =
      "INSERT INTO {s}.key_version (key_name, version, state, created_at, destroy_at,"
          + " public_key, wrapped_material, row_mac, certificate_chain)";

  static final int VERSION_COLUMNS = 9;

  private static final String INSERT_KEY = INSERT_KEY_INTO + " VALUES " + Schema.row(KEY_COLUMNS);

  private static final String INSERT_VERSION =
      INSERT_VERSION_INTO + " VALUES " + Schema.row(VERSION_COLUMNS);

  /** Binds {@code key}'s row to the sixteen parameters from {@code at}; returns the next one. */
  static int bindKey(PreparedStatement insert, int at, StoredKey key) throws SQLException {
    insert.setString(at, key.name());
    insert.setString(at + 1, key.algorithm());
    insert.setInt(at + 2, key.rsaModulusBits());
    insert.setString(at + 3, key.operations());
    insert.setBoolean(at + 4, key.extractable());
    insert.setBoolean(at + 5, key.imported());
    insert.setString(at + 6, key.materialForm());
    insert.setString(at + 7, key.labels());
    insert.setInt(at + 8, key.primaryVersion());
    insert.setLong(at + 9, key.createdAtMillis());
    insert.setBoolean(at + 10, key.enabled());
    insert.setLong(at + 11, key.rotationPeriodSeconds());
    insert.setInt(at + 12, key.minDecryptionVersion());
    insert.setLong(at + 13, key.revision());
    insert.setBytes(at + 14, key.rowMac());
    insert.setLong(at + 15, key.auditSequence());
    return at + 16;
  }

  private void insertVersions(Connection c, String keyName, List<StoredKeyVersion> versions)
      throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(sql(INSERT_VERSION))) {
      for (StoredKeyVersion version : versions) {
        bindVersion(insert, 1, keyName, version);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** Binds a version row to the nine parameters from {@code at}; returns the next one. */
  static int bindVersion(PreparedStatement insert, int at, String keyName, StoredKeyVersion v)
      throws SQLException {
    insert.setString(at, keyName);
    insert.setInt(at + 1, v.version());
    insert.setString(at + 2, v.state());
    insert.setLong(at + 3, v.createdAtMillis());
    insert.setLong(at + 4, v.destroyAtMillis());
    insert.setBytes(at + 5, v.publicKey());
    insert.setBytes(at + 6, v.material());
    insert.setBytes(at + 7, v.rowMac());
    insert.setBytes(at + 8, v.certificateChain());
    return at + 9;
  }

  /**
   * Replaces a key's rows if its revision is still {@code expectedRevision}: the update's condition
   * is the compare-and-set. A concurrent writer of the same key holds its row until it commits;
   * this update then sees the new revision and changes nothing.
   *
   * @throws ConcurrentUpdateException if the revision moved or the key is gone
   */
  void replace(Connection c, StoredKey key, long expectedRevision) throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            sql(
                "UPDATE {s}.hsm_key SET algorithm = ?, rsa_modulus_bits = ?, operations = ?,"
                    + " extractable = ?, imported = ?, material_form = ?, labels = ?,"
                    + " primary_version = ?, created_at = ?, enabled = ?,"
                    + " rotation_period_seconds = ?, min_decryption_version = ?, revision = ?,"
                    + " row_mac = ?, audit_seq = ? WHERE name = ? AND revision = ?"))) {
      update.setString(1, key.algorithm());
      update.setInt(2, key.rsaModulusBits());
      update.setString(3, key.operations());
      update.setBoolean(4, key.extractable());
      update.setBoolean(5, key.imported());
      update.setString(6, key.materialForm());
      update.setString(7, key.labels());
      update.setInt(8, key.primaryVersion());
      update.setLong(9, key.createdAtMillis());
      update.setBoolean(10, key.enabled());
      update.setLong(11, key.rotationPeriodSeconds());
      update.setInt(12, key.minDecryptionVersion());
      update.setLong(13, key.revision());
      update.setBytes(14, key.rowMac());
      update.setLong(15, key.auditSequence());
      update.setString(16, key.name());
      update.setLong(17, expectedRevision);
      if (update.executeUpdate() != 1) {
        throw new ConcurrentUpdateException(
            "key '" + key.name() + "' changed meanwhile (or was removed)");
      }
    }
    try (PreparedStatement delete =
        c.prepareStatement(sql("DELETE FROM {s}.key_version WHERE key_name = ?"))) {
      delete.setString(1, key.name());
      delete.executeUpdate();
    }
    insertVersions(c, key.name(), key.versions());
  }

  /** Every key's name and revision. */
  Map<String, Long> revisions(Connection c) throws SQLException {
    Map<String, Long> revisions = new LinkedHashMap<>();
    try (Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery(sql("SELECT name, revision FROM {s}.hsm_key"))) {
      while (rows.next()) {
        revisions.put(rows.getString(1), rows.getLong(2));
      }
    }
    return revisions;
  }

  /** Deletes every key and version row. */
  void deleteAll(Connection c) throws SQLException {
    try (Statement statement = c.createStatement()) {
      statement.executeUpdate(sql("DELETE FROM {s}.key_version"));
      statement.executeUpdate(sql("DELETE FROM {s}.hsm_key"));
    }
  }
}
