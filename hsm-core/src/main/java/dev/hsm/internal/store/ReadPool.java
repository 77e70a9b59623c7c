package dev.hsm.internal.store;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * Read-only connections for the reads that need not see this client's latest commit at once (a key
 * on a cache miss, listing, the audit log, usage): threads loading keys on first use read in
 * parallel, as WAL lets readers run beside each other and beside the writer, rather than queue on
 * the write connection. A few idle connections are kept; more are opened when all are busy and
 * closed when returned.
 */
final class ReadPool implements AutoCloseable {
  /** Idle read connections kept open. */
  private static final int MAX_IDLE = 4;

  private final Path path;
  private final SQLiteConfig config;
  private final Deque<ReadConnection> idle = new ArrayDeque<>(); // guarded by itself
  private boolean closed; // guarded by idle

  ReadPool(Path path) {
    this.path = path;
    this.config = new SQLiteConfig();
    config.setBusyTimeout(Sqlite.BUSY_TIMEOUT_MILLIS);
    config.setReadOnly(true); // a read connection can never write, by construction
  }

  /** A read on one pooled connection, which may throw {@link SQLException}. */
  interface Read<T> {
    T run(ReadConnection reader) throws SQLException;
  }

  /**
   * Runs {@code read} outside any transaction on a pooled connection (not under the write lock); a
   * failure becomes a {@link dev.hsm.StoreException} naming {@code what}.
   */
  <T> T readPooled(String what, Read<T> read) {
    ReadConnection reader;
    try {
      reader = borrow();
    } catch (SQLException e) {
      throw Sqlite.failure(path, what, e);
    }
    try {
      return read.run(reader);
    } catch (SQLException e) {
      throw Sqlite.failure(path, what, e);
    } finally {
      giveBack(reader);
    }
  }

  /** {@link #readPooled} for work that needs only the connection. */
  <T> T read(String what, Sqlite.Work<T> work) {
    return readPooled(what, reader -> work.run(reader.connection()));
  }

  private ReadConnection borrow() throws SQLException {
    synchronized (idle) {
      if (closed) {
        throw new SQLException("the key store is closed");
      }
      ReadConnection connection = idle.pollFirst();
      if (connection != null) {
        return connection;
      }
    }
    return new ReadConnection(config.createConnection(Sqlite.url(path))); // all busy: one more
  }

  private void giveBack(ReadConnection reader) {
    synchronized (idle) {
      if (!closed && idle.size() < MAX_IDLE) {
        idle.addFirst(reader); // the most recently used first: its page cache is the warmest
        return;
      }
    }
    reader.close();
  }

  /** Closes the idle connections; one in use now is closed when it is given back. */
  @Override
  public void close() {
    List<ReadConnection> readers;
    synchronized (idle) {
      closed = true;
      readers = new ArrayList<>(idle);
      idle.clear();
    }
    readers.forEach(ReadConnection::close);
  }
}
