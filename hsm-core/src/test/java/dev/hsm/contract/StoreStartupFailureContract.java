package dev.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmException;
import dev.hsm.StoreException;
import dev.hsm.config.InvalidHsmPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How both framework starters fail at start-up when {@code hsm.store.*} asks for a PostgreSQL store
 * they cannot have: a URL of another database, properties of two kinds of store, a misspelt
 * property, the module {@code hsm-postgresql} missing, a schema name PostgreSQL would not take, a
 * wrong password, a server that does not answer. Each fails at once with an exception naming the
 * property or the database, and no message shows the password.
 *
 * <p>A starter's test extends this class with {@code hsm-postgresql} on its test classpath and a
 * PostgreSQL server it can reach as a superuser (the embedded one).
 */
public abstract class StoreStartupFailureContract {
  /** A wrong password must fail well before the store's 30-second retry of lost connections. */
  private static final Duration AT_ONCE = Duration.ofSeconds(15);

  private static final String PASSWORD = "correct horse battery staple";

  @TempDir private Path dir;

  /**
   * Starts the starter's application with {@code properties} and returns what start-up threw, as
   * the framework threw it; {@code null} if it started, after stopping it.
   */
  protected abstract Throwable startupFailure(Map<String, String> properties);

  /** {@link #startupFailure}, with the classes of {@code dev.hsm.postgresql} hidden. */
  protected abstract Throwable startupFailureWithoutPostgresqlModule(
      Map<String, String> properties);

  /** The JDBC URL of a database on the test server, without a user. */
  protected abstract String postgresqlUrl();

  /** A superuser connection to that database. */
  protected abstract PostgresRoles.Superuser superuser();

  private Path keyFile;

  @BeforeEach
  void keyFile() throws IOException {
    keyFile = dir.resolve("hsm.key");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.write(keyFile, key);
  }

  /** Unlocked with the key file, and {@code more}. */
  private Map<String, String> with(String... more) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("hsm.unlock.key-file", keyFile.toString());
    for (int i = 0; i < more.length; i += 2) {
      properties.put(more[i], more[i + 1]);
    }
    return properties;
  }

  /** The outermost HsmException in the chain of what start-up threw. */
  private static HsmException failure(Throwable thrown) {
    assertThat(thrown).as("start-up must fail").isNotNull();
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof HsmException) {
        return (HsmException) cause;
      }
    }
    throw new AssertionError("no HsmException in the cause chain:\n" + messages(thrown), thrown);
  }

  private static InvalidHsmPropertyException invalidProperty(Throwable thrown) {
    HsmException failure = failure(thrown);
    assertThat(failure).isInstanceOf(InvalidHsmPropertyException.class);
    return (InvalidHsmPropertyException) failure;
  }

  private static String messages(Throwable thrown) {
    List<String> messages = new ArrayList<>();
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      messages.add(cause.getClass().getName() + ": " + cause.getMessage());
    }
    return String.join("\n", messages);
  }

  @Test
  void urlOfAnotherDatabase_failsNamingTheProperty_withoutItsSecrets() {
    InvalidHsmPropertyException failure =
        invalidProperty(
            startupFailure(
                with("hsm.store.url", "jdbc:mysql://app:" + "hunter2@db.internal:3306/app")));

    assertThat(failure.property()).isEqualTo("hsm.store.url");
    assertThat(failure)
        .hasMessageStartingWith("hsm.store.url must be a PostgreSQL JDBC URL")
        .hasMessageContaining("not 'jdbc:mysql://db.internal:3306/app'")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void sqlitePathAndPostgresqlUrl_failNamingBoth() {
    InvalidHsmPropertyException failure =
        invalidProperty(
            startupFailure(
                with(
                    "hsm.store.path", dir.resolve("hsm.db").toString(),
                    "hsm.store.url", postgresqlUrl())));

    assertThat(failure.property()).isEqualTo("hsm.store.url");
    assertThat(failure)
        .hasMessageStartingWith("hsm.store.url and hsm.store.path cannot be set together");
    assertThat(dir.resolve("hsm.db")).doesNotExist();
  }

  @Test
  void misspeltStoreProperty_failsNamingIt() {
    InvalidHsmPropertyException failure =
        invalidProperty(
            startupFailure(with("hsm.store.url", postgresqlUrl(), "hsm.store.usr", "app")));

    assertThat(failure.property()).isEqualTo("hsm.store.usr");
    assertThat(failure)
        .hasMessageStartingWith("unknown property hsm.store.usr")
        .hasMessageContaining("path, url, user, password, schema, data-source");
  }

  @Test
  void postgresqlUrl_withoutTheModule_failsGivingTheDependencyLines() {
    InvalidHsmPropertyException failure =
        invalidProperty(
            startupFailureWithoutPostgresqlModule(
                with("hsm.store.url", postgresqlUrl(), "hsm.store.password", PASSWORD)));

    assertThat(failure.property()).isEqualTo("hsm.store.url");
    assertThat(failure)
        .hasMessageContaining("dev.hsm:hsm-postgresql")
        .hasMessageContaining("<artifactId>hsm-postgresql</artifactId>")
        .hasMessageContaining("implementation(\"dev.hsm:hsm-postgresql:")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void schemaNamePostgresqlWouldNotTake_failsNamingTheProperty() {
    InvalidHsmPropertyException failure =
        invalidProperty(
            startupFailure(
                with("hsm.store.url", postgresqlUrl(), "hsm.store.schema", "Key-Store")));

    assertThat(failure.property()).isEqualTo("hsm.store.schema");
    assertThat(failure).hasMessageStartingWith("hsm.store.schema: schema 'Key-Store' must be");
  }

  @Test
  void dataSourceTheApplicationLacks_failsNamingIt() {
    InvalidHsmPropertyException failure =
        invalidProperty(startupFailure(with("hsm.store.data-source", "reports")));

    assertThat(failure.property()).isEqualTo("hsm.store.data-source");
    assertThat(failure)
        .hasMessageStartingWith(
            "hsm.store.data-source=reports: the application has no DataSource named 'reports'");
  }

  @Test
  void wrongPassword_failsAtOnceNamingTheDatabase_neverThePassword() {
    String role = "hsm_wrong_pw_" + ProcessHandle.current().pid();
    PostgresRoles.createApplicationRole(superuser(), role, "the right one");

    long started = System.nanoTime();
    HsmException failure =
        failure(
            startupFailure(
                with(
                    "hsm.store.url", postgresqlUrl(),
                    "hsm.store.user", role,
                    "hsm.store.password", PASSWORD)));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(AT_ONCE);
    assertThat(failure)
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot connect to PostgreSQL " + postgresqlUrl())
        .hasMessageContaining("password authentication failed for user \"" + role + "\"")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void serverThatDoesNotAnswer_failsAtOnceNamingIt() {
    String nobody = "jdbc:postgresql://127.0.0.1:1/app";

    long started = System.nanoTime();
    HsmException failure =
        failure(
            startupFailure(
                with(
                    "hsm.store.url",
                    nobody,
                    "hsm.store.user",
                    "app",
                    "hsm.store.password",
                    PASSWORD)));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(AT_ONCE);
    assertThat(failure)
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot connect to PostgreSQL " + nobody)
        .hasMessageNotContaining(PASSWORD);
  }
}
