package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unlock slots: each opens the store with its own secret, slots are added and removed without
 * rewrapping any key, and the last one cannot be removed.
 */
class UnlockSlotsTest {
  private static final String OLD_PASSPHRASE = "old: correct horse battery staple";
  private static final String NEW_PASSPHRASE = "new: purple monkey dishwasher";
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;

  private final Secrets secrets = new Secrets().string(OLD_PASSPHRASE).string(NEW_PASSPHRASE);

  private static UnlockSecret fastPassphrase(String passphrase) {
    return UnlockSecret.passphrase(passphrase).withArgon2(TestStores.FAST_ARGON2);
  }

  private HsmConfig passphraseConfig(String passphrase) {
    return TestStores.passphraseConfig(dir, "store.db", passphrase);
  }

  private Path db() {
    return dir.resolve("store.db");
  }

  /** Keys of several kinds and their outputs, made with the store's first secret. */
  private static final class Outputs {
    byte[] ciphertext;
    byte[] signature;
    byte[] mac;
  }

  private static Outputs createKeys(HsmClient hsm) {
    Outputs outputs = new Outputs();
    KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
    aes.rotate();
    outputs.ciphertext = aes.encrypt(DATA);
    outputs.signature = hsm.createKey("sig", KeySpec.ed25519()).sign(DATA);
    outputs.mac = hsm.createKey("mac", KeySpec.hmacSha256()).mac(DATA);
    return outputs;
  }

  private static void assertKeysWork(HsmClient hsm, Outputs outputs) {
    KeyHandle aes = hsm.key("aes");
    assertThat(aes.decrypt(outputs.ciphertext)).isEqualTo(DATA);
    assertThat(aes.decrypt(aes.encrypt(DATA))).isEqualTo(DATA);
    hsm.key("sig").verify(DATA, outputs.signature);
    hsm.key("mac").verifyMac(DATA, outputs.mac);
  }

  private List<String> keyRows() {
    List<String> rows = AdminTestSupport.rows(db(), "hsm_key", "name");
    rows.addAll(AdminTestSupport.rows(db(), "key_version", "key_name, version"));
    return rows;
  }

  @Test
  void addedPassphraseSlot_opensTheStore_asDoesTheOriginalKeyFile() {
    HsmConfig keyFileConfig = TestStores.keyFileConfig(dir, "store.db");
    Outputs outputs;
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      outputs = createKeys(hsm);
      hsm.admin().addUnlockSlot(fastPassphrase(NEW_PASSPHRASE));
    }

    try (HsmClient hsm = HsmClient.open(passphraseConfig(NEW_PASSPHRASE))) {
      assertKeysWork(hsm, outputs);
    }
    try (HsmClient hsm = HsmClient.open(keyFileConfig)) {
      assertKeysWork(hsm, outputs);
    }
    secrets.thrown(
        UnlockFailedException.class,
        () -> HsmClient.open(passphraseConfig(OLD_PASSPHRASE)),
        "does not unlock");
  }

  @Test
  void addedKeyFileSlot_opensAPassphraseStore() {
    Outputs outputs;
    try (HsmClient hsm = HsmClient.open(passphraseConfig(OLD_PASSPHRASE))) {
      outputs = createKeys(hsm);
      TestStores.keyFileConfig(dir, "extra"); // writes dir/extra.key
      hsm.admin().addUnlockSlot(UnlockSecret.keyFile(dir.resolve("extra.key")));
    }

    try (HsmClient hsm = HsmClient.open(HsmConfig.sqlite(db()).keyFile(dir.resolve("extra.key")))) {
      assertKeysWork(hsm, outputs);
    }
  }

  @Test
  void changingThePassphrase_byAddingTheNewAndRemovingTheOld_refusesTheOld_andRewrapsNoKey() {
    Outputs outputs;
    try (HsmClient hsm = HsmClient.open(passphraseConfig(OLD_PASSPHRASE))) {
      outputs = createKeys(hsm);
    }
    List<String> keysBefore = keyRows();

    try (HsmClient hsm = HsmClient.open(passphraseConfig(OLD_PASSPHRASE))) {
      HsmAdmin admin = hsm.admin();
      long oldSlot = admin.unlockSlots().get(0).id();
      long newSlot = admin.addUnlockSlot(fastPassphrase(NEW_PASSPHRASE));
      assertThat(newSlot).isNotEqualTo(oldSlot);
      admin.removeUnlockSlot(oldSlot);

      assertThat(admin.unlockSlots()).extracting(UnlockSlotInfo::id).containsExactly(newSlot);
      assertKeysWork(hsm, outputs);
      List<AuditEntry> entries = hsm.auditLog().entries(1, 100_000);
      assertThat(entries.subList(entries.size() - 2, entries.size()))
          .extracting(AuditEntry::action, AuditEntry::outcome)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("slot.add", "ok"),
              org.assertj.core.groups.Tuple.tuple("slot.remove", "ok"));
      entries.forEach(e -> secrets.assertAbsentFrom("audit entry", e.toString()));
    }

    assertThat(keyRows()).as("hsm_key and key_version rows").isEqualTo(keysBefore);
    secrets.thrown(
        UnlockFailedException.class,
        () -> HsmClient.open(passphraseConfig(OLD_PASSPHRASE)),
        "does not unlock",
        db().toString());
    try (HsmClient hsm = HsmClient.open(passphraseConfig(NEW_PASSPHRASE))) {
      assertKeysWork(hsm, outputs);
    }
    assertThat(keyRows()).as("hsm_key and key_version rows").isEqualTo(keysBefore);
  }

  @Test
  void aRemovedSlotPutBackByEditingTheStore_doesNotOpenIt_evenWithItsPassphrase() throws Exception {
    try (HsmClient hsm = HsmClient.open(passphraseConfig(OLD_PASSPHRASE))) {
      createKeys(hsm);
    }
    Path copy = dir.resolve("before-removal.db");
    java.nio.file.Files.copy(db(), copy);
    try (HsmClient hsm = HsmClient.open(passphraseConfig(OLD_PASSPHRASE))) {
      HsmAdmin admin = hsm.admin();
      long oldSlot = admin.unlockSlots().get(0).id();
      admin.addUnlockSlot(fastPassphrase(NEW_PASSPHRASE));
      admin.removeUnlockSlot(oldSlot); // the old passphrase is revoked
    }

    try (java.sql.Connection sqlite = StoreFiles.connect(db());
        java.sql.Statement sql = sqlite.createStatement()) {
      sql.execute("ATTACH DATABASE '" + copy.toAbsolutePath() + "' AS old");
      sql.execute("INSERT INTO unlock_slot SELECT * FROM old.unlock_slot");
    }

    secrets.thrown(
        StoreException.class,
        () -> HsmClient.open(passphraseConfig(OLD_PASSPHRASE)),
        "unlock slots",
        "not the ones its settings record");
    secrets.thrown(
        StoreException.class,
        () -> HsmClient.open(passphraseConfig(NEW_PASSPHRASE)),
        "not the ones its settings record");
  }

  @Test
  void removingTheLastSlot_isRefused_audited_andTheStoreStillOpens() {
    HsmConfig config = TestStores.keyFileConfig(dir, "store.db");
    try (HsmClient hsm = HsmClient.open(config)) {
      HsmAdmin admin = hsm.admin();
      long only = admin.unlockSlots().get(0).id();

      secrets.thrown(
          OperationNotPermittedException.class,
          () -> admin.removeUnlockSlot(only),
          "unlock slot " + only,
          "last");

      assertThat(admin.unlockSlots()).extracting(UnlockSlotInfo::id).containsExactly(only);
      List<AuditEntry> entries = hsm.auditLog().entries(1, 100_000);
      AuditEntry last = entries.get(entries.size() - 1);
      assertThat(last.action()).isEqualTo("slot.remove");
      assertThat(last.outcome()).isEqualTo("refused");
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(hsm.admin().unlockSlots()).hasSize(1);
    }
  }

  @Test
  void removingTheLastRemainingSlot_afterRemovingOthers_isRefused() {
    try (HsmClient hsm = HsmClient.open(TestStores.keyFileConfig(dir, "store.db"))) {
      HsmAdmin admin = hsm.admin();
      long first = admin.unlockSlots().get(0).id();
      long second = admin.addUnlockSlot(fastPassphrase(NEW_PASSPHRASE));
      admin.removeUnlockSlot(first);

      secrets.thrown(
          OperationNotPermittedException.class,
          () -> admin.removeUnlockSlot(second),
          "unlock slot " + second);
      assertThat(admin.unlockSlots()).extracting(UnlockSlotInfo::id).containsExactly(second);
    }
    try (HsmClient hsm = HsmClient.open(passphraseConfig(NEW_PASSPHRASE))) {
      assertThat(hsm.admin().unlockSlots()).hasSize(1);
    }
  }

  @Test
  void removingAnUnknownSlot_throwsInvalidArgument_namingIt_andChangesNothing() {
    try (HsmClient hsm = HsmClient.open(TestStores.keyFileConfig(dir, "store.db"))) {
      HsmAdmin admin = hsm.admin();
      admin.addUnlockSlot(fastPassphrase(NEW_PASSPHRASE));
      List<UnlockSlotInfo> before = admin.unlockSlots();

      assertThat(catchThrowable(() -> admin.removeUnlockSlot(9999)))
          .isExactlyInstanceOf(InvalidArgumentException.class)
          .hasMessage("the store has no unlock slot 9999");
      assertThat(catchThrowable(() -> admin.removeUnlockSlot(-1)))
          .isExactlyInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("-1");

      assertThat(admin.unlockSlots()).isEqualTo(before);
    }
  }

  @Test
  void unlockSlots_listsIdsKindsAndCreationDates_inOrderOfCreation() {
    AdminTestSupport.TestClock clock = new AdminTestSupport.TestClock(T0);
    HsmConfig config = TestStores.keyFileConfig(dir, "store.db").clock(clock);
    try (HsmClient hsm = HsmClient.open(config)) {
      HsmAdmin admin = hsm.admin();
      clock.advance(Duration.ofHours(1));
      long passphraseSlot = admin.addUnlockSlot(fastPassphrase(NEW_PASSPHRASE));
      clock.advance(Duration.ofHours(1));
      TestStores.keyFileConfig(dir, "extra");
      long keyFileSlot = admin.addUnlockSlot(UnlockSecret.keyFile(dir.resolve("extra.key")));

      List<UnlockSlotInfo> slots = admin.unlockSlots();
      assertThat(slots).hasSize(3);
      assertThat(slots.get(0).kind()).isEqualTo(UnlockSecret.Kind.KEY_FILE);
      assertThat(slots.get(0).createdAt()).isEqualTo(T0);
      assertThat(slots.get(1))
          .isEqualTo(
              new UnlockSlotInfo(
                  passphraseSlot, UnlockSecret.Kind.PASSPHRASE, T0.plus(Duration.ofHours(1))));
      assertThat(slots.get(2))
          .isEqualTo(
              new UnlockSlotInfo(
                  keyFileSlot, UnlockSecret.Kind.KEY_FILE, T0.plus(Duration.ofHours(2))));
      assertThat(slots).extracting(UnlockSlotInfo::id).doesNotHaveDuplicates().isSorted();
    }
    try (HsmClient hsm = HsmClient.open(passphraseConfig(NEW_PASSPHRASE))) {
      assertThat(hsm.admin().unlockSlots()).hasSize(3);
    }
  }

  @Test
  void addingASlotWithAnUnreadableSecret_failsBeforeChangingAnything() {
    try (HsmClient hsm = HsmClient.open(TestStores.keyFileConfig(dir, "store.db"))) {
      HsmAdmin admin = hsm.admin();

      secrets.thrown(
          UnlockFailedException.class,
          () -> admin.addUnlockSlot(UnlockSecret.keyFile(dir.resolve("missing.key"))),
          "missing.key");
      assertThat(admin.unlockSlots()).hasSize(1);
    }
  }

  @Test
  void aSlotWithoutAKind_opensNothing_insteadOfFailingWithNullPointerException() {
    HsmConfig config = TestStores.keyFileConfig(dir, "store.db");
    HsmClient.open(config).close();
    // A damaged or edited file can hold NULL where the schema says NOT NULL (the backup fuzz suite
    // made one): rebuild the slot table without the constraint to write one.
    StoreFiles.update(db(), "CREATE TABLE slot_copy AS SELECT * FROM unlock_slot");
    StoreFiles.update(db(), "DROP TABLE unlock_slot");
    StoreFiles.update(
        db(),
        "CREATE TABLE unlock_slot (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT,"
            + " kdf_params TEXT, salt BLOB, wrapped_master_key BLOB, created_at INTEGER)");
    StoreFiles.update(
        db(),
        "INSERT INTO unlock_slot SELECT id, NULL, kdf_params, salt, wrapped_master_key,"
            + " created_at FROM slot_copy");
    StoreFiles.update(db(), "DROP TABLE slot_copy");

    assertThat(catchThrowable(() -> HsmClient.open(config)))
        .isInstanceOf(UnlockFailedException.class)
        .hasMessageContaining("has no key file unlock slot");
  }
}
