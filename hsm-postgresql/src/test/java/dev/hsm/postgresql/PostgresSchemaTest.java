package dev.hsm.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeySpec;
import dev.hsm.StoreException;
import dev.hsm.TestStores;
import dev.hsm.spi.KeyRecordStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's own schema in PostgreSQL: created by the library with ordinary privileges, once
 * however many instances start together, versioned, and never written into a schema that is not a
 * key store's or is newer than the library.
 */
class PostgresSchemaTest {
  @TempDir Path dir;

  private static List<String> rows(String sql) throws SQLException {
    try (Connection c = TestDatabase.server().getPostgresDatabase().getConnection();
        Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }

  @Test
  void aNewSchema_isCreatedWithTheStoresTables_andVersion1InItsMigrationsTable() throws Exception {
    String schema = TestDatabase.newSchema();

    PostgresKeyRecordStore.factory(TestDatabase.jdbcUrl(), TestDatabase.USER, null, schema)
        .open()
        .close();

    assertThat(
            rows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + schema
                    + "' ORDER BY table_name"))
        .containsExactly(
            "audit_log",
            "client_commits",
            "hsm_key",
            "hsm_schema_version",
            "key_usage",
            "key_version",
            "store_meta",
            "unlock_slot");
    assertThat(rows("SELECT version FROM " + schema + ".hsm_schema_version ORDER BY version"))
        .containsExactly("1", "2");
    assertThat(
            rows(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                    + schema
                    + "' AND table_name = 'key_version' AND column_name = 'certificate_chain'"))
        .containsExactly("certificate_chain");
    assertThat(rows("SELECT indexname FROM pg_indexes WHERE schemaname = '" + schema + "'"))
        .contains("audit_log_action", "audit_log_key");
  }

  @Test
  void aSchemaHoldingOtherTables_isRefused_andLeftAsItWas() throws Exception {
    String schema = TestDatabase.newSchema();
    TestDatabase.execute(
        "CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".invoices (id integer)");
    KeyRecordStore.Factory store =
        PostgresKeyRecordStore.factory(TestDatabase.jdbcUrl(), TestDatabase.USER, null, schema);

    assertThatThrownBy(store::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema " + schema + " holds tables that are not a key store's")
        .hasMessageContaining("invoices");

    assertThat(rows("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema + "'"))
        .containsExactly("invoices");
  }

  @Test
  void aVersion1Store_isMigrated_toKeepCertificateChains() throws Exception {
    KeyRecordStore.Factory store = TestDatabase.newStore();
    store.open().close();
    String schema = store.description().substring(store.description().lastIndexOf(' ') + 1);
    TestDatabase.execute(
        "ALTER TABLE " + schema + ".key_version DROP COLUMN certificate_chain",
        "DELETE FROM " + schema + ".hsm_schema_version WHERE version = 2");

    store.open().close();

    assertThat(rows("SELECT version FROM " + schema + ".hsm_schema_version ORDER BY version"))
        .containsExactly("1", "2");
    assertThat(
            rows(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                    + schema
                    + "' AND table_name = 'key_version' AND column_name = 'certificate_chain'"))
        .containsExactly("certificate_chain");
  }

  @Test
  void aStoreWrittenByANewerLibrary_isRefused() {
    KeyRecordStore.Factory store = TestDatabase.newStore();
    store.open().close();
    String schema = store.description().substring(store.description().lastIndexOf(' ') + 1);
    TestDatabase.execute(
        "INSERT INTO " + schema + ".hsm_schema_version (version, library) VALUES (3, 'future')");

    assertThatThrownBy(store::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 3, newer than this library's 2");
  }

  @Test
  void aRoleWithOnlyCreateOnItsSchema_createsAndUsesTheStore_noSuperuserNeeded() {
    String schema = TestDatabase.newSchema();
    String role = schema + "_app";
    TestDatabase.execute(
        "CREATE ROLE " + role + " LOGIN PASSWORD 'app secret' NOSUPERUSER NOCREATEDB NOCREATEROLE",
        "CREATE SCHEMA " + schema,
        "GRANT USAGE, CREATE ON SCHEMA " + schema + " TO " + role);
    KeyRecordStore.Factory store =
        PostgresKeyRecordStore.factory(TestDatabase.jdbcUrl(), role, "app secret", schema);

    HsmConfig config = HsmConfig.store(store).keyFile(TestStores.keyFile(dir, "hsm.key"));
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("k", KeySpec.aes256Gcm()).rotate();
      assertThat(hsm.auditLog().verify()).isEqualTo(2);
    }
    assertThat(store.description()).doesNotContain("app secret");
  }

  @Test
  void aMissingSchemaTheRoleMayNotCreate_failsSayingWhatToGrant() {
    String schema = TestDatabase.newSchema();
    String role = schema + "_app";
    TestDatabase.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'"); // no CREATE on the db
    KeyRecordStore.Factory store =
        PostgresKeyRecordStore.factory(TestDatabase.jdbcUrl(), role, "pw", schema);

    assertThatThrownBy(store::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(
            "schema " + schema + " does not exist and this role may not create it")
        .hasMessageContaining("CREATE SCHEMA " + schema + " AUTHORIZATION");
  }

  @Test
  void severalClientsOpeningANewSchemaAtOnce_createItOnce() throws Exception {
    KeyRecordStore.Factory store = TestDatabase.newStore();
    ExecutorService threads = Executors.newFixedThreadPool(6);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<KeyRecordStore>> opened = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        opened.add(
            threads.submit(
                () -> {
                  start.await();
                  return store.open();
                }));
      }
      start.countDown();
      for (Future<KeyRecordStore> client : opened) {
        client.get(60, TimeUnit.SECONDS).close();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void theDescription_namesHostDatabaseAndSchema_butNeverAPasswordInTheUrl() {
    KeyRecordStore.Factory store =
        PostgresKeyRecordStore.factory(
            "jdbc:postgresql://db.internal:5432/app?user=app&password=hunter2&ssl=true",
            null,
            null,
            "hsm");

    assertThat(store.description())
        .isEqualTo("PostgreSQL jdbc:postgresql://db.internal:5432/app, schema hsm");
  }

  @Test
  void aUrlThatIsNotPostgresOrASchemaNameThatIsNotAnIdentifier_isRefusedAtOnce() {
    assertThatThrownBy(() -> PostgresKeyRecordStore.factory("jdbc:mysql://x/app", "u", "p", "hsm"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with jdbc:postgresql:");
    assertThatThrownBy(
            () -> PostgresKeyRecordStore.factory(TestDatabase.jdbcUrl(), "u", "p", "Hsm; DROP"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case letters, digits and '_'");
  }

  @Test
  void aDatabaseThatDoesNotAnswer_failsToOpenNamingTheStore() throws Exception {
    int unusedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      unusedPort = socket.getLocalPort();
    }
    KeyRecordStore.Factory store =
        PostgresKeyRecordStore.factory(
            "jdbc:postgresql://127.0.0.1:" + unusedPort + "/app", "app", "secret", "hsm");

    assertThatThrownBy(store::open)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot connect to PostgreSQL jdbc:postgresql://127.0.0.1:")
        .hasMessageNotContaining("secret");
  }

  @Test
  void theApplicationsDataSource_carriesTheStore_andStaysOpenAfterTheClientCloses()
      throws Exception {
    DataSource application = TestDatabase.server().getPostgresDatabase();
    String schema = TestDatabase.newSchema();
    KeyRecordStore.Factory store = PostgresKeyRecordStore.factory(application, schema);
    HsmConfig config = HsmConfig.store(store).keyFile(TestStores.keyFile(dir, "hsm.key"));

    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("k", KeySpec.ed25519());
      assertThat(hsm.storeDescription())
          .isEqualTo("PostgreSQL through the application's DataSource, schema " + schema);
    }

    assertThat(rows("SELECT name FROM " + schema + ".hsm_key")).containsExactly("k");
    try (Connection stillUsable = application.getConnection()) {
      assertThat(stillUsable.isValid(1)).isTrue();
    }
  }
}
