package dev.hsm.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A pooled read-only connection and the statement loading one key, prepared once per connection:
 * preparing it took a good part of a first use (a cache miss). Used by one thread at a time.
 */
final class ReadConnection {
  private final Connection connection;
  private PreparedStatement findKey;

  ReadConnection(Connection connection) {
    this.connection = connection;
  }

  Connection connection() {
    return connection;
  }

  /** The statement of {@link KeyRows#ONE_KEY}, prepared on first use. */
  PreparedStatement findKeyStatement() throws SQLException {
    if (findKey == null) {
      findKey = connection.prepareStatement(KeyRows.ONE_KEY);
    }
    return findKey;
  }

  void close() {
    Sqlite.closeQuietly(findKey); // closing the connection releases it too
    Sqlite.closeQuietly(connection);
  }
}
