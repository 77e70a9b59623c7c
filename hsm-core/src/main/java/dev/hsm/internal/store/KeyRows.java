package dev.hsm.internal.store;

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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code hsm_key} and {@code key_version} rows: a {@link StoredKey} is one key row and its
 * version rows, always written together in the caller's transaction and read together in one query.
 */
final class KeyRows {
  private static final String KEYS =
      "SELECT k.name, k.algorithm, k.rsa_modulus_bits, k.operations, k.extractable,"
          + " k.imported, k.material_form, k.labels, k.primary_version, k.created_at,"
          + " k.enabled, k.rotation_period_seconds, k.min_decryption_version, k.revision,"
          + " k.row_mac, v.version, v.state, v.created_at, v.destroy_at, v.public_key,"
          + " v.wrapped_material, v.row_mac, k.audit_seq, v.certificate_chain"
          + " FROM hsm_key k LEFT JOIN key_version v ON v.key_name = k.name";

  private static final String ALL_KEYS = KEYS + " ORDER BY k.name, v.version";

  /** One key's rows, by version; its name is the only parameter. */
  static final String ONE_KEY = KEYS + " WHERE k.name = ? ORDER BY k.name, v.version";

  private KeyRows() {}

  /** Every key with its versions, by name, in one read. */
  static List<StoredKey> readAll(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(ALL_KEYS)) {
      return read(query, null);
    }
  }

  /**
   * Keys and their versions from {@link #ALL_KEYS}, or from {@link #ONE_KEY} for {@code onlyName}
   * (with {@code null}: all), in one read. The statement stays open: the caller owns it.
   */
  static List<StoredKey> read(PreparedStatement query, String onlyName) throws SQLException {
    Map<String, StoredKey> keys = new LinkedHashMap<>();
    Map<String, List<StoredKeyVersion>> versions = new LinkedHashMap<>();
    if (onlyName != null) {
      query.setString(1, onlyName);
    }
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        String name = rows.getString(1);
        if (!keys.containsKey(name)) {
          keys.put(name, key(rows, List.of()));
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

  private static StoredKey key(ResultSet rows, List<StoredKeyVersion> versions)
      throws SQLException {
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
        versions);
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
   * Names of keys whose primary version is older than their rotation period, or with a version
   * scheduled for destruction at or before {@code nowMillis}; each once.
   */
  static List<String> dueChanges(Connection connection, long nowMillis) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT k.name FROM hsm_key k JOIN key_version v"
                + " ON v.key_name = k.name AND v.version = k.primary_version"
                + " WHERE k.rotation_period_seconds > 0"
                + " AND v.created_at + k.rotation_period_seconds * 1000 <= ?"
                + " UNION SELECT key_name FROM key_version"
                + " WHERE state = 'SCHEDULED_FOR_DESTRUCTION' AND destroy_at <= ?")) {
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

  /** A new key's rows; a taken name throws (and so rolls back the caller's whole transaction). */
  static void insertNew(Connection connection, StoredKey key) throws SQLException {
    try {
      insert(connection, key);
    } catch (SQLException e) {
      if (Sqlite.isConstraint(e) && exists(connection, key.name())) {
        throw new KeyAlreadyExistsException("key '" + key.name() + "' already exists", e);
      }
      throw e;
    }
  }

  private static boolean exists(Connection connection, String name) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT 1 FROM hsm_key WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** Inserts a key row and its version rows. */
  static void insert(Connection connection, StoredKey key) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO hsm_key (name, algorithm, rsa_modulus_bits, operations, extractable,"
                + " imported, material_form, labels, primary_version, created_at, enabled,"
                + " rotation_period_seconds, min_decryption_version, revision, row_mac, audit_seq)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, key.name());
      insert.setString(2, key.algorithm());
      insert.setInt(3, key.rsaModulusBits());
      insert.setString(4, key.operations());
      insert.setBoolean(5, key.extractable());
      insert.setBoolean(6, key.imported());
      insert.setString(7, key.materialForm());
      insert.setString(8, key.labels());
      insert.setInt(9, key.primaryVersion());
      insert.setLong(10, key.createdAtMillis());
      insert.setBoolean(11, key.enabled());
      insert.setLong(12, key.rotationPeriodSeconds());
      insert.setInt(13, key.minDecryptionVersion());
      insert.setLong(14, key.revision());
      insert.setBytes(15, key.rowMac());
      insert.setLong(16, key.auditSequence());
      insert.executeUpdate();
    }
    for (StoredKeyVersion version : key.versions()) {
      insertVersion(connection, key.name(), version);
    }
  }

  private static void insertVersion(Connection connection, String keyName, StoredKeyVersion version)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO key_version (key_name, version, state, created_at, destroy_at,"
                + " public_key, wrapped_material, row_mac, certificate_chain)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, keyName);
      insert.setInt(2, version.version());
      insert.setString(3, version.state());
      insert.setLong(4, version.createdAtMillis());
      insert.setLong(5, version.destroyAtMillis());
      insert.setBytes(6, version.publicKey());
      insert.setBytes(7, version.material());
      insert.setBytes(8, version.rowMac());
      insert.setBytes(9, version.certificateChain());
      insert.executeUpdate();
    }
  }

  /**
   * Replaces a key's rows if its revision is still {@code expectedRevision}: the delete's condition
   * is the compare-and-set, so a change by another process in between is never overwritten.
   *
   * @return whether a version that had material has none now (it was destroyed)
   */
  static boolean replace(Connection connection, StoredKey key, long expectedRevision)
      throws SQLException {
    Set<Integer> hadMaterial = new HashSet<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT version FROM key_version WHERE key_name = ? AND wrapped_material IS NOT NULL")) {
      query.setString(1, key.name());
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          hadMaterial.add(rows.getInt(1));
        }
      }
    }
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM hsm_key WHERE name = ? AND revision = ?")) {
      delete.setString(1, key.name());
      delete.setLong(2, expectedRevision);
      if (delete.executeUpdate() != 1) {
        throw new ConcurrentUpdateException(
            "key '" + key.name() + "' changed meanwhile (or was removed)");
      }
    }
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM key_version WHERE key_name = ?")) {
      delete.setString(1, key.name());
      delete.executeUpdate();
    }
    insert(connection, key);
    return key.versions().stream()
        .anyMatch(v -> v.material() == null && hadMaterial.contains(v.version()));
  }

  /** Every key's name and revision. */
  static Map<String, Long> revisions(Connection connection) throws SQLException {
    Map<String, Long> revisions = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT name, revision FROM hsm_key")) {
      while (rows.next()) {
        revisions.put(rows.getString(1), rows.getLong(2));
      }
    }
    return revisions;
  }

  /** Deletes every key and version row. */
  static void deleteAll(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM key_version");
      statement.executeUpdate("DELETE FROM hsm_key");
    }
  }
}
