package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edits a stored key's rows behind the library's back (plain JDBC on the closed file) and checks
 * that using that key fails with {@link KeyIntegrityException}, naming it, while the untouched keys
 * of the store keep working, including on outputs made before the edit.
 */
class StoreIntegrityTest {
  private static final byte[] DATA = "invoice 42, total 100.00".getBytes(UTF_8);
  private static final byte[] CONTEXT = "tenant=7".getBytes(UTF_8);

  /** Imported into the victim AEAD key, so messages can be checked for it. */
  private static final byte[] VICTIM_AES_KEY = bytes(32, 0x5a);

  @TempDir Path dir;

  private HsmConfig config;
  private Path db;
  private byte[] goodCiphertext;
  private byte[] goodSignature;
  private byte[] goodMac;
  private byte[] victimCiphertext;
  private byte[] victimSignature;
  private final Secrets secrets =
      new Secrets().bytes(VICTIM_AES_KEY).string(new String(DATA, UTF_8));

  private static byte[] bytes(int length, int seed) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) (seed + 31 * i);
    }
    return out;
  }

  /**
   * A store with untouched keys {@code good-aes}, {@code good-sig}, {@code good-mac} and victims:
   * {@code victim-sig} (ECDSA P-256, SIGN only), {@code victim-aes} (imported AES, ENCRYPT only),
   * {@code victim-ed} (Ed25519, both operations).
   */
  @BeforeEach
  void createStore() {
    config = TestStores.keyFileConfig(dir, "store.db");
    db = dir.resolve("store.db");
    try (HsmClient hsm = HsmClient.open(config)) {
      KeyHandle goodAes = hsm.createKey("good-aes", KeySpec.aes256Gcm());
      KeyHandle goodSig = hsm.createKey("good-sig", KeySpec.ecdsaP256());
      KeyHandle goodMacKey = hsm.createKey("good-mac", KeySpec.hmacSha256());
      KeyHandle victimSig =
          hsm.createKey("victim-sig", KeySpec.ecdsaP256().withOperations(Operation.SIGN));
      KeyHandle victimAes =
          hsm.importKey(
              "victim-aes",
              KeySpec.aes256Gcm().withOperations(Operation.ENCRYPT),
              KeyMaterial.secretKey(VICTIM_AES_KEY));
      hsm.createKey("victim-ed", KeySpec.ed25519());
      goodCiphertext = goodAes.encrypt(DATA, CONTEXT);
      goodSignature = goodSig.sign(DATA);
      goodMac = goodMacKey.mac(DATA);
      victimCiphertext = victimAes.encrypt(DATA, CONTEXT);
      victimSignature = victimSig.sign(DATA);
    }
  }

  private HsmClient reopen() {
    return HsmClient.open(config);
  }

  /** The untouched keys still verify and decrypt old outputs and make new ones. */
  private void assertUntouchedKeysWork(HsmClient hsm) {
    KeyHandle goodAes = hsm.key("good-aes");
    assertThat(goodAes.decrypt(goodCiphertext, CONTEXT)).isEqualTo(DATA);
    assertThat(goodAes.decrypt(goodAes.encrypt(DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);
    KeyHandle goodSig = hsm.key("good-sig");
    goodSig.verify(DATA, goodSignature);
    goodSig.verify(DATA, goodSig.sign(DATA));
    KeyHandle goodMacKey = hsm.key("good-mac");
    goodMacKey.verifyMac(DATA, goodMac);
    goodMacKey.verifyMac(DATA, goodMacKey.mac(DATA));
  }

  private KeyIntegrityException integrityFailure(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String... fragments) {
    return secrets.thrown(KeyIntegrityException.class, call, fragments);
  }

  @Test
  void flippedByteInWrappedMaterial_failsThatKeyWithKeyIntegrity_andOthersKeepWorking() {
    StoreFiles.flipVersionBlob(db, "victim-sig", "wrapped_material", 20);
    byte[] tampered =
        StoreFiles.queryBytes(
            db, "SELECT wrapped_material FROM key_version WHERE key_name = 'victim-sig'");
    secrets.bytes(tampered);

    try (HsmClient hsm = reopen()) {
      KeyHandle victim = hsm.key("victim-sig");
      integrityFailure(() -> victim.sign(DATA), "'victim-sig'", "version 1");
      integrityFailure(victim::publicKeyPem, "'victim-sig'", "version 1");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void flippedByteInWrappedMaterialOfImportedAesKey_failsThatKeyWithKeyIntegrity() {
    StoreFiles.flipVersionBlob(db, "victim-aes", "wrapped_material", 5);

    try (HsmClient hsm = reopen()) {
      KeyHandle victim = hsm.key("victim-aes");
      integrityFailure(() -> victim.encrypt(DATA, CONTEXT), "'victim-aes'", "version 1");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void nameChangedToBytesThatAreNotUtf8_failsTheListingWithKeyIntegrity() {
    // Found by the backup-file fuzz suite: the name reads back with U+FFFD in place of the bad
    // byte, so no key of that name is found and listKeys threw KeyNotFoundException.
    for (String table : List.of("hsm_key SET name", "key_version SET key_name")) {
      StoreFiles.update(
          db,
          "UPDATE "
              + table
              + " = CAST(X'76696374696d2d6564ff' AS TEXT) WHERE "
              + (table.startsWith("hsm_key") ? "name" : "key_name")
              + " = 'victim-ed'");
    }

    try (HsmClient hsm = reopen()) {
      integrityFailure(hsm::listKeys, "'victim-ed\ufffd'", "cannot be read by its name");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void changedAlgorithm_failsThatKeyWithKeyIntegrity() {
    // Both are 32-byte AEAD keys: without the row check, the key would load as ChaCha20.
    StoreFiles.update(
        db, "UPDATE hsm_key SET algorithm = 'CHACHA20_POLY1305' WHERE name = 'victim-aes'");
    StoreFiles.update(db, "UPDATE hsm_key SET algorithm = 'ED25519' WHERE name = 'victim-sig'");

    try (HsmClient hsm = reopen()) {
      integrityFailure(() -> hsm.key("victim-aes").encrypt(DATA, CONTEXT), "'victim-aes'");
      integrityFailure(() -> hsm.key("victim-aes").info(), "'victim-aes'");
      integrityFailure(() -> hsm.key("victim-sig").sign(DATA), "'victim-sig'");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void addedVerifyOnSignOnlyKey_failsThatKeyWithKeyIntegrity() {
    StoreFiles.update(
        db, "UPDATE hsm_key SET operations = 'SIGN,VERIFY' WHERE name = 'victim-sig'");

    try (HsmClient hsm = reopen()) {
      KeyHandle victim = hsm.key("victim-sig");
      integrityFailure(() -> victim.verify(DATA, victimSignature), "'victim-sig'");
      integrityFailure(() -> victim.sign(DATA), "'victim-sig'");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void addedDecryptOnEncryptOnlyKey_failsThatKeyWithKeyIntegrity() {
    StoreFiles.update(
        db, "UPDATE hsm_key SET operations = 'ENCRYPT,DECRYPT' WHERE name = 'victim-aes'");

    try (HsmClient hsm = reopen()) {
      KeyHandle victim = hsm.key("victim-aes");
      integrityFailure(() -> victim.decrypt(victimCiphertext, CONTEXT), "'victim-aes'");
      integrityFailure(() -> victim.encrypt(DATA, CONTEXT), "'victim-aes'");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void flippedExtractableFlag_failsThatKeyWithKeyIntegrity() {
    assertThat(StoreFiles.update(db, "UPDATE hsm_key SET extractable = 1 WHERE name = 'victim-ed'"))
        .isOne();

    try (HsmClient hsm = reopen()) {
      KeyHandle victim = hsm.key("victim-ed");
      integrityFailure(() -> victim.sign(DATA), "'victim-ed'");
      integrityFailure(victim::info, "'victim-ed'");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void changedLabels_failThatKeyWithKeyIntegrity() {
    StoreFiles.update(
        db, "UPDATE hsm_key SET labels = '{\"owner\":\"mallory\"}' WHERE name = 'victim-ed'");

    try (HsmClient hsm = reopen()) {
      KeyHandle victim = hsm.key("victim-ed");
      integrityFailure(() -> victim.sign(DATA), "'victim-ed'");
      integrityFailure(victim::info, "'victim-ed'");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void changedPrimaryVersion_failsThatKeyWithKeyIntegrity() {
    StoreFiles.update(db, "UPDATE hsm_key SET primary_version = 2 WHERE name = 'victim-ed'");

    try (HsmClient hsm = reopen()) {
      integrityFailure(() -> hsm.key("victim-ed").sign(DATA), "'victim-ed'");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void changedVersionState_failsThatKeyWithKeyIntegrityNamingTheVersion() {
    StoreFiles.update(db, "UPDATE key_version SET state = 'DISABLED' WHERE key_name = 'victim-ed'");
    StoreFiles.update(
        db, "UPDATE key_version SET state = 'DESTROYED' WHERE key_name = 'victim-aes'");

    try (HsmClient hsm = reopen()) {
      integrityFailure(() -> hsm.key("victim-ed").sign(DATA), "'victim-ed'", "version 1");
      integrityFailure(
          () -> hsm.key("victim-aes").encrypt(DATA, CONTEXT), "'victim-aes'", "version 1");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void replacedPublicKey_failsThatKeyWithKeyIntegrityNamingTheVersion() {
    byte[] otherPublicKey =
        StoreFiles.queryBytes(db, "SELECT public_key FROM key_version WHERE key_name = 'good-sig'");
    StoreFiles.update(
        db, "UPDATE key_version SET public_key = ? WHERE key_name = 'victim-sig'", otherPublicKey);

    try (HsmClient hsm = reopen()) {
      KeyHandle victim = hsm.key("victim-sig");
      integrityFailure(victim::publicKeyPem, "'victim-sig'", "version 1");
      integrityFailure(() -> victim.sign(DATA), "'victim-sig'", "version 1");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void renamedKey_failsUnderItsNewNameWithKeyIntegrity() {
    StoreFiles.update(db, "UPDATE hsm_key SET name = 'b' WHERE name = 'victim-ed'");
    StoreFiles.update(db, "UPDATE key_version SET key_name = 'b' WHERE key_name = 'victim-ed'");

    try (HsmClient hsm = reopen()) {
      integrityFailure(() -> hsm.key("b").sign(DATA), "'b'");
      integrityFailure(() -> hsm.key("b").info(), "'b'");
      // The log records victim-ed's creation: its rows are gone, not just never made.
      integrityFailure(() -> hsm.key("victim-ed").info(), "'victim-ed'", "no rows");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void renamedKeyRowOnly_failsUnderItsNewNameWithKeyIntegrity() {
    StoreFiles.update(db, "UPDATE hsm_key SET name = 'b' WHERE name = 'victim-ed'");

    try (HsmClient hsm = reopen()) {
      integrityFailure(() -> hsm.key("b").sign(DATA), "'b'");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void wrappedMaterialSwappedInFromAnotherKey_failsTheReceivingKeyWithKeyIntegrity() {
    try (HsmClient hsm = reopen()) {
      hsm.createKey("other-ed", KeySpec.ed25519());
    }
    byte[] material =
        StoreFiles.queryBytes(
            db, "SELECT wrapped_material FROM key_version WHERE key_name = 'other-ed'");
    byte[] rowMac =
        StoreFiles.queryBytes(db, "SELECT row_mac FROM key_version WHERE key_name = 'other-ed'");
    byte[] publicKey =
        StoreFiles.queryBytes(db, "SELECT public_key FROM key_version WHERE key_name = 'other-ed'");
    StoreFiles.update(
        db,
        "UPDATE key_version SET wrapped_material = ?, row_mac = ? WHERE key_name = 'victim-ed'",
        material,
        rowMac);

    try (HsmClient hsm = reopen()) {
      integrityFailure(() -> hsm.key("victim-ed").sign(DATA), "'victim-ed'", "version 1");
      // the source of the copy is untouched and keeps working
      KeyHandle other = hsm.key("other-ed");
      other.verify(DATA, other.sign(DATA));
      assertUntouchedKeysWork(hsm);
    }

    // the whole version row (public key too) moved over: still refused
    StoreFiles.update(
        db,
        "UPDATE key_version SET public_key = ?, wrapped_material = ?, row_mac = ?"
            + " WHERE key_name = 'victim-ed'",
        publicKey,
        material,
        rowMac);
    try (HsmClient hsm = reopen()) {
      integrityFailure(() -> hsm.key("victim-ed").sign(DATA), "'victim-ed'", "version 1");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void keyRowsCopiedFromAnotherStore_areNeverUsable() {
    HsmConfig otherConfig = TestStores.keyFileConfig(dir, "other.db");
    Path otherDb = dir.resolve("other.db");
    try (HsmClient other = HsmClient.open(otherConfig)) {
      other.createKey("foreign", KeySpec.ecdsaP256());
      other.createKey("victim-ed", KeySpec.ed25519());
    }
    // a new name, and a same-named key whose rows replace the victim's
    List<Map<String, Object>> foreignKey = StoreFiles.rows(otherDb, "hsm_key", "name", "foreign");
    List<Map<String, Object>> foreignVersion =
        StoreFiles.rows(otherDb, "key_version", "key_name", "foreign");
    List<Map<String, Object>> sameNameKey =
        StoreFiles.rows(otherDb, "hsm_key", "name", "victim-ed");
    List<Map<String, Object>> sameNameVersion =
        StoreFiles.rows(otherDb, "key_version", "key_name", "victim-ed");
    StoreFiles.insert(db, "hsm_key", foreignKey);
    StoreFiles.insert(db, "key_version", foreignVersion);
    StoreFiles.update(db, "DELETE FROM key_version WHERE key_name = 'victim-ed'");
    StoreFiles.update(db, "DELETE FROM hsm_key WHERE name = 'victim-ed'");
    StoreFiles.insert(db, "hsm_key", sameNameKey);
    StoreFiles.insert(db, "key_version", sameNameVersion);

    try (HsmClient hsm = reopen()) {
      integrityFailure(() -> hsm.key("foreign").sign(DATA), "'foreign'");
      integrityFailure(() -> hsm.key("foreign").publicKeyPem(), "'foreign'");
      integrityFailure(() -> hsm.key("foreign").info(), "'foreign'");
      integrityFailure(() -> hsm.key("victim-ed").sign(DATA), "'victim-ed'");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void deletedVersionRow_failsThatKeyWithKeyIntegrity() {
    StoreFiles.update(db, "DELETE FROM key_version WHERE key_name = 'victim-ed'");

    try (HsmClient hsm = reopen()) {
      integrityFailure(() -> hsm.key("victim-ed").sign(DATA), "'victim-ed'", "set of versions");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void flippedByteInKeyRowMac_failsThatKeyWithKeyIntegrity() {
    byte[] mac = StoreFiles.queryBytes(db, "SELECT row_mac FROM hsm_key WHERE name = 'victim-ed'");
    mac[0] ^= 1;
    StoreFiles.update(db, "UPDATE hsm_key SET row_mac = ? WHERE name = 'victim-ed'", mac);

    try (HsmClient hsm = reopen()) {
      integrityFailure(() -> hsm.key("victim-ed").sign(DATA), "'victim-ed'");
      assertUntouchedKeysWork(hsm);
    }
  }

  @Test
  void tamperedKey_staysUnusableOnEveryAttempt_andItsHandleStillPrints() {
    StoreFiles.flipVersionBlob(db, "victim-ed", "wrapped_material", 0);

    try (HsmClient hsm = reopen()) {
      KeyHandle victim = hsm.key("victim-ed");
      for (int attempt = 0; attempt < 3; attempt++) {
        integrityFailure(() -> victim.sign(DATA), "'victim-ed'", "version 1");
      }
      assertThat(victim.toString())
          .isEqualTo("KeyHandle[victim-ed (unavailable: KeyIntegrityException)]");
      assertUntouchedKeysWork(hsm);
    }
  }
}
