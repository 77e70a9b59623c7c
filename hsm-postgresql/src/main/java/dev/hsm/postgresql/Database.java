package dev.hsm.postgresql;

import dev.hsm.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The connections of one store client and how work runs on them: a read on one connection in
 * autocommit, a write in one transaction (at the connection's isolation level, {@code READ
 * COMMITTED} unless an application's DataSource sets another: the writes' conditions hold at every
 * level), a snapshot in one {@code REPEATABLE READ READ ONLY} transaction. Work that failed because
 * the connection was lost (the server restarted, a network cut) or because PostgreSQL chose it as a
 * deadlock victim is run again on another connection, for up to {@link #RETRY_MILLIS}: nothing of
 * it was committed. A write whose connection is lost while it commits is not run again, since it
 * may have been committed: its caller gets a {@link StoreException} saying so.
 */
final class Database implements AutoCloseable {
  /** How long work is retried while the database cannot be reached (a restart, a failover). */
  static final long RETRY_MILLIS = 30_000;

  private final DataSource source;
  private final AutoCloseable ownedPool; // null: the application's DataSource, not ours to close
  private final String description;
  private volatile boolean closed;

  Database(DataSource source, AutoCloseable ownedPool, String description) {
    this.source = source;
    this.ownedPool = ownedPool;
    this.description = description;
  }

  /** Work on one connection that may throw {@link SQLException}. */
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  String description() {
    return description;
  }

  /** Runs {@code work} on a connection in autocommit; {@code what} names it in a failure. */
  <T> T read(String what, Work<T> work) {
    return run(what, Mode.AUTOCOMMIT, work);
  }

  /** Runs {@code work} in one transaction, committed if it returns. */
  <T> T write(String what, Work<T> work) {
    return run(what, Mode.WRITE, work);
  }

  /** {@link #write}, tried once: for what is not worth waiting for (a closing client's count). */
  <T> T writeOnce(String what, Work<T> work) {
    return run(what, Mode.WRITE_ONCE, work);
  }

  /** Runs {@code work} in one {@code REPEATABLE READ READ ONLY} transaction: one snapshot. */
  <T> T snapshot(String what, Work<T> work) {
    return run(what, Mode.SNAPSHOT, work);
  }

  private enum Mode {
    AUTOCOMMIT,
    WRITE,
    WRITE_ONCE,
    SNAPSHOT
  }

  private <T> T run(String what, Mode mode, Work<T> work) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
    for (long pause = 20; ; pause = Math.min(1_000, pause * 2)) {
      checkOpen();
      boolean committing = false;
      try (Connection connection = source.getConnection()) {
        if (mode == Mode.AUTOCOMMIT) {
          return work.run(connection);
        }
        connection.setAutoCommit(false);
        try {
          if (mode == Mode.SNAPSHOT) {
            try (Statement statement = connection.createStatement()) {
              statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
          }
          T result = work.run(connection);
          committing = true;
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException | Error e) {
          if (!committing) {
            rollbackQuietly(connection, e);
          }
          throw e;
        } finally {
          restoreQuietly(connection);
        }
      } catch (SQLException e) {
        if (committing && Failures.isConnectionLost(e)) {
          throw new StoreException(
              "lost the connection to "
                  + description
                  + " while committing ("
                  + what
                  + "): the write may or may not have been made; "
                  + e.getMessage(),
              e);
        }
        if (!committing
            && mode != Mode.WRITE_ONCE
            && Failures.isWorthRetrying(e)
            && System.nanoTime() < deadline) {
          pause(pause);
          continue;
        }
        throw Failures.failure(description, what, e);
      }
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Puts the connection back in autocommit, as the pool lent it. */
  private static void restoreQuietly(Connection connection) {
    try {
      if (!connection.isClosed()) {
        connection.setAutoCommit(true);
      }
    } catch (SQLException ignored) {
      // a broken connection: the pool evicts it
    }
  }

  private void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for " + description, e);
    }
  }

  /** A connection for the change listener, held outside the pool's rotation. */
  Connection dedicatedConnection() throws SQLException {
    checkOpen();
    return source.getConnection();
  }

  boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (closed) {
      throw new StoreException("this client of " + description + " is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
    if (ownedPool != null) {
      try {
        ownedPool.close();
      } catch (Exception e) {
        throw new StoreException("cannot close the connection pool of " + description, e);
      }
    }
  }
}
