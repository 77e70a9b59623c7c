package dev.hsm.internal.store;

import dev.hsm.spi.StoredSlot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@code unlock_slot} rows. */
final class SlotRows {
  private SlotRows() {}

  /**
   * Inserts a slot. A new one (id 0) gets the next id; {@code AUTOINCREMENT} never hands out an id
   * again, even after its slot was removed, so the newest slot always has the highest id. A
   * resealed slot (master key rotation) keeps its id.
   *
   * @return the slot's id
   */
  static long insert(Connection connection, StoredSlot slot) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO unlock_slot (kind, kdf_params, salt, wrapped_master_key, created_at, id)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, slot.kind());
      insert.setString(2, slot.kdfParameters());
      insert.setBytes(3, slot.salt());
      insert.setBytes(4, slot.wrappedMasterKey());
      insert.setLong(5, slot.createdAtMillis());
      if (slot.id() > 0) {
        insert.setLong(6, slot.id());
      } else {
        insert.setNull(6, Types.INTEGER);
      }
      insert.executeUpdate();
    }
    if (slot.id() > 0) {
      return slot.id();
    }
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT last_insert_rowid()")) {
      return rows.getLong(1);
    }
  }

  /** Every slot, by id. */
  static List<StoredSlot> readAll(Connection connection) throws SQLException {
    try (PreparedStatement query =
            connection.prepareStatement(
                "SELECT id, kind, kdf_params, salt, wrapped_master_key, created_at"
                    + " FROM unlock_slot ORDER BY id");
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

  /** Deletes the slot with this id; returns whether there was one. */
  static boolean delete(Connection connection, long id) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM unlock_slot WHERE id = ?")) {
      delete.setLong(1, id);
      return delete.executeUpdate() == 1;
    }
  }

  static Set<Long> ids(Connection connection) throws SQLException {
    Set<Long> ids = new HashSet<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id FROM unlock_slot")) {
      while (rows.next()) {
        ids.add(rows.getLong(1));
      }
    }
    return ids;
  }

  /** The highest id ever given to a slot (AUTOINCREMENT's counter), or 0. */
  static long highestId(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'unlock_slot'),"
                    + " 0), coalesce((SELECT max(id) FROM unlock_slot), 0))")) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  /** Makes the next new slot's id higher than {@code highest} (a copy keeps its source's ids). */
  static void raiseHighestId(Connection connection, long highest) throws SQLException {
    if (highest <= highestId(connection)) {
      return;
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE sqlite_sequence SET seq = ? WHERE name = 'unlock_slot'")) {
      update.setLong(1, highest);
      if (update.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('unlock_slot', ?)")) {
      insert.setLong(1, highest);
      insert.executeUpdate();
    }
  }

  static void deleteAll(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("DELETE FROM unlock_slot");
    }
  }
}
