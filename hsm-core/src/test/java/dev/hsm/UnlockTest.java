package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Opening and unlocking stores: wrong or missing secrets, bad files, config mistakes, reopen. */
class UnlockTest {
  private static final String PASSPHRASE = "correct horse battery staple";
  private static final String WRONG_PASSPHRASE = "Tr0ub4dor&3";
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);

  @TempDir Path dir;

  private final Secrets secrets =
      new Secrets().string(PASSPHRASE).string(WRONG_PASSPHRASE).string(new String(DATA, UTF_8));

  private HsmConfig passphraseStore() {
    HsmConfig config = TestStores.passphraseConfig(dir, "store.db", PASSPHRASE);
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("sig", KeySpec.ecdsaP256());
    }
    return config;
  }

  private Path keyFileStore() {
    try (HsmClient hsm = TestStores.open(dir, "store.db")) {
      hsm.createKey("sig", KeySpec.ecdsaP256());
    }
    return dir.resolve("store.db");
  }

  private Path writeKeyFile(String name, int length) throws IOException {
    byte[] bytes = new byte[length];
    new SecureRandom().nextBytes(bytes);
    secrets.bytes(bytes);
    return Files.write(dir.resolve(name), bytes);
  }

  private String storePath() {
    return dir.resolve("store.db").toString();
  }

  @Test
  void open_withWrongPassphrase_throwsUnlockFailed_andLeavesTheStoreFilesUnchanged() {
    passphraseStore();
    Map<String, String> before = StoreFiles.snapshot(dir);

    secrets.thrown(
        UnlockFailedException.class,
        () -> HsmClient.open(TestStores.passphraseConfig(dir, "store.db", WRONG_PASSPHRASE)),
        "does not unlock",
        storePath());

    assertThat(StoreFiles.snapshot(dir)).isEqualTo(before);
    try (HsmClient hsm = HsmClient.open(TestStores.passphraseConfig(dir, "store.db", PASSPHRASE))) {
      hsm.key("sig").verify(DATA, hsm.key("sig").sign(DATA));
    }
  }

  @Test
  void open_withWrongKeyFile_throwsUnlockFailed_andLeavesTheStoreFilesUnchanged()
      throws IOException {
    Path db = keyFileStore();
    Path wrongKey = writeKeyFile("wrong.key", 32);
    Map<String, String> before = StoreFiles.snapshot(dir);

    secrets.thrown(
        UnlockFailedException.class,
        () -> HsmClient.open(HsmConfig.sqlite(db).keyFile(wrongKey)),
        "does not unlock",
        storePath(),
        wrongKey.toString());

    assertThat(StoreFiles.snapshot(dir)).isEqualTo(before);
  }

  @Test
  void open_withKeyFileShorterThan32Bytes_throwsUnlockFailedNamingTheFile() throws IOException {
    Path db = keyFileStore();
    Path shortKey = writeKeyFile("short.key", 31);
    Map<String, String> before = StoreFiles.snapshot(dir);

    secrets.thrown(
        UnlockFailedException.class,
        () -> HsmClient.open(HsmConfig.sqlite(db).keyFile(shortKey)),
        shortKey.toString(),
        "31 bytes");

    assertThat(StoreFiles.snapshot(dir)).isEqualTo(before);
  }

  @Test
  void open_newStoreWithShortKeyFile_throwsUnlockFailedAndCreatesNoStore() throws IOException {
    Path shortKey = writeKeyFile("short.key", 16);
    Path db = dir.resolve("new.db");

    secrets.thrown(
        UnlockFailedException.class,
        () -> HsmClient.open(HsmConfig.sqlite(db).keyFile(shortKey)),
        shortKey.toString());

    assertThat(db).doesNotExist();
  }

  @Test
  void open_withMissingKeyFile_throwsUnlockFailedNamingTheFile() {
    Path db = keyFileStore();
    Path missing = dir.resolve("missing.key");
    Map<String, String> before = StoreFiles.snapshot(dir);

    secrets.thrown(
        UnlockFailedException.class,
        () -> HsmClient.open(HsmConfig.sqlite(db).keyFile(missing)),
        missing.toString());

    assertThat(StoreFiles.snapshot(dir)).isEqualTo(before);
  }

  @Test
  void open_passphraseStoreWithKeyFile_throwsUnlockFailedSayingThereIsNoKeyFileSlot()
      throws IOException {
    passphraseStore();
    Path keyFile = writeKeyFile("some.key", 32);
    Map<String, String> before = StoreFiles.snapshot(dir);

    secrets.thrown(
        UnlockFailedException.class,
        () -> HsmClient.open(HsmConfig.sqlite(dir.resolve("store.db")).keyFile(keyFile)),
        "no key file unlock slot",
        storePath());

    assertThat(StoreFiles.snapshot(dir)).isEqualTo(before);
  }

  @Test
  void open_keyFileStoreWithPassphrase_throwsUnlockFailedSayingThereIsNoPassphraseSlot() {
    Path db = keyFileStore();

    secrets.thrown(
        UnlockFailedException.class,
        () ->
            HsmClient.open(
                HsmConfig.sqlite(db).passphrase(PASSPHRASE).argon2(TestStores.FAST_ARGON2)),
        "no passphrase unlock slot",
        storePath());
  }

  @Test
  void open_withUnsetPassphraseVariable_throwsUnlockFailedNamingTheVariable() {
    String variable = "HSM_TEST_UNSET_" + UUID.randomUUID().toString().replace('-', '_');
    assumeThat(System.getenv(variable)).isNull();
    Path db = dir.resolve("env.db");

    secrets.thrown(
        UnlockFailedException.class,
        () -> HsmClient.open(HsmConfig.sqlite(db).passphraseFromEnv(variable)),
        variable);

    assertThat(db).doesNotExist();
  }

  @Test
  void open_withoutAnyCredential_throwsInvalidArgument() {
    Path db = dir.resolve("none.db");

    secrets.thrown(
        InvalidArgumentException.class,
        () -> HsmClient.open(HsmConfig.sqlite(db)),
        "no unlock secret");

    assertThat(db).doesNotExist();
  }

  @Test
  void config_withTwoCredentials_throwsInvalidArgumentNamingBoth() {
    Path keyFile = dir.resolve("hsm.key");
    HsmConfig base = HsmConfig.sqlite(dir.resolve("two.db"));

    secrets.thrown(
        InvalidArgumentException.class,
        () -> base.passphrase(PASSPHRASE).keyFile(keyFile),
        "a passphrase",
        "key file " + keyFile);
    secrets.thrown(
        InvalidArgumentException.class,
        () -> base.keyFile(keyFile).passphraseFromEnv("HSM_PASSPHRASE"),
        "key file " + keyFile,
        "environment variable HSM_PASSPHRASE");
    secrets.thrown(
        InvalidArgumentException.class,
        () -> base.passphraseFromEnv("HSM_PASSPHRASE").passphrase(PASSPHRASE),
        "environment variable HSM_PASSPHRASE",
        "a passphrase");
    secrets.thrown(
        InvalidArgumentException.class,
        () -> base.passphrase(PASSPHRASE).passphrase(WRONG_PASSPHRASE),
        "a passphrase");
  }

  @Test
  void config_toString_masksThePassphrase() {
    HsmConfig config =
        HsmConfig.sqlite(dir.resolve("s.db")).passphrase(PASSPHRASE).argon2(TestStores.FAST_ARGON2);
    HsmConfig fromChars =
        HsmConfig.sqlite(dir.resolve("s.db")).passphrase(PASSPHRASE.toCharArray());

    assertThat(config.toString()).contains("<masked>").contains("s.db");
    secrets.assertAbsentFrom("HsmConfig.toString", config.toString());
    secrets.assertAbsentFrom("HsmConfig.toString", fromChars.toString());
    secrets.assertAbsentFrom("HsmConfig.toString", config.cacheSize(5).toString());
  }

  @Test
  void open_nonSqliteFile_throwsStoreException_andLeavesTheFileUnchanged() throws IOException {
    byte[] random = new byte[8192];
    new SecureRandom().nextBytes(random);
    Path notADb = Files.write(dir.resolve("random.db"), random);
    Map<String, String> before = StoreFiles.snapshot(dir);

    secrets.thrown(
        StoreException.class,
        () -> HsmClient.open(TestStores.keyFileConfig(dir, "random.db")),
        notADb.toString(),
        "not a key store");

    assertThat(Files.readAllBytes(notADb)).isEqualTo(random);
    Map<String, String> after = StoreFiles.snapshot(dir);
    after.keySet().removeIf(name -> name.endsWith(".key"));
    assertThat(after).isEqualTo(before);
  }

  /**
   * A valid SQLite database that is not a key store (say, the application's own database, named by
   * mistake) is "not a key store" in {@link HsmClient#open}'s contract: it must be refused, not
   * silently turned into one.
   */
  @Test
  void open_sqliteDatabaseOfAnotherApplication_throwsStoreException_andLeavesItUnchanged()
      throws SQLException {
    Path appDb = dir.resolve("app.db");
    try (Connection c = StoreFiles.connect(appDb);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)");
      s.execute("INSERT INTO customer (name) VALUES ('alice')");
    }
    String before = StoreFiles.sha256(appDb);

    secrets.thrown(
        StoreException.class,
        () -> HsmClient.open(TestStores.keyFileConfig(dir, "app.db")).close(),
        appDb.toString(),
        "not a key store");

    assertThat(StoreFiles.sha256(appDb)).isEqualTo(before);
  }

  @Test
  void reopen_afterClose_keepsEveryKeyAndItsOutputs() throws Exception {
    HsmConfig config = TestStores.passphraseConfig(dir, "durable.db", PASSPHRASE);
    byte[] context = "ctx".getBytes(UTF_8);
    List<KeyInfo> infos;
    byte[] ecdsaSig;
    byte[] edSig;
    byte[] mac;
    byte[] aesCt;
    byte[] chachaCt;
    String ecdsaPem;
    String importedPem;
    try (HsmClient hsm = HsmClient.open(config)) {
      ecdsaSig =
          hsm.createKey("ecdsa", KeySpec.ecdsaP384().withLabel("team", "billing")).sign(DATA);
      edSig = hsm.createKey("ed", KeySpec.ed25519()).sign(DATA);
      mac = hsm.createKey("mac", KeySpec.hmacSha512()).mac(DATA);
      aesCt = hsm.createKey("aes", KeySpec.aes256Gcm()).encrypt(DATA, context);
      chachaCt = hsm.createKey("chacha", KeySpec.chacha20Poly1305()).encrypt(DATA, context);
      ecdsaPem = hsm.key("ecdsa").publicKeyPem();
      importedPem =
          hsm.importKey("imported-pub", KeySpec.ecdsaP384(), KeyMaterial.publicKeyPem(ecdsaPem))
              .publicKeyPem();
      infos = hsm.listKeys();
    }

    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(hsm.listKeys()).isEqualTo(infos);
      assertThat(hsm.listKeys())
          .extracting(KeyInfo::name)
          .containsExactly("aes", "chacha", "ecdsa", "ed", "imported-pub", "mac");
      hsm.key("ecdsa").verify(DATA, ecdsaSig);
      hsm.key("imported-pub").verify(DATA, ecdsaSig);
      hsm.key("ed").verify(DATA, edSig);
      hsm.key("mac").verifyMac(DATA, mac);
      assertThat(hsm.key("aes").decrypt(aesCt, context)).isEqualTo(DATA);
      assertThat(hsm.key("chacha").decrypt(chachaCt, context)).isEqualTo(DATA);
      assertThat(hsm.key("ecdsa").publicKeyPem()).isEqualTo(ecdsaPem);
      assertThat(hsm.key("imported-pub").publicKeyPem()).isEqualTo(importedPem);
      assertThat(hsm.key("ecdsa").info().labels()).containsEntry("team", "billing");
    }
  }

  @Test
  void open_storeWithNewerSchema_throwsStoreExceptionNamingTheVersion() {
    Path db = keyFileStore();
    StoreFiles.update(db, "UPDATE store_meta SET value = '99' WHERE name = 'schema_version'");

    secrets.thrown(
        StoreException.class,
        () -> HsmClient.open(TestStores.keyFileConfig(dir, "store.db")),
        "schema version 99",
        storePath());
  }

  /** A refused open must not keep the store open (a leaked connection holds the file and locks). */
  @Test
  void open_storeWithNewerSchema_releasesTheFile() {
    Path db = keyFileStore();
    StoreFiles.update(db, "UPDATE store_meta SET value = '99' WHERE name = 'schema_version'");
    assumeThat(StoreFiles.openDescriptors(db)).as("needs /proc/self/fd").isZero();

    secrets.thrown(
        StoreException.class, () -> HsmClient.open(TestStores.keyFileConfig(dir, "store.db")));

    assertThat(StoreFiles.openDescriptors(db)).as("descriptors still open on the store").isZero();
  }

  @Test
  void open_storeWithUnreadableSchemaVersion_throwsStoreException() {
    Path db = keyFileStore();
    StoreFiles.update(db, "UPDATE store_meta SET value = 'two' WHERE name = 'schema_version'");

    secrets.thrown(
        StoreException.class,
        () -> HsmClient.open(TestStores.keyFileConfig(dir, "store.db")),
        storePath());
  }

  @Test
  void open_withDowngradedArgon2ParametersInTheSlot_throwsUnlockFailed() {
    HsmConfig config = passphraseStore();
    StoreFiles.update(db(), "UPDATE unlock_slot SET kdf_params = 'm=8,t=1,p=1'");

    secrets.thrown(UnlockFailedException.class, () -> HsmClient.open(config), storePath());
  }

  @ParameterizedTest
  @ValueSource(strings = {"m=4194304,t=1,p=1", "m=65536,t=30,p=1", "m=65536,t=3,p=200"})
  void open_withArgon2CostsInflatedInTheSlot_failsAtOnceWithoutRunningThem(String inflated) {
    HsmConfig config = passphraseStore();
    StoreFiles.update(db(), "UPDATE unlock_slot SET kdf_params = ?", inflated);

    Throwable thrown = secrets.thrown(UnlockFailedException.class, () -> HsmClient.open(config));

    // Refused while reading the parameters, before any derivation: no gigabytes, no minutes.
    assertThat(thrown).hasMessageContaining("out-of-range Argon2 parameters");
  }

  @Test
  void open_withChangedStoreId_throwsUnlockFailed() {
    HsmConfig config = passphraseStore();
    StoreFiles.update(
        db(), "UPDATE store_meta SET value = ? WHERE name = 'store_id'", "00".repeat(16));

    secrets.thrown(UnlockFailedException.class, () -> HsmClient.open(config), storePath());
  }

  private Path db() {
    return dir.resolve("store.db");
  }
}
