package dev.hsm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.postgresql.TestDatabase;
import java.nio.file.Path;
import java.util.Map;

/** The health cases again, the store in a new schema of the embedded PostgreSQL each time. */
class PostgresHealthAutoConfigurationTest extends HsmHealthAutoConfigurationTest {

  @Override
  protected Map<String, String> storeProperties(Path dir) {
    return Map.of(
        "hsm.store.url", TestDatabase.jdbcUrl(),
        "hsm.store.user", TestDatabase.USER,
        "hsm.store.schema", TestDatabase.newSchema());
  }

  @Override
  protected void assertStoreDetail(String store) {
    assertThat(store).matches("PostgreSQL jdbc:postgresql://localhost:\\d+/postgres, schema t\\w+");
  }
}
