package dev.hsm.postgresql;

import dev.hsm.spi.StoredSlot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code unlock_slot} rows. A new slot's id comes from the column's identity sequence, which
 * never hands out an id again (not even one of a rolled-back insert), so the newest slot has the
 * highest id; a resealed or copied slot keeps its id.
 */
final class SlotRows {
  private final String schema;

  SlotRows(String schema) {
    this.schema = schema;
  }

  private String sql(String sql) {
    return Schema.in(schema, sql);
  }

  /** Inserts a slot; returns its id (a new one for a slot of id 0). */
  long insert(Connection c, StoredSlot slot) throws SQLException {
    String columns = "kind, kdf_params, salt, wrapped_master_key, created_at";
    try (PreparedStatement insert =
        c.prepareStatement(
            slot.id() > 0
                ? sql("INSERT INTO {s}.unlock_slot (" + columns + ", id) VALUES (?, ?, ?, ?, ?, ?)")
                : sql(
                    "INSERT INTO {s}.unlock_slot ("
                        + columns
                        + ") VALUES (?, ?, ?, ?, ?) RETURNING id"))) {
      insert.setString(1, slot.kind());
      insert.setString(2, slot.kdfParameters());
      insert.setBytes(3, slot.salt());
      insert.setBytes(4, slot.wrappedMasterKey());
      insert.setLong(5, slot.createdAtMillis());
      if (slot.id() > 0) {
        insert.setLong(6, slot.id());
        insert.executeUpdate();
        return slot.id();
      }
      try (ResultSet rows = insert.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Every slot, by id. */
  List<StoredSlot> readAll(Connection c) throws SQLException {
    try (PreparedStatement query =
            c.prepareStatement(
                sql(
                    "SELECT id, kind, kdf_params, salt, wrapped_master_key, created_at"
                        + " FROM {s}.unlock_slot ORDER BY id"));
        ResultSet rows = query.executeQuery()) {
      List<StoredSlot> slots = new ArrayList<>();
      while (rows.next()) {
        slots.add(
            new StoredSlot(
                rows.getLong(1),
                rows.getString(2),
                rows.getString(3),
                rows.getBytes(4),
                rows.getBytes(5),
                rows.getLong(6)));
      }
      return slots;
    }
  }

  boolean delete(Connection c, long id) throws SQLException {
    try (PreparedStatement delete =
        c.prepareStatement(sql("DELETE FROM {s}.unlock_slot WHERE id = ?"))) {
      delete.setLong(1, id);
      return delete.executeUpdate() == 1;
    }
  }

  Set<Long> ids(Connection c) throws SQLException {
    Set<Long> ids = new HashSet<>();
    try (Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery(sql("SELECT id FROM {s}.unlock_slot"))) {
      while (rows.next()) {
        ids.add(rows.getLong(1));
      }
    }
    return ids;
  }

  void deleteAll(Connection c) throws SQLException {
    try (Statement statement = c.createStatement()) {
      statement.executeUpdate(sql("DELETE FROM {s}.unlock_slot"));
    }
  }

  /** The highest id the sequence ever gave, or of a slot inserted with its id; 0 for none. */
  long highestId(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rows =
            statement.executeQuery(
                sql(
                    "SELECT greatest(coalesce(pg_sequence_last_value("
                        + "pg_get_serial_sequence('{s}.unlock_slot', 'id')::regclass), 0),"
                        + " coalesce((SELECT max(id) FROM {s}.unlock_slot), 0))"))) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Makes the next new slot's id higher than {@code highest} (a copy keeps its source's ids). */
  void raiseHighestId(Connection c, long highest) throws SQLException {
    if (highest <= 0) {
      return;
    }
    try (PreparedStatement update =
        c.prepareStatement(
            sql("SELECT setval(pg_get_serial_sequence('{s}.unlock_slot', 'id'), ?)"))) {
      update.setLong(1, Math.max(highest, highestId(c)));
      update.executeQuery().close();
    }
  }
}
