package dev.hsm.internal.store;

import dev.hsm.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The store's tables, created in an empty file together with the WAL journal, or checked (and
 * migrated) in an existing one. The schema is the file format: {@link #TABLES} is version 1 as it
 * first shipped, and every change since is a migration in {@link #MIGRATIONS}, which a new store
 * runs too, so there is one way to reach each version.
 */
final class SqliteSchema {
  /** The schema this code writes; a store with a higher version is refused. */
  static final int VERSION = 3;

  /**
   * {@code MIGRATIONS[n - 1]} takes a store from version {@code n} to {@code n + 1}, in one
   * transaction.
   */
  private static final String[][] MIGRATIONS = {
    { // 1 -> 2: each key row names the audit entry of its last change (rollback detection), and
      // the log is indexed by key, so that entry is found without a scan
      "ALTER TABLE hsm_key ADD COLUMN audit_seq INTEGER NOT NULL DEFAULT 0",
      "CREATE INDEX audit_log_key ON audit_log (key_name, seq)"
    },
    { // 2 -> 3: a version may carry an X.509 certificate chain (under the version row's MAC)
      "ALTER TABLE key_version ADD COLUMN certificate_chain BLOB"
    }
  };

  private static final String[] TABLES = {
    "CREATE TABLE store_meta (" + " name TEXT PRIMARY KEY," + " value TEXT NOT NULL)",
    "CREATE TABLE unlock_slot ("
        + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        + " kind TEXT NOT NULL,"
        + " kdf_params TEXT NOT NULL,"
        + " salt BLOB NOT NULL,"
        + " wrapped_master_key BLOB NOT NULL,"
        + " created_at INTEGER NOT NULL)",
    "CREATE TABLE hsm_key ("
        + " name TEXT PRIMARY KEY,"
        + " algorithm TEXT NOT NULL,"
        + " rsa_modulus_bits INTEGER NOT NULL,"
        + " operations TEXT NOT NULL,"
        + " extractable INTEGER NOT NULL,"
        + " imported INTEGER NOT NULL,"
        + " material_form TEXT NOT NULL,"
        + " labels TEXT NOT NULL,"
        + " primary_version INTEGER NOT NULL,"
        + " created_at INTEGER NOT NULL,"
        + " enabled INTEGER NOT NULL,"
        + " rotation_period_seconds INTEGER NOT NULL,"
        + " min_decryption_version INTEGER NOT NULL,"
        + " revision INTEGER NOT NULL,"
        + " row_mac BLOB NOT NULL)",
    "CREATE TABLE key_version ("
        + " key_name TEXT NOT NULL,"
        + " version INTEGER NOT NULL,"
        + " state TEXT NOT NULL,"
        + " created_at INTEGER NOT NULL,"
        + " destroy_at INTEGER NOT NULL,"
        + " public_key BLOB,"
        + " wrapped_material BLOB,"
        + " row_mac BLOB NOT NULL,"
        + " PRIMARY KEY (key_name, version))",
    "CREATE TABLE audit_log ("
        + " seq INTEGER PRIMARY KEY,"
        + " at INTEGER NOT NULL,"
        + " actor TEXT NOT NULL,"
        + " action TEXT NOT NULL,"
        + " key_name TEXT,"
        + " version INTEGER NOT NULL,"
        + " outcome TEXT NOT NULL,"
        + " detail TEXT NOT NULL,"
        + " hash BLOB NOT NULL,"
        + " mac BLOB NOT NULL)",
    // Finds the last settings change without reading the whole log (checked on every write).
    "CREATE INDEX audit_log_action ON audit_log (action, seq)",
    "CREATE TABLE key_usage ("
        + " key_name TEXT NOT NULL,"
        + " operation TEXT NOT NULL,"
        + " count INTEGER NOT NULL,"
        + " PRIMARY KEY (key_name, operation))"
  };

  private SqliteSchema() {}

  /**
   * Creates the schema in an empty database, or checks the version of an existing store. Writes
   * nothing to an existing store, and nothing at all to a database that is not a key store.
   */
  static void createOrCheck(WriteConnection writer, Path path) throws SQLException {
    if (writer.outsideTransaction(c -> hasTable(c, "store_meta"))) {
      checkVersion(writer, path);
      return;
    }
    // The table may have appeared since (another opener made it): look again before refusing.
    if (writer.outsideTransaction(c -> hasAnyTable(c) && !hasTable(c, "store_meta"))) {
      // Never add our tables to someone else's database.
      throw new StoreException(
          path + " is an SQLite database but not a key store (it has no store_meta table)");
    }
    enableWal(writer, path);
    writer.inTransaction(
        connection -> {
          if (hasTable(connection, "store_meta")) {
            return null; // another process created it while we waited for the lock
          }
          try (Statement statement = connection.createStatement()) {
            for (String ddl : TABLES) {
              statement.execute(ddl);
            }
          }
          if (MetaRows.read(connection, MetaRows.SCHEMA_VERSION) == null) {
            MetaRows.insert(connection, MetaRows.SCHEMA_VERSION, "1");
          }
          return null;
        });
    checkVersion(writer, path);
  }

  /** The message for a file that could not be opened: one that is no database says so. */
  static String openFailure(Path path, SQLException e) {
    if (e instanceof SQLiteException
        && ((SQLiteException) e).getResultCode() == SQLiteErrorCode.SQLITE_NOTADB) {
      return path + " is not a key store (not an SQLite database)";
    }
    return "cannot open key store " + path + ": " + e.getMessage();
  }

  /**
   * Switches a new database to WAL, so that readers run beside the writer and a commit writes one
   * sequential log. While another connection also has the new file open, SQLite refuses the switch
   * with SQLITE_BUSY at once, without waiting for the busy timeout (waiting for the exclusive lock
   * while holding a shared one could deadlock), so wait here instead.
   */
  private static void enableWal(WriteConnection writer, Path path) throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Sqlite.BUSY_TIMEOUT_MILLIS);
    while (true) {
      try {
        writer.outsideTransaction(
            connection -> {
              try (Statement statement = connection.createStatement()) {
                // Persistent in the file; cannot change inside a transaction.
                statement.execute("PRAGMA journal_mode=WAL");
              }
              return null;
            });
        return;
      } catch (SQLiteException e) {
        if (!Sqlite.isBusy(e) || System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while creating key store " + path, e);
      }
    }
  }

  private static void checkVersion(WriteConnection writer, Path path) throws SQLException {
    int number = writer.outsideTransaction(c -> version(c, path));
    if (number < VERSION) {
      migrate(writer, path);
      return;
    }
    if (number > VERSION) {
      throw new StoreException(
          path
              + " has schema version "
              + number
              + ", newer than this library's "
              + VERSION
              + "; upgrade the library");
    }
  }

  private static int version(Connection connection, Path path) throws SQLException {
    String version = MetaRows.read(connection, MetaRows.SCHEMA_VERSION);
    try {
      return Integer.parseInt(String.valueOf(version));
    } catch (NumberFormatException e) {
      throw new StoreException(path + " has no readable schema version ('" + version + "')");
    }
  }

  /**
   * Runs the migrations from the store's version to {@link #VERSION} in one transaction; another
   * process may have run them meanwhile, so the version is read again under the lock.
   */
  private static void migrate(WriteConnection writer, Path path) throws SQLException {
    writer.inTransaction(
        connection -> {
          int from = version(connection, path);
          try (Statement statement = connection.createStatement()) {
            for (int version = from; version < VERSION; version++) {
              for (String ddl : MIGRATIONS[version - 1]) {
                statement.execute(ddl);
              }
            }
          }
          if (from < VERSION) {
            MetaRows.replace(connection, MetaRows.SCHEMA_VERSION, Integer.toString(VERSION));
          }
          return null;
        });
  }

  private static boolean hasTable(Connection connection, String name) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static boolean hasAnyTable(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1")) {
      return rows.next();
    }
  }
}
