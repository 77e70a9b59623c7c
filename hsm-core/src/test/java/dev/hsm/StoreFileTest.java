package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreFileTest {
  @TempDir Path dir;

  @Test
  void open_onAnotherApplicationsSqliteDatabase_throwsStoreException_andAddsNoTables()
      throws Exception {
    Path db = dir.resolve("other-app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)");
      s.execute("INSERT INTO customer (name) VALUES ('alice')");
    }
    byte[] before = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(db));

    assertThatThrownBy(() -> TestStores.open(dir, "other-app.db"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not a key store");

    assertThat(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(db)))
        .isEqualTo(before);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet tables =
            s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type='table'")) {
      assertThat(tables.getInt(1)).isEqualTo(1);
    }
  }

  /**
   * Once a key is cached, looking it up and using it read nothing from the file: with its rows
   * deleted behind the client's back (and no refresh to notice), both still work, while a key that
   * was never loaded is read, found missing though the log records it, and refused.
   */
  @Test
  void cachedKey_isLookedUpAndUsedWithoutReadingTheDatabase() throws Exception {
    HsmConfig config =
        TestStores.keyFileConfig(dir, "c.db").refreshInterval(java.time.Duration.ofHours(1));
    byte[] data = {1, 2, 3};
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("cached", KeySpec.ecdsaP256());
      hsm.createKey("never-loaded", KeySpec.ecdsaP256());
      hsm.key("cached").sign(data);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
          Statement s = c.createStatement()) {
        s.execute("PRAGMA foreign_keys = OFF");
        s.execute("DELETE FROM key_version");
        s.execute("DELETE FROM hsm_key");
      }

      KeyHandle cached = hsm.key("cached");
      cached.verify(data, cached.sign(data));
      KeyHandle neverLoaded = hsm.findKey("never-loaded").orElseThrow();
      assertThatThrownBy(neverLoaded::info).isInstanceOf(KeyIntegrityException.class);
    }
  }

  @Test
  void newStore_usesTheWalJournal_andRecordsItsSchemaVersion() throws Exception {
    TestStores.open(dir, "s.db").close();

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("s.db"));
        Statement s = c.createStatement()) {
      try (ResultSet mode = s.executeQuery("PRAGMA journal_mode")) {
        assertThat(mode.getString(1)).isEqualTo("wal");
      }
      try (ResultSet version =
          s.executeQuery("SELECT value FROM store_meta WHERE name = 'schema_version'")) {
        assertThat(version.getString(1)).isEqualTo("3");
      }
    }
  }

  @Test
  void lastSettingsChangeLookup_usesTheAuditIndex_soWritesDoNotScanTheWholeLog() throws Exception {
    TestStores.open(dir, "s.db").close();

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("s.db"));
        Statement s = c.createStatement();
        ResultSet plan =
            s.executeQuery(
                "EXPLAIN QUERY PLAN SELECT coalesce(max(seq), 0) FROM audit_log"
                    + " WHERE action IN ('admin.set-credential', 'store.rotate-master-key')")) {
      StringBuilder text = new StringBuilder();
      while (plan.next()) {
        text.append(plan.getString("detail")).append('\n');
      }
      assertThat(text.toString()).contains("audit_log_action").doesNotContain("SCAN audit_log");
    }
  }

  @Test
  void newStoreFile_isReadableByItsOwnerOnly() throws Exception {
    TestStores.open(dir, "s.db").close();

    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("s.db"))))
        .isEqualTo("rw-------");
  }

  @Test
  void open_onAnEmptyFile_initialisesAStoreInIt() throws Exception {
    Files.createFile(dir.resolve("empty.db"));

    try (HsmClient hsm = TestStores.open(dir, "empty.db")) {
      hsm.createKey("k", KeySpec.aes256Gcm());
    }
    try (HsmClient hsm = TestStores.open(dir, "empty.db")) {
      assertThat(hsm.findKey("k")).isPresent();
    }
  }
}
