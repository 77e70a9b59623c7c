package dev.hsm.internal.store;

import dev.hsm.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The client's one write connection, used under this object's lock: for every write transaction,
 * for {@code PRAGMA data_version} (which counts <em>other</em> connections' commits, so it must be
 * read on the connection that makes ours), and for the few reads the engine makes just before each
 * write (the settings, the audit log's head): only this connection's page cache survives our own
 * commits, a read connection's is dropped whenever another connection has committed.
 *
 * <p>Durability is set here: {@code synchronous=FULL}, so a commit is on disk when the call
 * returns, and {@code BEGIN IMMEDIATE}, so a transaction takes the file's write lock when it starts
 * (waiting up to the busy timeout for another process) rather than failing at its first write.
 */
final class WriteConnection implements AutoCloseable {
  private final Path path;
  private final Connection connection; // guarded by this

  private WriteConnection(Path path, Connection connection) {
    this.path = path;
    this.connection = connection;
  }

  /** Opens the write connection, creating the file (owner-only) if there is none. */
  static WriteConnection open(Path path) throws SQLException {
    createPrivateFile(path);
    SQLiteConfig config = new SQLiteConfig();
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(Sqlite.BUSY_TIMEOUT_MILLIS);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    Connection connection = config.createConnection(Sqlite.url(path));
    try (Statement statement = connection.createStatement()) {
      // Deleted content is overwritten with zeros, not left in free pages: destroyed material and
      // material wrapped under a rotated-out master key must not stay readable in the file.
      statement.execute("PRAGMA secure_delete = ON");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return new WriteConnection(path, connection);
  }

  /**
   * Copies the WAL into the database file and truncates it, so that page images written before a
   * destruction (holding the destroyed material) leave the {@code -wal} file. Best effort: another
   * connection reading an old snapshot holds part of the WAL back until SQLite's next automatic
   * checkpoint; {@code secure_delete} has already zeroed the material in the database pages.
   */
  void checkpoint() {
    read(
        "checkpoint the write-ahead log",
        c -> {
          try (Statement statement = c.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
          }
          return null;
        });
  }

  /**
   * A new store file is created readable by its owner only, where the file system allows: SQLite
   * would create it with the process's umask.
   */
  private static void createPrivateFile(Path path) {
    if (Files.exists(path)) {
      return;
    }
    try {
      PrivateFiles.createOwnerOnly(path); // false: another process created it first, fine
    } catch (IOException e) {
      throw new StoreException("cannot create key store file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction, committed or rolled back. */
  synchronized <T> T inTransaction(Sqlite.Work<T> work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Runs {@code work} on this connection outside a transaction (one statement, autocommit). */
  synchronized <T> T outsideTransaction(Sqlite.Work<T> work) throws SQLException {
    return work.run(connection);
  }

  /**
   * {@link #inTransaction}, with a failure reported as a {@link StoreException} naming {@code
   * what}.
   */
  <T> T write(String what, Sqlite.Work<T> work) {
    try {
      return inTransaction(work);
    } catch (SQLException e) {
      throw Sqlite.failure(path, what, e);
    }
  }

  /** {@link #outsideTransaction}, with a failure reported as a {@link StoreException}. */
  <T> T read(String what, Sqlite.Work<T> work) {
    try {
      return outsideTransaction(work);
    } catch (SQLException e) {
      throw Sqlite.failure(path, what, e);
    }
  }

  /**
   * SQLite's {@code PRAGMA data_version}: it moves when a connection other than this one commits,
   * which is what {@link dev.hsm.spi.KeyRecordStore#dataVersion()} asks for.
   */
  long dataVersion() {
    return read(
        "read the data version",
        c -> {
          try (Statement statement = c.createStatement();
              ResultSet rows = statement.executeQuery("PRAGMA data_version")) {
            return rows.getLong(1);
          }
        });
  }

  /** Closes the connection once no transaction is under way; SQLite then checkpoints the WAL. */
  @Override
  public synchronized void close() {
    Sqlite.closeQuietly(connection);
  }
}
