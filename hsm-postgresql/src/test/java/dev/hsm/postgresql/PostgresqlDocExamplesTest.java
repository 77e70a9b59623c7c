package dev.hsm.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import dev.hsm.spi.KeyRecordStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain-Java code of docs/POSTGRESQL.md, run against the embedded server: a PostgreSQL store
 * with {@code HsmConfig}, an SQLite store copied into PostgreSQL and opened there, a backup of the
 * PostgreSQL store restored into an SQLite file. The doc quotes these lines; {@code
 * PostgresqlDocTest} in examples/spring-boot checks that it still does.
 */
class PostgresqlDocExamplesTest {
  @TempDir Path dir;

  private final String jdbcUrl = TestDatabase.jdbcUrl();
  private final String user = TestDatabase.USER;
  private final String password = null; // the embedded server trusts its superuser

  @Test
  void plainConfig_opensAStoreInPostgresql() {
    Path keyFile = TestStores.keyFile(dir, "hsm.key");
    String schema = TestDatabase.newSchema();

    HsmConfig config =
        HsmConfig.store(PostgresKeyRecordStore.factory(jdbcUrl, user, password, schema))
            .keyFile(keyFile);
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.ensureKey("invoices", KeySpec.ecdsaP256());
      assertThat(hsm.storeDescription()).isEqualTo("PostgreSQL " + jdbcUrl + ", schema " + schema);
    }
  }

  @Test
  void sqliteStore_copiedIntoPostgresql_andBackedUpToAnSqliteFile() {
    Path keyFile = TestStores.keyFile(dir, "hsm.key");
    Path sqliteFile = dir.resolve("app-hsm.db");
    byte[] signature;
    try (HsmClient before = HsmClient.open(HsmConfig.sqlite(sqliteFile).keyFile(keyFile))) {
      signature = before.createKey("invoices", KeySpec.ecdsaP256()).sign(bytes("invoice 1"));
    }
    String schema = TestDatabase.newSchema();

    HsmConfig sqlite = HsmConfig.sqlite(sqliteFile).keyFile(keyFile);
    KeyRecordStore.Factory postgres =
        PostgresKeyRecordStore.factory(jdbcUrl, user, password, schema);
    HsmClient.copyStore(sqlite, postgres);

    Path backupFile = dir.resolve("hsm-backup.db");
    try (HsmClient hsm = HsmClient.open(sqlite.withStore(postgres))) {
      KeyHandle invoices = hsm.key("invoices");
      invoices.verify(bytes("invoice 1"), signature); // the same key, now in PostgreSQL
      hsm.admin().backup(backupFile);
    }

    Path restoredFile = dir.resolve("restored-hsm.db");
    try (HsmClient restored =
        HsmClient.restoreBackup(backupFile, HsmConfig.sqlite(restoredFile).keyFile(keyFile))) {
      restored.key("invoices").verify(bytes("invoice 1"), signature);
      assertThat(restored.auditLog().verify()).isPositive();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
