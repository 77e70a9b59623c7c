package dev.hsm.postgresql;

import dev.hsm.StoreException;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** What PostgreSQL's errors mean to the store: SQLSTATE codes and the constraint a write broke. */
final class Failures {
  /** unique_violation: a taken primary key, for us. */
  static final String UNIQUE_VIOLATION = "23505";

  private Failures() {}

  /**
   * The constraint a unique violation broke (e.g. {@code audit_log_pkey}), or {@code null}; a
   * failed batch names its statement's failure as its next exception.
   */
  static String violatedConstraint(SQLException e) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      if (UNIQUE_VIOLATION.equals(next.getSQLState()) && next instanceof PSQLException) {
        ServerErrorMessage message = ((PSQLException) next).getServerErrorMessage();
        if (message != null && message.getConstraint() != null) {
          return message.getConstraint();
        }
      }
      if (next.getNextException() == next) {
        break;
      }
    }
    return null;
  }

  /**
   * Whether the connection is gone: class 08 (connection exception), or the server shut down or
   * cannot take connections yet (57P01-57P03), also as the cause of the pool's own exception.
   */
  static boolean isConnectionLost(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        if (state != null
            && (state.startsWith("08")
                || state.equals("57P01")
                || state.equals("57P02")
                || state.equals("57P03"))) {
          return true;
        }
      }
    }
    return e instanceof java.sql.SQLTransientConnectionException; // the pool timed out
  }

  /**
   * Whether work that failed so, before it committed, may simply run again: the connection was lost
   * (nothing was committed), or PostgreSQL aborted it as a deadlock victim or serialization
   * failure.
   */
  static boolean isWorthRetrying(SQLException e) {
    return isConnectionLost(e)
        || "40P01".equals(e.getSQLState())
        || "40001".equals(e.getSQLState());
  }

  /** The exception a failed read or write throws, naming the store and the act. */
  static StoreException failure(String description, String what, SQLException e) {
    return new StoreException("cannot " + what + " in " + description + ": " + e.getMessage(), e);
  }
}
