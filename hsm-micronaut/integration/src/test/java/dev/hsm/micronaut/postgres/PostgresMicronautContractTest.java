package dev.hsm.micronaut.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.contract.AnnotatedServiceContract;
import dev.hsm.contract.ContractService;
import dev.hsm.contract.PostgresRoles;
import dev.hsm.micronaut.TestHsm;
import dev.hsm.postgresql.TestDatabase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The starters' behavioural contract on a PostgreSQL store: the store in the embedded server,
 * reached as an application role of its own (no superuser, a password) through {@code
 * hsm.store.url}, {@code user} and {@code password}.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresMicronautContractTest extends AnnotatedServiceContract
    implements TestPropertyProvider {
  private static final String SCHEMA = TestDatabase.newSchema();
  private static final String ROLE = SCHEMA + "_app";

  @Inject dev.hsm.contract.ContractService service;
  @Inject HsmClient hsm;

  @Inject
  @Named("receipts")
  KeyHandle receipts;

  @Override
  public Map<String, String> getProperties() {
    PostgresRoles.createApplicationRole(
        () -> TestDatabase.server().getPostgresDatabase().getConnection(), ROLE, "app secret");
    Path dir = TestHsm.newDirectory();
    Map<String, String> properties = new HashMap<>();
    TestHsm.declaredKeys().forEach((k, v) -> properties.put(k, v.toString()));
    properties.put("hsm.store.url", TestDatabase.jdbcUrl());
    properties.put("hsm.store.user", ROLE);
    properties.put("hsm.store.password", "app secret");
    properties.put("hsm.store.schema", SCHEMA);
    properties.put("hsm.unlock.key-file", dir.resolve("hsm.key").toString());
    return properties;
  }

  @Override
  protected ContractService service() {
    return service;
  }

  @Override
  protected HsmClient hsm() {
    return hsm;
  }

  @Override
  protected KeyHandle receiptsKey() {
    return receipts;
  }

  @Test
  void theStore_isThePostgresqlSchema() {
    assertThat(hsm.storeDescription())
        .isEqualTo("PostgreSQL " + TestDatabase.jdbcUrl() + ", schema " + SCHEMA);
  }
}
