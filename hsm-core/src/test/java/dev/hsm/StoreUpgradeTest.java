package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store made by the previous release (schema 1, key rows without the audit entry of their last
 * change, settings without the slot digest; test resource {@code legacy-store-v1}, made by the
 * program beside it) opens with this one: it is upgraded once, in place, and every key keeps
 * working.
 */
class StoreUpgradeTest {
  private static final String FIXTURE = "/legacy-store-v1/";

  @TempDir Path dir;
  private Path db;
  private HsmConfig config;

  @BeforeEach
  void copyTheLegacyStore() throws IOException {
    db = dir.resolve("legacy-v1.db");
    copy("legacy-v1.db", db);
    Path keyFile = dir.resolve("legacy-v1.key");
    copy("legacy-v1.key", keyFile);
    config = HsmConfig.sqlite(db).keyFile(keyFile);
  }

  private static void copy(String resource, Path target) throws IOException {
    try (InputStream in = StoreUpgradeTest.class.getResourceAsStream(FIXTURE + resource)) {
      Files.copy(in, target);
    }
  }

  private static byte[] fixture(String resource) throws IOException {
    try (InputStream in = StoreUpgradeTest.class.getResourceAsStream(FIXTURE + resource)) {
      return in.readAllBytes();
    }
  }

  @Test
  void aLegacyStore_isUpgradedOnce_andEveryKeyKeepsItsStateAndData() throws Exception {
    try (HsmClient hsm = HsmClient.open(config)) {
      // The states the legacy store recorded (see MakeLegacyStore.java.txt beside it).
      assertThat(hsm.key("aes").info().versions())
          .extracting(KeyVersionInfo::state)
          .containsExactly(KeyState.DISABLED, KeyState.ENABLED);
      hsm.key("aes").enableVersion(1);
      assertThat(hsm.key("aes").decrypt(fixture("aes-v1.ciphertext"), "ctx".getBytes(UTF_8)))
          .isEqualTo("legacy data".getBytes(UTF_8));
      assertThat(hsm.key("mac").info().enabled()).isFalse();
      hsm.key("sig").verifyJws(hsm.key("sig").signJws(new byte[] {1}));
      List<AuditEntry> entries = hsm.auditLog().entries(1, 100);
      assertThat(entries).extracting(AuditEntry::action).contains("store.upgrade-rows");
      assertThat(hsm.auditLog().verify()).isEqualTo(entries.size());
    }
    long entriesAfterUpgrade;
    try (HsmClient hsm = HsmClient.open(config)) {
      entriesAfterUpgrade = hsm.auditLog().verify();
      hsm.key("aes").rotate();
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(hsm.auditLog().verify())
          .as("no second upgrade")
          .isEqualTo(entriesAfterUpgrade + 1);
    }
    assertThat(schemaVersion()).isEqualTo("3");
  }

  @Test
  void legacyRowsPutBackAfterTheUpgrade_failClosed() throws Exception {
    Path legacyCopy = dir.resolve("copy.db");
    Files.copy(db, legacyCopy);
    HsmClient.open(config).close(); // upgrades

    try (Connection sqlite = StoreFiles.connect(db);
        Statement sql = sqlite.createStatement()) {
      sql.execute("ATTACH DATABASE '" + legacyCopy.toAbsolutePath() + "' AS old");
      sql.execute("DELETE FROM key_version WHERE key_name = 'mac'");
      sql.execute("DELETE FROM hsm_key WHERE name = 'mac'");
      sql.execute(
          "INSERT INTO hsm_key (name, algorithm, rsa_modulus_bits, operations, extractable,"
              + " imported, material_form, labels, primary_version, created_at, enabled,"
              + " rotation_period_seconds, min_decryption_version, revision, row_mac)"
              + " SELECT name, algorithm, rsa_modulus_bits, operations, extractable, imported,"
              + " material_form, labels, primary_version, created_at, enabled,"
              + " rotation_period_seconds, min_decryption_version, revision, row_mac"
              + " FROM old.hsm_key WHERE name = 'mac'");
      sql.execute(
          "INSERT INTO key_version (key_name, version, state, created_at, destroy_at, public_key,"
              + " wrapped_material, row_mac) SELECT * FROM old.key_version WHERE key_name = 'mac'");
    }

    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(catchThrowable(() -> hsm.key("mac").info()))
          .isInstanceOf(KeyIntegrityException.class);
      hsm.key("aes").encrypt(new byte[] {1}, new byte[0]);
    }
  }

  private String schemaVersion() throws Exception {
    try (Connection sqlite = StoreFiles.connect(db);
        Statement sql = sqlite.createStatement();
        ResultSet rows =
            sql.executeQuery("SELECT value FROM store_meta WHERE name = 'schema_version'")) {
      return rows.getString(1);
    }
  }
}
