package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.hsm.contract.InMemoryKeyRecordStore;
import dev.hsm.spi.KeyRecordStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on a store plugged in with {@link HsmConfig#store}: the in-memory store of the
 * contract suite, written against the SPI alone, carries the whole public API. Nothing here reaches
 * past the public API, as an application with its own store would not.
 */
class PluggableStoreTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final byte[] CONTEXT = "tenant=7".getBytes(UTF_8);
  private static final char[] ADMIN_PW = "correct horse battery staple".toCharArray();

  @TempDir Path dir;

  private final MutableClock clock = MutableClock.atFixedStart();
  private KeyRecordStore.Factory store;
  private HsmConfig config;
  private HsmClient hsm;

  @BeforeEach
  void openAnInMemoryStore() {
    store = InMemoryKeyRecordStore.factory("pluggable-test");
    config = HsmConfig.store(store).keyFile(TestStores.keyFile(dir, "hsm.key")).clock(clock);
    hsm = HsmClient.open(config);
  }

  @AfterEach
  void closeClient() {
    hsm.close();
  }

  private void reopen() {
    hsm.close();
    hsm = HsmClient.open(config);
  }

  /** The key version an envelope names: bytes 1-4, big-endian (docs/FORMATS.md). */
  private static int versionOf(byte[] envelope) {
    return ByteBuffer.wrap(envelope, 1, 4).getInt();
  }

  private static List<KeyState> states(KeyHandle key) {
    return key.info().versions().stream().map(KeyVersionInfo::state).toList();
  }

  @Test
  void keysOfEveryKind_encryptDecryptSignVerifyAndMac_onThePluggedInStore() {
    for (KeySpec spec :
        List.of(KeySpec.aes256Gcm(), KeySpec.chacha20Poly1305(), KeySpec.rsaOaepSha256(2048))) {
      KeyHandle key = hsm.createKey("enc-" + spec.algorithm().name().toLowerCase(), spec);
      byte[] ciphertext = key.encrypt(DATA, CONTEXT);
      assertThat(key.decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
      assertThatThrownBy(() -> key.decrypt(ciphertext, "tenant=8".getBytes(UTF_8)))
          .isInstanceOf(InvalidCiphertextException.class);
    }
    KeyHandle siv = hsm.createKey("siv", KeySpec.aes256GcmSiv());
    assertThat(siv.decrypt(siv.encrypt(DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);

    for (KeySpec spec :
        List.of(KeySpec.ecdsaP256(), KeySpec.ed25519(), KeySpec.rsaPssSha256(2048))) {
      KeyHandle key = hsm.createKey("sig-" + spec.algorithm().name().toLowerCase(), spec);
      byte[] signature = key.sign(DATA);
      key.verify(DATA, signature);
      assertThatThrownBy(() -> key.verify("pay 999 to eve".getBytes(UTF_8), signature))
          .isInstanceOf(VerificationFailedException.class);
      assertThat(key.verifyJws(key.signJws(DATA))).isEqualTo(DATA);
    }

    KeyHandle mac = hsm.createKey("mac", KeySpec.hmacSha256());
    mac.verifyMac(DATA, mac.mac(DATA));

    assertThat(hsm.listKeys()).extracting(KeyInfo::name).hasSize(8).isSorted();
  }

  @Test
  void keys_outliveTheClient_andAnotherClientOfTheStoreUsesThem() {
    byte[] ciphertext = hsm.createKey("k", KeySpec.aes256Gcm()).encrypt(DATA, CONTEXT);

    reopen();

    assertThat(hsm.key("k").decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
    assertThat(hsm.listKeys()).extracting(KeyInfo::name).containsExactly("k");
  }

  @Test
  void rotate_makesVersionTwoPrimary_whileVersionOneStillDecrypts() {
    KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
    byte[] v1 = key.encrypt(DATA, CONTEXT);

    assertThat(key.rotate()).isEqualTo(2);

    byte[] v2 = key.encrypt(DATA, CONTEXT);
    assertThat(versionOf(v2)).isEqualTo(2);
    assertThat(key.decrypt(v1, CONTEXT)).isEqualTo(DATA);
    assertThat(key.info().primaryVersion()).isEqualTo(2);
  }

  @Test
  void disable_refusesEveryOperation_untilEnabledAgain() {
    KeyHandle key = hsm.createKey("k", KeySpec.ecdsaP256());
    byte[] signature = key.sign(DATA);

    key.disable();

    assertThatThrownBy(() -> key.sign(DATA)).isInstanceOf(KeyDisabledException.class);
    assertThatThrownBy(() -> key.verify(DATA, signature)).isInstanceOf(KeyDisabledException.class);
    key.enable();
    key.verify(DATA, key.sign(DATA));
  }

  @Test
  void scheduledDestruction_destroysTheVersion_onceTheInjectedClockPassesTheWaitingPeriod() {
    KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
    byte[] v1 = key.encrypt(DATA, CONTEXT);
    key.rotate();
    hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(7));

    clock.advance(Duration.ofDays(6));
    assertThat(hsm.applyDueChanges()).isZero();
    assertThat(states(key)).containsExactly(KeyState.SCHEDULED_FOR_DESTRUCTION, KeyState.ENABLED);

    clock.advance(Duration.ofDays(2));
    assertThat(hsm.applyDueChanges()).isEqualTo(1);
    assertThat(states(key)).containsExactly(KeyState.DESTROYED, KeyState.ENABLED);
    assertThatThrownBy(() -> key.decrypt(v1, CONTEXT))
        .isInstanceOf(KeyVersionDestroyedException.class);
  }

  @Test
  void aRotationPeriod_rotatesTheKey_onceTheInjectedClockPassesIt() {
    hsm.createKey("k", KeySpec.hmacSha256().withRotationPeriod(Duration.ofDays(30)));

    clock.advance(Duration.ofDays(29));
    assertThat(hsm.applyDueChanges()).isZero();
    clock.advance(Duration.ofDays(2));
    assertThat(hsm.applyDueChanges()).isEqualTo(1);

    assertThat(hsm.key("k").info().primaryVersion()).isEqualTo(2);
  }

  @Test
  void anAdminCredential_onceSet_isRequired_andAWrongOneIsRefusedAndAudited() {
    hsm.createKey("k", KeySpec.aes256Gcm());
    hsm.admin().setAdminPassphrase(ADMIN_PW, TestStores.FAST_ARGON2);
    reopen(); // the credential lives in the store's settings

    assertThatThrownBy(hsm::admin).isInstanceOf(AdminAuthenticationException.class);
    assertThatThrownBy(() -> hsm.admin("wrong".toCharArray()))
        .isInstanceOf(AdminAuthenticationException.class);
    hsm.admin(ADMIN_PW).setRotationPeriod("k", Duration.ofDays(90));

    List<AuditEntry> log = hsm.auditLog().entries(1, 100);
    assertThat(log)
        .extracting(AuditEntry::action, AuditEntry::outcome)
        .contains(tuple("admin.set-credential", "ok"), tuple("admin.login", "refused"));
    assertThat(hsm.key("k").info().rotationPeriod()).isEqualTo(Duration.ofDays(90));
  }

  @Test
  void theAuditLog_recordsEachAct_inOrder_andItsChainVerifies() {
    KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
    key.rotate();
    key.disableVersion(1);
    hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(1));

    List<AuditEntry> log = hsm.auditLog().entries(1, 100);

    assertThat(log)
        .extracting(AuditEntry::action)
        .containsSubsequence(
            "key.create", "key.rotate", "key.disable-version", "key.schedule-destruction");
    assertThat(log).extracting(AuditEntry::sequence).isSorted().doesNotHaveDuplicates();
    assertThat(hsm.auditLog().verify()).isEqualTo(log.size());
  }

  @Test
  void twoClientsOfOneStore_seeEachOthersRotations() throws InterruptedException {
    KeyHandle ours = hsm.createKey("shared", KeySpec.aes256Gcm());
    try (HsmClient other = HsmClient.open(config.refreshInterval(Duration.ofMillis(50)))) {
      KeyHandle theirs = other.key("shared");
      assertThat(versionOf(theirs.encrypt(DATA, CONTEXT))).isEqualTo(1);

      ours.rotate();

      byte[] v2 = ours.encrypt(DATA, CONTEXT);
      assertThat(theirs.decrypt(v2, CONTEXT)).as("a new version decrypts at once").isEqualTo(DATA);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      int version = versionOf(theirs.encrypt(DATA, CONTEXT));
      while (version != 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        version = versionOf(theirs.encrypt(DATA, CONTEXT));
      }
      assertThat(version).as("version of the other client's new ciphertexts").isEqualTo(2);

      assertThat(theirs.rotate()).isEqualTo(3);
      assertThat(ours.decrypt(theirs.encrypt(DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);
      assertThat(ours.info().primaryVersion()).isEqualTo(3);
    }
  }

  @Test
  void messages_nameTheStoreByItsDescription() {
    String description = store.description();

    assertThatThrownBy(() -> hsm.key("missing"))
        .isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("missing")
        .hasMessageContaining(description);
    assertThat(hsm.toString()).contains(description);
    assertThat(config.toString()).contains(description);
  }

  @Test
  void aWrongKeyFile_cannotUnlockTheStore() {
    HsmConfig wrong = HsmConfig.store(store).keyFile(TestStores.keyFile(dir, "other.key"));

    assertThatThrownBy(() -> HsmClient.open(wrong)).isInstanceOf(UnlockFailedException.class);
  }

  @Test
  void unlockSlots_canBeAdded_andTheOldOneRemoved() {
    long first = hsm.admin().unlockSlots().get(0).id();
    UnlockSecret passphrase =
        UnlockSecret.passphrase("a second secret").withArgon2(TestStores.FAST_ARGON2);

    long second = hsm.admin().addUnlockSlot(passphrase);
    hsm.admin().removeUnlockSlot(first);

    assertThat(second).isGreaterThan(first);
    assertThat(hsm.admin().unlockSlots()).extracting(UnlockSlotInfo::id).containsExactly(second);
    HsmClient.open(HsmConfig.store(store).unlockWith(passphrase)).close();
    assertThatThrownBy(() -> HsmClient.open(config)).isInstanceOf(UnlockFailedException.class);
  }

  @Test
  void masterKeyRotation_rewrapsEveryKey_andTheStoreOpensAgain() {
    byte[] ciphertext = hsm.createKey("k", KeySpec.aes256Gcm()).encrypt(DATA, CONTEXT);
    KeyHandle signing = hsm.createKey("s", KeySpec.ed25519());

    hsm.admin().rotateMasterKey(config.unlockSecret().orElseThrow());

    signing.verify(DATA, signing.sign(DATA));
    reopen();
    assertThat(hsm.key("k").decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
    assertThat(hsm.auditLog().verify()).isPositive();
  }

  @Test
  void aBackup_holdsTheStoreAsItWas_andOpensAsAStoreOfItsOwn() {
    byte[] ciphertext = hsm.createKey("k", KeySpec.aes256Gcm()).encrypt(DATA, CONTEXT);
    Path backup = dir.resolve("store.backup");

    hsm.admin().backup(backup);
    hsm.createKey("after-the-backup", KeySpec.aes256Gcm());

    HsmConfig restored =
        HsmConfig.store(InMemoryKeyRecordStore.restore(backup))
            .unlockWith(config.unlockSecret().orElseThrow());
    try (HsmClient copy = HsmClient.open(restored)) {
      assertThat(copy.key("k").decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
      assertThat(copy.findKey("after-the-backup")).isEmpty();
      assertThat(copy.auditLog().verify()).isPositive();
    }
  }

  @Test
  void usage_isCountedPerKeyAndOperation_inTheStore() {
    KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
    for (int i = 0; i < 3; i++) {
      key.decrypt(key.encrypt(DATA, CONTEXT), CONTEXT);
    }

    assertThat(hsm.auditLog().usage())
        .isEqualTo(Map.of("k", Map.of(Operation.ENCRYPT, 3L, Operation.DECRYPT, 3L)));
    reopen();
    assertThat(hsm.auditLog().usage().get("k")).containsEntry(Operation.ENCRYPT, 3L);
  }

  @Test
  void aConfigMovedToAnotherStore_keepsItsOtherSettings_andOpensThere() {
    HsmConfig embedded =
        HsmConfig.sqlite(dir.resolve("never-created.db"))
            .keyFile(TestStores.keyFile(dir, "hsm.key"))
            .cacheSize(7)
            .clock(clock);

    HsmConfig moved = embedded.withStore(store);

    assertThat(moved.sqliteFile()).isEmpty();
    assertThat(moved.cacheSize()).isEqualTo(7);
    assertThat(moved.clock()).isSameAs(clock);
    assertThat(moved.unlockSecret()).isEqualTo(embedded.unlockSecret());
    assertThat(moved.toString()).contains(store.description());
    hsm.createKey("moved", KeySpec.hmacSha256());
    try (HsmClient second = HsmClient.open(moved)) {
      assertThat(second.key("moved").info().algorithm()).isEqualTo(Algorithm.HMAC_SHA256);
    }
    assertThat(dir.resolve("never-created.db")).doesNotExist();
  }
}
