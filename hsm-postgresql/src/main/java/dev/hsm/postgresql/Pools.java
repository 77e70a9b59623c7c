package dev.hsm.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hsm.StoreException;
import dev.hsm.spi.KeyRecordStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** The connection pool a client opens for a JDBC URL, and its listening connection. */
final class Pools {
  /** Connections per client at most; the listener's is one more. */
  static final int MAX_CONNECTIONS = 8;

  private static final AtomicInteger POOLS = new AtomicInteger();

  private Pools() {}

  /** How a store is named in messages: the URL without its parameters (which may hold secrets). */
  static String describe(String jdbcUrl, String schema) {
    String bare = jdbcUrl;
    int query = bare.indexOf('?');
    if (query >= 0) {
      bare = bare.substring(0, query);
    }
    int at = bare.indexOf('@');
    int hosts = bare.indexOf("//");
    if (at >= 0 && hosts >= 0 && at > hosts) {
      bare = bare.substring(0, hosts + 2) + bare.substring(at + 1);
    }
    return "PostgreSQL " + bare + ", schema " + schema;
  }

  /** A store factory that names its store as {@link #describe} does. */
  abstract static class NamedFactory implements KeyRecordStore.Factory {
    private final String description;

    NamedFactory(String description) {
      this.description = description;
    }

    @Override
    public String description() {
      return description;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /** A pool this client owns, and the DataSource it is. */
  interface AutoCloseableDataSource extends AutoCloseable {
    DataSource dataSource();

    @Override
    void close();
  }

  /**
   * @throws IllegalArgumentException if {@code jdbcUrl} is not a PostgreSQL JDBC URL
   */
  static void checkUrl(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "the URL must start with jdbc:postgresql:, e.g."
              + " jdbc:postgresql://db.internal:5432/app, not "
              + (jdbcUrl == null ? "null" : "'" + describe(jdbcUrl, "") + "'"));
    }
  }

  /** A pool on {@code jdbcUrl}; fails at once, naming the store, if it cannot connect. */
  static AutoCloseableDataSource open(
      String jdbcUrl, String user, String password, String schema, String description) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName("hsm-" + schema + "-" + POOLS.incrementAndGet());
    config.setMaximumPoolSize(MAX_CONNECTIONS);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(5_000); // Database retries getting one for longer
    config.setIdleTimeout(60_000);
    config.addDataSourceProperty("ApplicationName", "dev.hsm");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) { // Hikari's PoolInitializationException
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new StoreException(
          "cannot connect to " + description + ": " + cause.getMessage(), cause);
    }
    return new AutoCloseableDataSource() {
      @Override
      public DataSource dataSource() {
        return pool;
      }

      @Override
      public void close() {
        pool.close();
      }
    };
  }

  /** A connection of its own, outside the pool: the change listener's. */
  static Connection connect(String jdbcUrl, String user, String password) throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("ApplicationName", "dev.hsm listener");
    properties.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(jdbcUrl, properties);
  }
}
