package dev.hsm.spring.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.contract.AnnotatedServiceContract;
import dev.hsm.contract.ContractService;
import dev.hsm.contract.PostgresRoles;
import dev.hsm.postgresql.TestDatabase;
import dev.hsm.spring.TestStores;
import dev.hsm.spring.contract.ContractApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starters' behavioural contract on a PostgreSQL store: the same application as {@code
 * SpringBootContractTest}, its store in the embedded server, reached as an application role of its
 * own (no superuser, a password) through {@code hsm.store.url}, {@code user} and {@code password}.
 */
@SpringBootTest(classes = ContractApplication.class)
class PostgresSpringBootContractTest extends AnnotatedServiceContract {
  private static final String SCHEMA = TestDatabase.newSchema();
  private static final String ROLE = SCHEMA + "_app";

  @Autowired ContractService service;
  @Autowired HsmClient hsm;

  @Autowired
  @Qualifier("receipts")
  KeyHandle receipts;

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    PostgresRoles.createApplicationRole(
        () -> TestDatabase.server().getPostgresDatabase().getConnection(), ROLE, "app secret");
    registry.add("hsm.store.url", TestDatabase::jdbcUrl);
    registry.add("hsm.store.user", () -> ROLE);
    registry.add("hsm.store.password", () -> "app secret");
    registry.add("hsm.store.schema", () -> SCHEMA);
    registry.add("hsm.unlock.key-file", () -> TestStores.keyFile(directory()).toString());
    registry.add("hsm.keys.receipts.algorithm", () -> "ECDSA_P256_SHA256");
    registry.add("hsm.keys.pii.algorithm", () -> "AES_256_GCM");
    registry.add("hsm.keys.pq-receipts.algorithm", () -> "ML_DSA_65");
    registry.add("hsm.keys.pq-pii.algorithm", () -> "ML_KEM_768_X25519");
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

  private static Path directory() {
    try {
      Path dir = Files.createTempDirectory("hsm-spring-postgres");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
