package dev.hsm.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The {@code key_usage} rows: one counter per key and operation. */
final class UsageRows {
  private final String schema;

  UsageRows(String schema) {
    this.schema = schema;
  }

  /**
   * Adds {@code counts} to the counters, creating missing ones, in one batch. The upsert adds in
   * the database, so counts from several instances sum. Rows are written in sorted order, so that
   * two instances adding to the same counters lock them in the same order and never deadlock.
   */
  void add(Connection c, Map<String, Map<String, Long>> counts) throws SQLException {
    try (PreparedStatement upsert =
        c.prepareStatement(
            Schema.in(
                schema,
                "INSERT INTO {s}.key_usage AS u (key_name, operation, count) VALUES (?, ?, ?)"
                    + " ON CONFLICT (key_name, operation)"
                    + " DO UPDATE SET count = u.count + excluded.count"))) {
      for (Map.Entry<String, Map<String, Long>> key : new TreeMap<>(counts).entrySet()) {
        for (Map.Entry<String, Long> operation : new TreeMap<>(key.getValue()).entrySet()) {
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
  Map<String, Map<String, Long>> read(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rows =
            statement.executeQuery(
                Schema.in(
                    schema,
                    "SELECT key_name, operation, count FROM {s}.key_usage"
                        + " ORDER BY key_name, operation"))) {
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
