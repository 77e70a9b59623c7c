package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Master key rotation: every key version and unlock slot is rewrapped in one go, keys keep working
 * on old outputs, every slot's secret still opens the store, and a call that does not cover every
 * slot changes nothing.
 */
class MasterKeyRotationTest {
  private static final String PASSPHRASE = "correct horse battery staple";
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final byte[] CONTEXT = "tenant=7".getBytes(UTF_8);

  @TempDir Path dir;

  private final Secrets secrets = new Secrets().string(PASSPHRASE);

  private HsmConfig keyFileConfig;
  private HsmConfig passphraseConfig;
  private UnlockSecret keyFileSecret;
  private UnlockSecret passphraseSecret;
  private Path db;
  private long keyFileSlot;
  private long passphraseSlot;

  /** Outputs made before the rotation, with every version of each key. */
  private final List<byte[]> ciphertexts = new ArrayList<>();

  private final List<byte[]> signatures = new ArrayList<>();
  private final List<byte[]> edSignatures = new ArrayList<>();
  private final List<byte[]> macs = new ArrayList<>();

  /**
   * A store with a key file slot and a passphrase slot, and keys {@code aes} (3 versions, v2
   * disabled), {@code sig} (ECDSA, 2 versions), {@code ed} (Ed25519) and {@code mac} (HMAC, 2
   * versions).
   */
  @BeforeEach
  void createStore() {
    keyFileConfig = TestStores.keyFileConfig(dir, "store.db");
    keyFileSecret = keyFileConfig.unlockSecret().orElseThrow();
    passphraseSecret = UnlockSecret.passphrase(PASSPHRASE).withArgon2(TestStores.FAST_ARGON2);
    passphraseConfig = HsmConfig.sqlite(dir.resolve("store.db")).unlockWith(passphraseSecret);
    db = dir.resolve("store.db");
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      keyFileSlot = hsm.admin().unlockSlots().get(0).id();
      passphraseSlot = hsm.admin().addUnlockSlot(passphraseSecret);
      KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
      KeyHandle sig = hsm.createKey("sig", KeySpec.ecdsaP256());
      KeyHandle ed = hsm.createKey("ed", KeySpec.ed25519());
      KeyHandle mac = hsm.createKey("mac", KeySpec.hmacSha256());
      for (int version = 1; version <= 3; version++) {
        ciphertexts.add(aes.encrypt(DATA, CONTEXT));
        if (version < 3) {
          signatures.add(sig.sign(DATA));
          macs.add(mac.mac(DATA));
          aes.rotate();
          if (version == 1) {
            sig.rotate();
            mac.rotate();
          }
        }
      }
      edSignatures.add(ed.sign(DATA));
      aes.disableVersion(2);
    }
  }

  private void assertEveryKeyWorks(HsmClient hsm) {
    KeyHandle aes = hsm.key("aes");
    assertThat(aes.decrypt(ciphertexts.get(0), CONTEXT)).isEqualTo(DATA);
    assertThat(aes.decrypt(ciphertexts.get(2), CONTEXT)).isEqualTo(DATA);
    assertThat(catchThrowable(() -> aes.decrypt(ciphertexts.get(1), CONTEXT)))
        .as("version 2 is still disabled")
        .isExactlyInstanceOf(KeyDisabledException.class);
    aes.enableVersion(2);
    assertThat(aes.decrypt(ciphertexts.get(1), CONTEXT)).isEqualTo(DATA);
    aes.disableVersion(2);
    assertThat(aes.decrypt(aes.encrypt(DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);

    KeyHandle sig = hsm.key("sig");
    signatures.forEach(signature -> sig.verify(DATA, signature));
    sig.verify(DATA, sig.sign(DATA));
    KeyHandle ed = hsm.key("ed");
    edSignatures.forEach(signature -> ed.verify(DATA, signature));
    KeyHandle mac = hsm.key("mac");
    macs.forEach(tag -> mac.verifyMac(DATA, tag));
    int primary = aes.info().primaryVersion();
    assertThat(aes.rotate()).isEqualTo(primary + 1);
  }

  /** (key name, version) to wrapped material, in hex. */
  private Map<String, String> wrappedMaterial() {
    Map<String, String> wrapped = new HashMap<>();
    for (String row : AdminTestSupport.rows(db, "key_version", "key_name, version")) {
      String name = field(row, "key_name");
      wrapped.put(name + " v" + field(row, "version"), field(row, "wrapped_material"));
    }
    return wrapped;
  }

  private static String field(String row, String column) {
    for (String part : row.split(" ")) {
      if (part.startsWith(column + "=")) {
        return part.substring(column.length() + 1);
      }
    }
    throw new IllegalArgumentException(column + " not in " + row);
  }

  @Test
  void rotation_withEverySlotSecret_keepsEveryKeyWorking_onOutputsMadeBefore() {
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      hsm.key("sig").sign(DATA); // cached before the rotation
      hsm.admin().rotateMasterKey(keyFileSecret, passphraseSecret);

      assertEveryKeyWorks(hsm);
      hsm.createKey("after", KeySpec.aes256Gcm());
    }
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      assertThat(hsm.key("after").encrypt(DATA)).isNotEmpty();
    }
  }

  @Test
  void rotation_rewrapsEveryVersionsMaterial_andEverySlot() {
    Map<String, String> before = wrappedMaterial();
    List<String> slotsBefore = AdminTestSupport.rows(db, "unlock_slot", "id");
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      hsm.admin().rotateMasterKey(keyFileSecret, passphraseSecret);
    }

    Map<String, String> after = wrappedMaterial();
    assertThat(after.keySet())
        .containsExactlyInAnyOrder(
            "aes v1", "aes v2", "aes v3", "sig v1", "sig v2", "ed v1", "mac v1", "mac v2")
        .isEqualTo(before.keySet());
    for (String version : before.keySet()) {
      assertThat(after.get(version)).as(version).isNotEqualTo(before.get(version));
    }
    List<String> slotsAfter = AdminTestSupport.rows(db, "unlock_slot", "id");
    assertThat(slotsAfter).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(field(slotsAfter.get(i), "wrapped_master_key"))
          .isNotEqualTo(field(slotsBefore.get(i), "wrapped_master_key"));
      for (String kept : new String[] {"id", "kind", "kdf_params", "salt", "created_at"}) {
        assertThat(field(slotsAfter.get(i), kept))
            .as("slot %s %s", i, kept)
            .isEqualTo(field(slotsBefore.get(i), kept));
      }
    }
  }

  @Test
  void rotation_keepsSlotIds_soTheyCanStillBeRemoved() {
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      HsmAdmin admin = hsm.admin();
      List<UnlockSlotInfo> before = admin.unlockSlots();
      admin.rotateMasterKey(keyFileSecret, passphraseSecret);

      assertThat(admin.unlockSlots()).isEqualTo(before);
      admin.removeUnlockSlot(passphraseSlot);
      assertThat(admin.unlockSlots()).extracting(UnlockSlotInfo::id).containsExactly(keyFileSlot);
      long added = admin.addUnlockSlot(passphraseSecret);
      assertThat(added).as("a new slot never reuses an id").isGreaterThan(passphraseSlot);
    }
  }

  @Test
  void afterRotation_bothSecretsStillOpenTheStore() {
    try (HsmClient hsm = HsmClient.open(passphraseConfig)) {
      hsm.admin().rotateMasterKey(passphraseSecret, keyFileSecret);
    }

    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      assertEveryKeyWorks(hsm);
    }
    try (HsmClient hsm = HsmClient.open(passphraseConfig)) {
      assertEveryKeyWorks(hsm);
    }
  }

  @Test
  void rotationTwice_stillOpens_andKeepsOldOutputsWorking() {
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      hsm.admin().rotateMasterKey(keyFileSecret, passphraseSecret);
      hsm.admin().rotateMasterKey(keyFileSecret, passphraseSecret);
      assertEveryKeyWorks(hsm);
    }
    try (HsmClient hsm = HsmClient.open(passphraseConfig)) {
      assertEveryKeyWorks(hsm);
    }
  }

  @Test
  void rotation_isAudited_andTheAuditChainStillVerifies() {
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      long before = hsm.auditLog().verify();
      hsm.admin().rotateMasterKey(keyFileSecret, passphraseSecret);

      List<AuditEntry> entries = hsm.auditLog().entries(1, 100_000);
      AuditEntry last = entries.get(entries.size() - 1);
      assertThat(last.actor()).isEqualTo("admin");
      assertThat(last.action()).isEqualTo("store.rotate-master-key");
      assertThat(last.outcome()).isEqualTo("ok");
      assertThat(last.detail()).isEqualTo("4 keys, 2 slots");
      assertThat(hsm.auditLog().verify()).isEqualTo(before + 1);
    }
    try (HsmClient hsm = HsmClient.open(passphraseConfig)) {
      assertThat(hsm.auditLog().verify()).isPositive();
    }
  }

  @Test
  void rotation_withASlotsSecretMissing_throwsInvalidArgumentNamingTheSlot_andChangesNothing() {
    List<String> rowsBefore = AdminTestSupport.keyAndSlotRows(db);
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      long auditBefore = hsm.auditLog().verify();

      Throwable thrown = catchThrowable(() -> hsm.admin().rotateMasterKey(keyFileSecret));

      assertThat(thrown)
          .isExactlyInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("unlock slot " + passphraseSlot + " (passphrase)")
          .hasMessageContaining("Nothing was changed");
      secrets.assertAbsentFrom(thrown);
      assertThat(hsm.auditLog().verify()).isEqualTo(auditBefore);
    }

    assertThat(AdminTestSupport.keyAndSlotRows(db)).isEqualTo(rowsBefore);
    try (HsmClient hsm = HsmClient.open(passphraseConfig)) {
      assertEveryKeyWorks(hsm);
    }
  }

  @Test
  void rotation_withOnlyThePassphrase_namesTheKeyFileSlot_andLeavesEveryRowByteIdentical() {
    List<String> rowsBefore = AdminTestSupport.keyAndSlotRows(db);
    try (HsmClient hsm = HsmClient.open(passphraseConfig)) {
      assertThat(catchThrowable(() -> hsm.admin().rotateMasterKey(passphraseSecret)))
          .isExactlyInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("unlock slot " + keyFileSlot + " (key file)");
      assertThat(catchThrowable(() -> hsm.admin().rotateMasterKey()))
          .isExactlyInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("unlock slot " + keyFileSlot);
    }

    assertThat(AdminTestSupport.keyAndSlotRows(db)).isEqualTo(rowsBefore);
  }

  @Test
  void rotation_withAWrongSecretForASlot_isRefusedLikeAMissingOne() {
    List<String> rowsBefore = AdminTestSupport.keyAndSlotRows(db);
    UnlockSecret wrong =
        UnlockSecret.passphrase("not the passphrase").withArgon2(TestStores.FAST_ARGON2);
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      assertThat(catchThrowable(() -> hsm.admin().rotateMasterKey(keyFileSecret, wrong)))
          .isExactlyInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("unlock slot " + passphraseSlot);
    }

    assertThat(AdminTestSupport.keyAndSlotRows(db)).isEqualTo(rowsBefore);
    try (HsmClient hsm = HsmClient.open(passphraseConfig)) {
      assertEveryKeyWorks(hsm);
    }
  }

  /**
   * Observed behaviour of a client that was open before another client rotated the master key: keys
   * it had already unwrapped keep working until its cache is dropped; a key it loads afresh fails
   * with {@link KeyIntegrityException} (its row MACs no longer check under the old master key), and
   * admin() fails with {@link StoreException} saying to reopen. Reopening fixes both.
   */
  @Test
  void clientOpenDuringRotation_failsClearlyOnItsNextLoadOrAdminCall_andWorksAfterReopening() {
    try (HsmClient stale = HsmClient.open(keyFileConfig)) {
      KeyHandle cachedSig = stale.key("sig");
      byte[] signedBefore = cachedSig.sign(DATA);
      try (HsmClient rotator = HsmClient.open(passphraseConfig)) {
        rotator.admin().rotateMasterKey(keyFileSecret, passphraseSecret);
      }

      KeyIntegrityException loadFailure =
          secrets.thrown(
              KeyIntegrityException.class,
              () -> stale.key("mac").mac(DATA),
              "'mac'",
              "integrity check");
      assertThat(loadFailure).isNotNull();
      StoreException adminFailure =
          secrets.thrown(StoreException.class, stale::admin, "master key was rotated", "reopen");
      assertThat(adminFailure).isNotNull();
      secrets.thrown(
          StoreException.class, () -> stale.admin("x".toCharArray()), "reopen the store");
      assertThat(catchThrowable(() -> stale.listKeys()))
          .isExactlyInstanceOf(KeyIntegrityException.class);
      cachedSig.verify(DATA, signedBefore); // already unwrapped: still usable from the cache
    }
    try (HsmClient reopened = HsmClient.open(keyFileConfig)) {
      assertEveryKeyWorks(reopened);
      reopened.admin().unlockSlots();
    }
  }

  /**
   * A key created by a client that was open before another client rotated the master key must not
   * end up wrapped under the old master key, where no client could ever read it again (the stale
   * client itself could, until it restarts: data encrypted meanwhile would be lost).
   */
  @Test
  void clientOpenDuringRotation_cannotCreateAKeyThatNobodyCanRead() {
    try (HsmClient stale = HsmClient.open(keyFileConfig)) {
      try (HsmClient rotator = HsmClient.open(passphraseConfig)) {
        rotator.admin().rotateMasterKey(keyFileSecret, passphraseSecret);
      }
      secrets.thrown(
          StoreException.class,
          () -> stale.createKey("late", KeySpec.aes256Gcm()),
          "reopen the store");
      secrets.thrown(
          StoreException.class,
          () -> stale.ensureKey("late", KeySpec.aes256Gcm()),
          "reopen the store");
    }
    try (HsmClient reopened = HsmClient.open(keyFileConfig)) {
      assertThat(reopened.findKey("late")).isEmpty();
      assertThat(reopened.listKeys())
          .extracting(KeyInfo::name)
          .containsExactly("aes", "ed", "mac", "sig");
      KeyHandle late = reopened.createKey("late", KeySpec.aes256Gcm());
      assertThat(late.decrypt(late.encrypt(DATA))).isEqualTo(DATA);
    }
  }

  /**
   * An admin session obtained before another client rotated the master key must not add a slot that
   * seals the old master key (its secret would then open nothing usable).
   */
  @Test
  void adminSessionOpenDuringRotation_cannotAddASlotForTheOldMasterKey() {
    UnlockSecret third =
        UnlockSecret.passphrase("a third secret").withArgon2(TestStores.FAST_ARGON2);
    try (HsmClient stale = HsmClient.open(keyFileConfig)) {
      HsmAdmin staleAdmin = stale.admin();
      try (HsmClient rotator = HsmClient.open(passphraseConfig)) {
        rotator.admin().rotateMasterKey(keyFileSecret, passphraseSecret);
      }
      Throwable added = catchThrowable(() -> staleAdmin.addUnlockSlot(third));
      assertThat(added).isExactlyInstanceOf(StoreException.class);
    }
    try (HsmClient reopened = HsmClient.open(keyFileConfig)) {
      assertThat(reopened.admin().unlockSlots())
          .extracting(UnlockSlotInfo::id)
          .containsExactly(keyFileSlot, passphraseSlot);
    }
  }
}
