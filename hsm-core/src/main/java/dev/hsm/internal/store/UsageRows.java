package dev.hsm.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code key_usage} rows: one counter per key and operation. */
final class UsageRows {
  private UsageRows() {}

  /**
   * Adds {@code counts} to the counters, creating missing ones, in one batch. An upsert adds in the
   * database, so counts from several processes sum rather than overwrite each other.
   */
  static void add(Connection connection, Map<String, Map<String, Long>> counts)
      throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO key_usage (key_name, operation, count) VALUES (?, ?, ?)"
                + " ON CONFLICT (key_name, operation) DO UPDATE SET count = count + excluded.count")) {
      for (Map.Entry<String, Map<String, Long>> key : counts.entrySet()) {
        for (Map.Entry<String, Long> operation : key.getValue().entrySet()) {
          upsert.setString(1, key.getKey());
          upsert.setString(2, operation.getKey());
          upsert.setLong(3, operation.getValue());
          upsert.addBatch();
        }
      }
      upsert.executeBatch();
    }
  }

  /** Every counter: key name to operation name to count, both sorted. */
  static Map<String, Map<String, Long>> read(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT key_name, operation, count FROM key_usage ORDER BY key_name, operation")) {
      Map<String, Map<String, Long>> usage = new LinkedHashMap<>();
      while (rows.next()) {
        usage
            .computeIfAbsent(rows.getString(1), k -> new LinkedHashMap<>())
            .put(rows.getString(2), rows.getLong(3));
      }
      return usage;
    }
  }
}
