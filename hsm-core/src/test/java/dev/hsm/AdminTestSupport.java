package dev.hsm;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Helpers for the admin tests: whole-table snapshots with JDBC and a clock tests can move. */
final class AdminTestSupport {
  private AdminTestSupport() {}

  /**
   * Every row of {@code table}, in a stable order, one string per row with BLOBs in hex: equal
   * lists mean byte-identical rows. Only call while no client has the file open.
   */
  static List<String> rows(Path db, String table, String orderBy) {
    try (Connection c = StoreFiles.connect(db);
        PreparedStatement query =
            c.prepareStatement("SELECT * FROM " + table + " ORDER BY " + orderBy);
        ResultSet rows = query.executeQuery()) {
      ResultSetMetaData meta = rows.getMetaData();
      List<String> result = new ArrayList<>();
      while (rows.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          Object value = rows.getObject(i);
          row.append(meta.getColumnName(i))
              .append('=')
              .append(value instanceof byte[] ? HexFormat.of().formatHex((byte[]) value) : value)
              .append(' ');
        }
        result.add(row.toString().trim());
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The rows of the key tables, the unlock slots and the store settings. */
  static List<String> keyAndSlotRows(Path db) {
    List<String> all = new ArrayList<>();
    all.addAll(rows(db, "hsm_key", "name"));
    all.addAll(rows(db, "key_version", "key_name, version"));
    all.addAll(rows(db, "unlock_slot", "id"));
    all.addAll(rows(db, "store_meta", "name"));
    return all;
  }

  /** A clock that stands still until moved. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
