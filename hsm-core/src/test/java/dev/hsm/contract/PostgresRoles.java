package dev.hsm.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Database roles as an application would have them on a test PostgreSQL server that the test
 * reaches as a superuser on the same machine (the starters' tests use the embedded one): a role of
 * its own, no superuser, that must give its password. Plain JDBC, so that hsm-core's test-jar needs
 * no PostgreSQL classes.
 */
public final class PostgresRoles {
  private PostgresRoles() {}

  /** Opens a superuser connection to the test server. */
  @FunctionalInterface
  public interface Superuser {
    Connection connect() throws SQLException;
  }

  /**
   * Creates {@code role}, a login that is no superuser, with {@code password}, allowed to create
   * schemas in the database the superuser is connected to, and makes the server ask it for the
   * password over TCP even if the server trusts everyone else.
   */
  public static void createApplicationRole(Superuser superuser, String role, String password) {
    run(
        superuser,
        "CREATE ROLE "
            + role
            + " LOGIN PASSWORD '"
            + password.replace("'", "''")
            + "' NOSUPERUSER NOCREATEDB NOCREATEROLE",
        "GRANT CREATE ON DATABASE \"" + database(superuser) + "\" TO " + role);
    requirePassword(superuser, role);
  }

  /**
   * Puts lines at the top of the server's {@code pg_hba.conf} that ask {@code role} for its
   * password (SCRAM) on TCP connections, and reloads the configuration. The first matching line
   * wins, so the other roles keep what they had.
   */
  public static void requirePassword(Superuser superuser, String role) {
    Path hba = Path.of(query(superuser, "SHOW hba_file"));
    try {
      String lines =
          "host all "
              + role
              + " 127.0.0.1/32 scram-sha-256\n"
              + "host all "
              + role
              + " ::1/128 scram-sha-256\n";
      Files.writeString(hba, lines + Files.readString(hba, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot edit " + hba, e);
    }
    query(superuser, "SELECT pg_reload_conf()::text");
    awaitPasswordRequired(superuser, role);
  }

  /** The server reloads in the background: waits until it refuses {@code role} a wrong password. */
  private static void awaitPasswordRequired(Superuser superuser, String role) {
    String url;
    try (Connection connection = superuser.connect()) {
      url = connection.getMetaData().getURL();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the server's URL: " + e, e);
    }
    int query = url.indexOf('?'); // its parameters name the superuser, which would win
    String bare = query < 0 ? url : url.substring(0, query);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Connection connection = DriverManager.getConnection(bare, role, "not the password")) {
        sleep(); // still trusted: the reload has not happened yet
      } catch (SQLException refused) {
        return;
      }
    }
    throw new IllegalStateException("the server still lets " + role + " in without its password");
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String database(Superuser superuser) {
    return query(superuser, "SELECT current_database()");
  }

  private static String query(Superuser superuser, String sql) {
    try (Connection connection = superuser.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + sql + ": " + e, e);
    }
  }

  private static void run(Superuser superuser, String... sql) {
    try (Connection connection = superuser.connect();
        Statement statement = connection.createStatement()) {
      for (String one : sql) {
        statement.execute(one);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run " + String.join("; ", sql) + ": " + e, e);
    }
  }
}
