package dev.hsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Edits and inspects store files behind the library's back, with plain JDBC. Only call these while
 * no {@link HsmClient} has the file open.
 */
final class StoreFiles {
  private StoreFiles() {}

  static Connection connect(Path db) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
  }

  /** Runs one statement and returns the number of rows it changed. */
  static int update(Path db, String sql, Object... args) {
    try (Connection c = connect(db);
        PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The first column of the first row, as bytes. */
  static byte[] queryBytes(Path db, String sql, Object... args) {
    try (Connection c = connect(db);
        PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          throw new IllegalStateException("no row for " + sql);
        }
        return rows.getBytes(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Flips the lowest bit of byte {@code index} of a BLOB column of key_version for a key. */
  static void flipVersionBlob(Path db, String keyName, String column, int index) {
    byte[] value =
        queryBytes(db, "SELECT " + column + " FROM key_version WHERE key_name = ?", keyName);
    value[index] ^= 1;
    int changed =
        update(db, "UPDATE key_version SET " + column + " = ? WHERE key_name = ?", value, keyName);
    if (changed != 1) {
      throw new IllegalStateException(changed + " rows changed");
    }
  }

  /** Every row of {@code table} whose {@code nameColumn} is {@code name}, column by column. */
  static List<Map<String, Object>> rows(Path db, String table, String nameColumn, String name) {
    try (Connection c = connect(db);
        PreparedStatement statement =
            c.prepareStatement("SELECT * FROM " + table + " WHERE " + nameColumn + " = ?")) {
      statement.setString(1, name);
      List<Map<String, Object>> result = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        ResultSetMetaData meta = rows.getMetaData();
        while (rows.next()) {
          Map<String, Object> row = new TreeMap<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.put(meta.getColumnName(i), rows.getObject(i));
          }
          result.add(row);
        }
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Inserts rows as read by {@link #rows}. */
  static void insert(Path db, String table, List<Map<String, Object>> rows) {
    try (Connection c = connect(db)) {
      for (Map<String, Object> row : rows) {
        String columns = String.join(", ", row.keySet());
        String marks = String.join(", ", row.keySet().stream().map(k -> "?").toList());
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")")) {
          int i = 1;
          for (Object value : row.values()) {
            insert.setObject(i++, value);
          }
          insert.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of a file, hex. */
  static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** File name to SHA-256 for every regular file in {@code dir}. */
  static Map<String, String> snapshot(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      Map<String, String> hashes = new TreeMap<>();
      files
          .filter(Files::isRegularFile)
          .forEach(f -> hashes.put(f.getFileName().toString(), sha256(f)));
      return hashes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The store file and whichever of its -wal, -shm and -journal files exist. */
  static List<Path> storeFiles(Path db) {
    List<Path> files = new ArrayList<>();
    for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
      Path file = db.resolveSibling(db.getFileName() + suffix);
      if (Files.exists(file)) {
        files.add(file);
      }
    }
    return files;
  }

  /**
   * How many file descriptors of this process are open on {@code file}, or -1 where {@code
   * /proc/self/fd} does not exist.
   */
  static int openDescriptors(Path file) {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return -1;
    }
    Path target = file.toAbsolutePath().normalize();
    int count = 0;
    try (Stream<Path> entries = Files.list(fds)) {
      for (Path fd : (Iterable<Path>) entries::iterator) {
        try {
          if (Files.readSymbolicLink(fd).equals(target)) {
            count++;
          }
        } catch (IOException | UnsupportedOperationException gone) {
          // closed while listing
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return count;
  }
}
