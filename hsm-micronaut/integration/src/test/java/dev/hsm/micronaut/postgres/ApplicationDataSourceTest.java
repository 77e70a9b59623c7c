package dev.hsm.micronaut.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.KeySpec;
import dev.hsm.config.InvalidHsmPropertyException;
import dev.hsm.micronaut.TestHsm;
import dev.hsm.postgresql.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code hsm.store.data-source}: the store in PostgreSQL through one of the application's
 * datasources ({@code datasources.<name>.*}), using the pool behind Micronaut Data's
 * transaction-bound DataSource.
 */
class ApplicationDataSourceTest {
  private final Path dir = TestHsm.newDirectory();

  private Map<String, Object> properties(String name, String url, String... more) {
    Map<String, Object> properties = TestHsm.declaredKeys();
    properties.put("datasources." + name + ".url", url);
    properties.put("datasources." + name + ".username", TestDatabase.USER);
    properties.put("datasources." + name + ".dialect", "POSTGRES");
    properties.put("hsm.unlock.key-file", dir.resolve("hsm.key").toString());
    for (int i = 0; i < more.length; i += 2) {
      properties.put(more[i], more[i + 1]);
    }
    return properties;
  }

  @Test
  void application_isTheDefaultDataSource() {
    String schema = TestDatabase.newSchema();
    try (ApplicationContext context =
        ApplicationContext.run(
            properties(
                "default",
                TestDatabase.jdbcUrl(),
                "hsm.store.data-source",
                "application",
                "hsm.store.schema",
                schema))) {
      HsmClient hsm = context.getBean(HsmClient.class);
      assertThat(hsm.key("pii").info().algorithm()).hasToString("AES_256_GCM");
      assertThat(hsm.storeDescription())
          .isEqualTo("PostgreSQL through the application's DataSource, schema " + schema);
    }
  }

  @Test
  void theStore_keepsToItsOwnTransactions_insideTheApplicationsOne() {
    try (ApplicationContext context =
        ApplicationContext.run(
            properties(
                "default",
                TestDatabase.jdbcUrl(),
                "hsm.store.data-source",
                "application",
                "hsm.store.schema",
                TestDatabase.newSchema()))) {
      HsmClient hsm = context.getBean(HsmClient.class);
      @SuppressWarnings("unchecked")
      TransactionOperations<Connection> transactions = context.getBean(TransactionOperations.class);

      assertThatThrownBy(
              () ->
                  transactions.executeWrite(
                      status -> {
                        hsm.createKey("made-in-a-rolled-back-transaction", KeySpec.ed25519());
                        throw new IllegalStateException("roll the application's work back");
                      }))
          .hasMessage("roll the application's work back");

      assertThat(hsm.findKey("made-in-a-rolled-back-transaction")).isPresent();
    }
  }

  @Test
  void aDatasourceName_namesTheDataSource() {
    try (ApplicationContext context =
        ApplicationContext.run(
            properties(
                "keys",
                TestDatabase.jdbcUrl(),
                "hsm.store.data-source",
                "keys",
                "hsm.store.schema",
                TestDatabase.newSchema()))) {
      context.getBean(HsmClient.class).createKey("k", KeySpec.ed25519());
    }
  }

  @Test
  void aDataSourceOfAnotherDatabase_failsSayingPostgresqlIsNeeded() {
    Map<String, Object> properties =
        properties(
            "default",
            "jdbc:sqlite:" + dir.resolve("app.db"),
            "hsm.store.data-source",
            "application");
    properties.put("datasources.default.dialect", "ANSI");

    assertThatThrownBy(() -> ApplicationContext.run(properties).close())
        .hasRootCauseInstanceOf(InvalidHsmPropertyException.class)
        .rootCause()
        .hasMessageStartingWith(
            "hsm.store.data-source=application names a DataSource of SQLite, but a key store on"
                + " an application DataSource needs PostgreSQL");
  }
}
