package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin role: a store without an admin credential lets anyone act as admin; once a credential
 * is set, every admin act (including {@link HsmClient#importKey}) needs it, refusals are audited
 * and change nothing, plain key use never needs it, and editing the file cannot remove it.
 */
class AdminRoleTest {
  private static final char[] ADMIN_PW = "admin: correct horse battery".toCharArray();
  private static final char[] WRONG_PW = "admin: Tr0ub4dor&3".toCharArray();
  private static final char[] NEW_ADMIN_PW = "admin: the new one, 2026".toCharArray();
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final byte[] AES_KEY = new byte[32];

  static {
    new SecureRandom().nextBytes(AES_KEY);
  }

  @TempDir Path dir;

  private HsmConfig config;
  private Path db;
  private final Secrets secrets =
      new Secrets()
          .string(new String(ADMIN_PW))
          .string(new String(WRONG_PW))
          .string(new String(NEW_ADMIN_PW))
          .bytes(AES_KEY);

  @BeforeEach
  void createStore() {
    config = TestStores.keyFileConfig(dir, "store.db");
    db = dir.resolve("store.db");
  }

  /** A store with key {@code sig} and an admin credential {@link #ADMIN_PW}. */
  private HsmClient storeWithAdminCredential() {
    HsmClient hsm = HsmClient.open(config);
    hsm.createKey("sig", KeySpec.ecdsaP256());
    hsm.admin().setAdminPassphrase(ADMIN_PW, TestStores.FAST_ARGON2);
    return hsm;
  }

  private static AuditEntry lastEntry(HsmClient hsm) {
    List<AuditEntry> entries = hsm.auditLog().entries(1, 100_000);
    return entries.get(entries.size() - 1);
  }

  private static void assertLastEntryIsRefusedLogin(HsmClient hsm, long entriesBefore) {
    List<AuditEntry> entries = hsm.auditLog().entries(1, 100_000);
    assertThat(entries).hasSize((int) entriesBefore + 1);
    AuditEntry last = entries.get(entries.size() - 1);
    assertThat(last.actor()).isEqualTo("admin");
    assertThat(last.action()).isEqualTo("admin.login");
    assertThat(last.outcome()).isEqualTo("refused");
  }

  private static long entryCount(HsmClient hsm) {
    return hsm.auditLog().entries(1, 100_000).size();
  }

  // ---------------------------------------------------------------- no credential yet

  @Test
  void storeWithoutAdminCredential_grantsAdminWithoutOne_andAllowsImport() {
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("sig", KeySpec.ecdsaP256());
      hsm.admin().setRotationPeriod("sig", Duration.ofDays(30));
      hsm.admin("any value works while there is no credential".toCharArray())
          .setRotationPeriod("sig", Duration.ofDays(60));
      KeyHandle imported =
          hsm.importKey("imported", KeySpec.aes256Gcm(), KeyMaterial.secretKey(AES_KEY));

      assertThat(hsm.key("sig").info().rotationPeriod()).isEqualTo(Duration.ofDays(60));
      assertThat(imported.info().imported()).isTrue();
      assertThat(imported.decrypt(imported.encrypt(DATA))).isEqualTo(DATA);
      assertThat(lastEntry(hsm).action()).isEqualTo("key.import");
      assertThat(lastEntry(hsm).outcome()).isEqualTo("ok");
    }
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void withAdminCredential_clientImportKey_isRefused_audited_andCreatesNoKey() {
    try (HsmClient hsm = storeWithAdminCredential()) {
      long before = entryCount(hsm);

      secrets.thrown(
          AdminAuthenticationException.class,
          () -> hsm.importKey("imported", KeySpec.aes256Gcm(), KeyMaterial.secretKey(AES_KEY)),
          "admin credential");

      assertThat(hsm.findKey("imported")).isEmpty();
      assertThat(hsm.listKeys()).extracting(KeyInfo::name).containsExactly("sig");
      assertLastEntryIsRefusedLogin(hsm, before);
    }
  }

  @Test
  void withAdminCredential_adminWithoutCredential_isRefused_andAudited() {
    try (HsmClient hsm = storeWithAdminCredential()) {
      long before = entryCount(hsm);

      secrets.thrown(AdminAuthenticationException.class, hsm::admin, "admin(credential)");
      assertLastEntryIsRefusedLogin(hsm, before);

      secrets.thrown(
          AdminAuthenticationException.class, () -> hsm.admin(null), "admin(credential)");
      assertLastEntryIsRefusedLogin(hsm, before + 1);
    }
  }

  @Test
  void withAdminCredential_wrongCredential_isRefused_audited_andChangesNothing() {
    List<String> rowsBefore;
    try (HsmClient hsm = storeWithAdminCredential()) {
      hsm.close();
      rowsBefore = AdminTestSupport.keyAndSlotRows(db);
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      long before = entryCount(hsm);

      AdminAuthenticationException refused =
          secrets.thrown(AdminAuthenticationException.class, () -> hsm.admin(WRONG_PW), "wrong");
      assertThat(refused.getMessage()).isEqualTo("the admin credential is wrong");
      assertLastEntryIsRefusedLogin(hsm, before);
      secrets.assertAbsentFrom("audit detail", lastEntry(hsm).detail());

      secrets.thrown(AdminAuthenticationException.class, () -> hsm.admin(new char[0]), "wrong");
      assertLastEntryIsRefusedLogin(hsm, before + 1);
    }
    assertThat(AdminTestSupport.keyAndSlotRows(db))
        .as("keys, versions, unlock slots and settings after refused logins")
        .isEqualTo(rowsBefore);
  }

  @Test
  void adminCredential_survivesReopening() {
    try (HsmClient hsm = storeWithAdminCredential()) {
      assertThat(hsm).isNotNull();
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      secrets.thrown(AdminAuthenticationException.class, hsm::admin, "admin(credential)");
      secrets.thrown(AdminAuthenticationException.class, () -> hsm.admin(WRONG_PW), "wrong");
      hsm.admin(ADMIN_PW).setRotationPeriod("sig", Duration.ofDays(7));
      assertThat(hsm.key("sig").info().rotationPeriod()).isEqualTo(Duration.ofDays(7));
    }
  }

  // ---------------------------------------------------------------- the right credential

  @Test
  void rightCredential_allowsEveryAdminAct() throws Exception {
    Path passphraseSlotKeyFile = dir.resolve("second.key");
    byte[] keyFileBytes = new byte[32];
    new SecureRandom().nextBytes(keyFileBytes);
    Files.write(passphraseSlotKeyFile, keyFileBytes);

    try (HsmClient hsm = storeWithAdminCredential();
        HsmClient other = TestStores.open(dir, "transport.db")) {
      String transportPem =
          other.createKey("transport", KeySpec.rsaOaepSha256(2048)).publicKeyPem();
      HsmAdmin admin = hsm.admin(ADMIN_PW);

      KeyHandle imported =
          admin.importKey(
              "imported",
              KeySpec.aes256Gcm().withExtractable(true),
              KeyMaterial.secretKey(AES_KEY));
      assertThat(imported.info().imported()).isTrue();

      KeyHandle sig = hsm.key("sig");
      sig.rotate();
      sig.rotate();
      admin.scheduleDestruction("sig", 1, Duration.ofDays(2));
      assertThat(sig.info().versions().get(0).state())
          .isEqualTo(KeyState.SCHEDULED_FOR_DESTRUCTION);
      admin.cancelDestruction("sig", 1);
      assertThat(sig.info().versions().get(0).state()).isEqualTo(KeyState.DISABLED);
      admin.setMinDecryptionVersion("sig", 2);
      assertThat(sig.info().minDecryptionVersion()).isEqualTo(2);
      admin.setRotationPeriod("sig", Duration.ofDays(90));
      assertThat(sig.info().rotationPeriod()).isEqualTo(Duration.ofDays(90));

      other
          .admin()
          .importKey(
              "from-store",
              KeySpec.ecdsaP256().withOperations(Operation.VERIFY),
              KeyMaterial.publicKeyPem(sig.publicKeyPem()));
      byte[] exported = admin.exportKey("imported", transportPem, "sig");
      KeyHandle copy = other.admin().importExportedKey("copy", exported, "transport", "from-store");
      assertThat(copy.decrypt(imported.encrypt(DATA))).isEqualTo(DATA);

      long slot = admin.addUnlockSlot(UnlockSecret.keyFile(passphraseSlotKeyFile));
      assertThat(admin.unlockSlots()).extracting(UnlockSlotInfo::id).contains(slot);
      admin.rotateMasterKey(
          config.unlockSecret().orElseThrow(), UnlockSecret.keyFile(passphraseSlotKeyFile));
      admin.removeUnlockSlot(slot);
      assertThat(admin.unlockSlots()).extracting(UnlockSlotInfo::id).doesNotContain(slot);

      admin.backup(dir.resolve("backup.db"));
      assertThat(dir.resolve("backup.db")).isRegularFile();

      assertThat(hsm.auditLog().entries(1, 100_000))
          .filteredOn(e -> e.actor().equals("admin"))
          .extracting(AuditEntry::action)
          .contains(
              "admin.set-credential",
              "key.import",
              "key.schedule-destruction",
              "key.cancel-destruction",
              "key.set-min-decryption-version",
              "key.set-rotation-period",
              "key.export",
              "slot.add",
              "store.rotate-master-key",
              "slot.remove",
              "store.backup");
      assertThat(hsm.auditLog().entries(1, 100_000))
          .extracting(AuditEntry::outcome)
          .containsOnly("ok");
      assertThat(hsm.auditLog().verify()).isPositive();
    }
  }

  @Test
  void withAdminCredential_noPathWithoutIt_importsAnExport_orOpensIt() {
    try (HsmClient hsm = HsmClient.open(config);
        HsmClient source = TestStores.open(dir, "source.db")) {
      HsmAdmin early = hsm.admin(); // granted while the store had no credential
      KeyHandle transport = hsm.createKey("transport", KeySpec.rsaOaepSha256(2048));
      early.importKey(
          "from-source",
          KeySpec.ed25519().withOperations(Operation.VERIFY),
          KeyMaterial.publicKeyPem(source.createKey("signer", KeySpec.ed25519()).publicKeyPem()));
      source.createKey("shared", KeySpec.aes256Gcm().withExtractable(true));
      byte[] exported = source.admin().exportKey("shared", transport.publicKeyPem(), "signer");
      hsm.admin().setAdminPassphrase(ADMIN_PW, TestStores.FAST_ARGON2);

      secrets.thrown(
          AdminAuthenticationException.class,
          () -> early.importExportedKey("copy", exported, "transport", "from-source"),
          "import an exported key");
      secrets.thrown(AdminAuthenticationException.class, hsm::admin, "admin(credential)");
      secrets.thrown(AdminAuthenticationException.class, () -> hsm.admin(WRONG_PW), "wrong");
      int length =
          ((exported[70 + exported[69]] & 0xff) << 8) | (exported[71 + exported[69]] & 0xff);
      byte[] envelope = new byte[5 + length];
      envelope[0] = 0x01;
      envelope[4] = 0x01;
      System.arraycopy(exported, 72 + exported[69], envelope, 5, length);
      secrets.thrown(
          OperationNotPermittedException.class,
          () -> transport.decrypt(envelope, "dev.hsm/v2/key-export".getBytes(UTF_8)),
          "reserved");
      assertThat(hsm.findKey("copy")).isEmpty();

      KeyHandle copy =
          hsm.admin(ADMIN_PW).importExportedKey("copy", exported, "transport", "from-source");
      assertThat(copy.decrypt(source.key("shared").encrypt(DATA))).isEqualTo(DATA);
    }
  }

  @Test
  void changingTheAdminPassphrase_refusesTheOldOne_andAcceptsTheNewOne() {
    try (HsmClient hsm = storeWithAdminCredential()) {
      hsm.admin(ADMIN_PW).setAdminPassphrase(NEW_ADMIN_PW, TestStores.FAST_ARGON2);

      long before = entryCount(hsm);
      secrets.thrown(AdminAuthenticationException.class, () -> hsm.admin(ADMIN_PW), "wrong");
      assertLastEntryIsRefusedLogin(hsm, before);
      hsm.admin(NEW_ADMIN_PW).setRotationPeriod("sig", Duration.ofDays(7));
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      secrets.thrown(AdminAuthenticationException.class, () -> hsm.admin(ADMIN_PW), "wrong");
      hsm.admin(NEW_ADMIN_PW).setRotationPeriod("sig", Duration.ofDays(8));
      assertThat(hsm.key("sig").info().rotationPeriod()).isEqualTo(Duration.ofDays(8));
    }
  }

  @Test
  void aSessionGrantedBeforeACredentialWasSet_stopsWorkingOnceItIs() {
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("sig", KeySpec.ecdsaP256());
      HsmAdmin early = hsm.admin(); // no credential yet: anyone may act as admin
      hsm.admin().setAdminPassphrase(ADMIN_PW, TestStores.FAST_ARGON2);
      long entriesBefore = hsm.auditLog().verify();

      Throwable replaced =
          catchThrowable(() -> early.setAdminPassphrase(WRONG_PW, TestStores.FAST_ARGON2));
      Throwable imported =
          catchThrowable(
              () -> early.importKey("late", KeySpec.aes256Gcm(), KeyMaterial.secretKey(AES_KEY)));

      assertThat(replaced)
          .isInstanceOf(AdminAuthenticationException.class)
          .hasMessageContaining("changed after this admin session began")
          .hasMessageContaining("set the admin credential");
      assertThat(imported).isInstanceOf(AdminAuthenticationException.class);
      assertThat(hsm.findKey("late")).isEmpty();
      assertThat(hsm.admin(ADMIN_PW)).as("the credential set later still works").isNotNull();
      assertThat(catchThrowable(() -> hsm.admin(WRONG_PW)))
          .isInstanceOf(AdminAuthenticationException.class);
      List<AuditEntry> entries = hsm.auditLog().entries(entriesBefore + 1, 10);
      assertThat(entries)
          .extracting(AuditEntry::action, AuditEntry::outcome)
          .startsWith(
              org.assertj.core.groups.Tuple.tuple("admin.session", "refused"),
              org.assertj.core.groups.Tuple.tuple("admin.session", "refused"));
    }
  }

  @Test
  void aSessionStopsWorking_whenTheCredentialChanges_evenTheSessionThatChangedIt() {
    try (HsmClient hsm = storeWithAdminCredential()) {
      HsmAdmin other = hsm.admin(ADMIN_PW);
      HsmAdmin changing = hsm.admin(ADMIN_PW);
      changing.setAdminPassphrase(NEW_ADMIN_PW, TestStores.FAST_ARGON2);

      assertThat(catchThrowable(() -> other.setMinDecryptionVersion("sig", 1)))
          .isInstanceOf(AdminAuthenticationException.class);
      assertThat(catchThrowable(() -> changing.backup(dir.resolve("backup.db"))))
          .isInstanceOf(AdminAuthenticationException.class);
      assertThat(Files.exists(dir.resolve("backup.db"))).isFalse();
      hsm.admin(NEW_ADMIN_PW).backup(dir.resolve("backup.db"));
      assertThat(Files.exists(dir.resolve("backup.db"))).isTrue();
    }
  }

  @Test
  void settingTheAdminPassphrase_isAudited_withoutThePassphrase() {
    try (HsmClient hsm = storeWithAdminCredential()) {
      AuditEntry set = lastEntry(hsm);
      assertThat(set.actor()).isEqualTo("admin");
      assertThat(set.action()).isEqualTo("admin.set-credential");
      assertThat(set.outcome()).isEqualTo("ok");
      for (AuditEntry entry : hsm.auditLog().entries(1, 100_000)) {
        secrets.assertAbsentFrom("audit entry", entry.toString());
      }
    }
    secrets.assertAbsentFrom(
        "settings row", String.join("\n", AdminTestSupport.rows(db, "store_meta", "name")));
  }

  @Test
  void emptyAdminPassphrase_isRejected_andLeavesTheStoreWithoutCredential() {
    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(catchThrowable(() -> hsm.admin().setAdminPassphrase(new char[0])))
          .isExactlyInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("must not be empty");
      hsm.admin().setRotationPeriod(hsm.createKey("k", KeySpec.hmacSha256()).name(), Duration.ZERO);
    }
  }

  // ---------------------------------------------------------------- plain use

  @Test
  void plainKeyUse_neverNeedsTheAdminCredential() {
    try (HsmClient hsm = storeWithAdminCredential()) {
      KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
      KeyHandle sig = hsm.key("sig");
      KeyHandle mac = hsm.ensureKey("mac", KeySpec.hmacSha256());
      byte[] ciphertext = aes.encrypt(DATA);
      byte[] signature = sig.sign(DATA);

      assertThat(aes.rotate()).isEqualTo(2);
      assertThat(sig.rotate()).isEqualTo(2);
      assertThat(aes.decrypt(ciphertext)).isEqualTo(DATA);
      sig.verify(DATA, signature);
      mac.verifyMac(DATA, mac.mac(DATA));
      aes.disableVersion(1);
      aes.enableVersion(1);
      aes.disable();
      aes.enable();
      assertThat(aes.reencrypt(ciphertext, new byte[0])).isNotEmpty();
      assertThat(hsm.listKeys()).extracting(KeyInfo::name).containsExactly("aes", "mac", "sig");
      hsm.applyDueChanges();
      hsm.auditLog().verify();

      assertThat(hsm.auditLog().entries(1, 100_000))
          .extracting(AuditEntry::outcome)
          .containsOnly("ok");
    }
  }

  // ---------------------------------------------------------------- editing the file

  private String settingsValue() {
    return new String(
        StoreFiles.queryBytes(db, "SELECT value FROM store_meta WHERE name = 'settings'"), UTF_8);
  }

  private void setSettingsValue(String value) {
    assertThat(
            StoreFiles.update(db, "UPDATE store_meta SET value = ? WHERE name = 'settings'", value))
        .isEqualTo(1);
  }

  /** Opening the store, or else asking it for admin rights, fails with StoreException. */
  private void assertNeverGrantsAdmin() {
    HsmClient opened;
    try {
      opened = HsmClient.open(config);
    } catch (StoreException refusedToOpen) {
      assertThat(refusedToOpen).hasMessageContaining("settings");
      return;
    }
    try (HsmClient hsm = opened) {
      assertThat(catchThrowable(hsm::admin))
          .as("admin() on a store whose admin credential was edited away")
          .isExactlyInstanceOf(StoreException.class)
          .hasMessageContaining("settings");
      assertThat(catchThrowable(() -> hsm.admin(WRONG_PW)))
          .as("admin(any credential) on a store whose admin credential was edited away")
          .isExactlyInstanceOf(StoreException.class);
      assertThat(
              catchThrowable(
                  () ->
                      hsm.importKey(
                          "imported", KeySpec.aes256Gcm(), KeyMaterial.secretKey(AES_KEY))))
          .as("importKey on a store whose admin credential was edited away")
          .isExactlyInstanceOf(StoreException.class);
      assertThat(hsm.findKey("imported")).as("key imported without admin").isEmpty();
    }
  }

  @Test
  void removingTheAdminFieldsFromTheSettings_neverGrantsAdmin() {
    try (HsmClient hsm = storeWithAdminCredential()) {
      assertThat(hsm).isNotNull();
    }
    String settings = settingsValue();
    assertThat(settings).contains("\"adminVerifier\"");
    String stripped = settings.replaceAll(",?\"admin(Kdf|Salt|Verifier)\":\"[^\"]*\"", "");
    assertThat(stripped).doesNotContain("admin").contains("\"auditKey\"").contains("\"mac\"");
    setSettingsValue(stripped);

    assertNeverGrantsAdmin();
  }

  @Test
  void emptyingTheAdminVerifierInTheSettings_neverGrantsAdmin() {
    try (HsmClient hsm = storeWithAdminCredential()) {
      assertThat(hsm).isNotNull();
    }
    setSettingsValue(settingsValue().replaceAll(",?\"adminVerifier\":\"[^\"]*\"", ""));

    assertNeverGrantsAdmin();
  }

  /**
   * Rollback of the settings row alone. Fails at present (known bug): the pre-credential value
   * still carries a valid MAC (same store id, master key and wrapped audit key; the MAC covers no
   * generation or anything else that changes when the credential is set), so the store opens and
   * admin() is granted with no credential. Fixing it needs something the settings are checked
   * against that a settings-only edit cannot roll back (see the report).
   */
  @Test
  void restoringTheSettingsFromBeforeTheCredentialWasSet_neverGrantsAdmin() {
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("sig", KeySpec.ecdsaP256());
    }
    String beforeCredential = settingsValue();
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.admin().setAdminPassphrase(ADMIN_PW, TestStores.FAST_ARGON2);
    }
    assertThat(settingsValue()).isNotEqualTo(beforeCredential);
    setSettingsValue(beforeCredential);

    assertNeverGrantsAdmin();
  }
}
