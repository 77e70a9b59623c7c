package dev.hsm.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hsm.StoreException;
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

  /**
   * @throws IllegalArgumentException if {@code jdbcUrl} is not a PostgreSQL JDBC URL
   */
  static void checkUrl(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "the URL must start with jdbc:postgresql:, e.g."
              + " jdbc:postgresql://db.internal:5432/app, not "
              + (jdbcUrl == null
                  ? "null"
                  : "'" + PostgresKeyRecordStore.describe(jdbcUrl, "") + "'"));
    }
  }

  /** A pool on {@code jdbcUrl}; fails at once, naming the store, if it cannot connect. */
  static PostgresKeyRecordStore.AutoCloseableDataSource open(
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
    return new PostgresKeyRecordStore.AutoCloseableDataSource() {
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
