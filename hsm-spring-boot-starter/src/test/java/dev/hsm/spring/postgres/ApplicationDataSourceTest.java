package dev.hsm.spring.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.KeySpec;
import dev.hsm.config.InvalidHsmPropertyException;
import dev.hsm.postgresql.TestDatabase;
import dev.hsm.spring.Failures;
import dev.hsm.spring.HsmAutoConfiguration;
import dev.hsm.spring.HsmHealthAutoConfiguration;
import dev.hsm.spring.TestStores;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code hsm.store.data-source}: the store in PostgreSQL through the application's own DataSource
 * bean, which Spring Boot makes from {@code spring.datasource.*}.
 */
class ApplicationDataSourceTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner(String applicationDatabase, String... properties) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                HsmAutoConfiguration.class,
                HsmHealthAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + applicationDatabase,
            "spring.datasource.username=" + TestDatabase.USER,
            "hsm.unlock.key-file=" + TestStores.keyFile(dir))
        .withPropertyValues(properties);
  }

  @Test
  void application_isTheDataSourceSpringInjects() {
    String schema = TestDatabase.newSchema();
    runner(
            TestDatabase.jdbcUrl(),
            "hsm.store.data-source=application",
            "hsm.store.schema=" + schema,
            "hsm.keys.pii.algorithm=AES_256_GCM")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              HsmClient hsm = context.getBean(HsmClient.class);
              assertThat(hsm.key("pii").info().algorithm()).hasToString("AES_256_GCM");
              assertThat(hsm.storeDescription())
                  .isEqualTo("PostgreSQL through the application's DataSource, schema " + schema);
            });
  }

  @Test
  void aBeanName_namesTheDataSource() {
    runner(
            TestDatabase.jdbcUrl(),
            "hsm.store.data-source=dataSource",
            "hsm.store.schema=" + TestDatabase.newSchema())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              context.getBean(HsmClient.class).createKey("k", KeySpec.ed25519());
            });
  }

  @Test
  void aDataSourceOfAnotherDatabase_failsSayingPostgresqlIsNeeded() {
    runner("jdbc:sqlite:" + dir.resolve("app.db"), "hsm.store.data-source=application")
        .run(
            context -> {
              InvalidHsmPropertyException failure =
                  Failures.find(context.getStartupFailure(), InvalidHsmPropertyException.class);
              assertThat(failure.property()).isEqualTo("hsm.store.data-source");
              assertThat(failure)
                  .hasMessageStartingWith(
                      "hsm.store.data-source=application names a DataSource of SQLite, but a key"
                          + " store on an application DataSource needs PostgreSQL");
            });
  }

  @Test
  void dataSourceBesideAUrl_failsNamingBoth() {
    runner(
            TestDatabase.jdbcUrl(),
            "hsm.store.data-source=application",
            "hsm.store.url=" + TestDatabase.jdbcUrl())
        .run(
            context ->
                assertThat(
                        Failures.find(
                            context.getStartupFailure(), InvalidHsmPropertyException.class))
                    .hasMessageStartingWith(
                        "hsm.store.data-source and hsm.store.url cannot be set together"));
  }
}
