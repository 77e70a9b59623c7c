package dev.hsm.internal.store;

import dev.hsm.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** What the parts of the SQLite store share: the URL, the busy timeout, error codes, messages. */
final class Sqlite {
  /**
   * How long a connection waits for another connection's lock (another process writing) before it
   * fails: long enough that several processes can share a file under load.
   */
  static final int BUSY_TIMEOUT_MILLIS = 30_000;

  private Sqlite() {}

  /** Work on one connection that may throw {@link SQLException}. */
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  static String url(Path path) {
    return "jdbc:sqlite:" + path.toAbsolutePath();
  }

  /** Whether a statement broke a constraint (a taken primary key, for us). */
  static boolean isConstraint(SQLException e) {
    return primaryCode(e) == SQLiteErrorCode.SQLITE_CONSTRAINT.code;
  }

  /**
   * Whether a statement hit a taken primary key (SQLite's extended result code), as opposed to
   * another constraint such as a missing value.
   */
  static boolean isPrimaryKeyTaken(SQLException e) {
    return e instanceof SQLiteException
        && ((SQLiteException) e).getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
  }

  /** Whether another connection held the lock. */
  static boolean isBusy(SQLException e) {
    return primaryCode(e) == SQLiteErrorCode.SQLITE_BUSY.code;
  }

  /** The primary result code: extended codes keep it in their low byte. */
  private static int primaryCode(SQLException e) {
    return e instanceof SQLiteException ? ((SQLiteException) e).getResultCode().code % 256 : -1;
  }

  /** The exception a failed read or write of the store throws, naming the file and the act. */
  static StoreException failure(Path path, String what, SQLException e) {
    return new StoreException(
        "cannot " + what + " in key store " + path + ": " + e.getMessage(), e);
  }

  static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing is best effort; nothing to recover
    }
  }
}
