package dev.hsm.internal.store;

import dev.hsm.spi.ConcurrentUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The {@code store_meta} rows: the schema version, the store id and the settings, by name. */
final class MetaRows {
  static final String SCHEMA_VERSION = "schema_version";
  static final String STORE_ID = "store_id";
  static final String SETTINGS = "settings";

  private MetaRows() {}

  /** The value named {@code name}, or {@code null}. */
  static String read(Connection connection, String name) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT value FROM store_meta WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  static void insert(Connection connection, String name, String value) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO store_meta (name, value) VALUES (?, ?)")) {
      insert.setString(1, name);
      insert.setString(2, value);
      insert.executeUpdate();
    }
  }

  static void replace(Connection connection, String name, String value) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE store_meta SET value = ? WHERE name = ?")) {
      update.setString(1, value);
      update.setString(2, name);
      update.executeUpdate();
    }
  }

  /**
   * Replaces the settings if they still equal {@code expected}: a compare-and-set in the statement
   * itself, so a change by another process in between is never overwritten.
   */
  static void replaceSettings(Connection connection, String expected, String settings)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE store_meta SET value = ? WHERE name = 'settings' AND value = ?")) {
      update.setString(1, settings);
      update.setString(2, expected);
      if (update.executeUpdate() != 1) {
        throw new ConcurrentUpdateException("the store settings changed meanwhile");
      }
    }
  }
}
