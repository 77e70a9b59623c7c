package dev.hsm.postgresql;

import dev.hsm.spi.ConcurrentUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The {@code store_meta} rows: the store id and the settings, by name. */
final class MetaRows {
  static final String STORE_ID = "store_id";
  static final String SETTINGS = "settings";

  private final String schema;

  MetaRows(String schema) {
    this.schema = schema;
  }

  /** The value named {@code name}, or {@code null}. */
  String read(Connection c, String name) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement(Schema.in(schema, "SELECT value FROM {s}.store_meta WHERE name = ?"))) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  /**
   * Inserts a value; a concurrent insert of the same name waits for this one and then fails with
   * unique_violation on {@code store_meta_pkey}.
   */
  void insert(Connection c, String name, String value) throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement(
            Schema.in(schema, "INSERT INTO {s}.store_meta (name, value) VALUES (?, ?)"))) {
      insert.setString(1, name);
      insert.setString(2, value);
      insert.executeUpdate();
    }
  }

  /**
   * Replaces the settings if they still equal {@code expected}, compared on their exact text: a
   * concurrent change holds the row until it commits, and this update then finds the new text.
   *
   * @throws ConcurrentUpdateException if they changed, or there are none
   */
  void replaceSettings(Connection c, String expected, String settings) throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            Schema.in(
                schema,
                "UPDATE {s}.store_meta SET value = ? WHERE name = 'settings' AND value = ?"))) {
      update.setString(1, settings);
      update.setString(2, expected);
      if (update.executeUpdate() != 1) {
        throw new ConcurrentUpdateException("the store settings changed meanwhile");
      }
    }
  }
}
