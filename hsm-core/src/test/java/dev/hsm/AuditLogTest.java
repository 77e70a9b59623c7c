package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The audit log: which acts and refusals it records and how, that {@link AuditLog#verify()} catches
 * entries edited, removed, reordered or forged behind the library's back (plain JDBC on the closed
 * file), the usage counters, and that no secret ever reaches the log.
 */
class AuditLogTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final byte[] CONTEXT = "tenant=7".getBytes(UTF_8);
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  private static final String ADMIN_PASSPHRASE = "admin: correct horse battery staple";
  private static final String WRONG_ADMIN_PASSPHRASE = "admin: Tr0ub4dor&3";

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(START);
  private final Secrets secrets =
      new Secrets()
          .string(new String(DATA, UTF_8))
          .string(ADMIN_PASSPHRASE)
          .string(WRONG_ADMIN_PASSPHRASE);
  private HsmConfig config;
  private Path db;
  private HsmClient hsm;

  @BeforeEach
  void openStore() {
    config = TestStores.keyFileConfig(dir, "s.db").clock(clock);
    db = dir.resolve("s.db");
    hsm = HsmClient.open(config);
  }

  @AfterEach
  void closeStore() {
    hsm.close();
  }

  private void reopen() {
    hsm.close();
    hsm = HsmClient.open(config);
  }

  private List<AuditEntry> allEntries() {
    return hsm.auditLog().entries(1, 10_000);
  }

  /** One number from the store file, read with a separate JDBC connection. */
  private long count(String sql) {
    try (Connection c = StoreFiles.connect(db);
        Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  // ================================================================================ what's logged

  @Nested
  class Entries {

    /** Runs {@code act}, then moves the clock a minute, so each entry's time is distinct. */
    private void step(Runnable act) {
      act.run();
      clock.advance(Duration.ofMinutes(1));
    }

    private void refusedStep(Class<? extends Throwable> type, Runnable act) {
      step(() -> secrets.thrown(type, act::run));
    }

    @Test
    void everyLifecycleAdminAndRefusedAct_isRecorded_withActorActionKeyVersionAndOutcome() {
      step(() -> hsm.createKey("k", KeySpec.aes256Gcm()));
      step(() -> hsm.key("k").rotate());
      step(() -> hsm.key("k").disable());
      refusedStep(KeyDisabledException.class, () -> hsm.key("k").encrypt(DATA, CONTEXT));
      step(() -> hsm.key("k").enable());
      step(() -> hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(7)));
      byte[] v1 = new byte[] {1, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
      refusedStep(KeyDisabledException.class, () -> hsm.key("k").decrypt(v1, CONTEXT));
      refusedStep(OperationNotPermittedException.class, () -> hsm.key("k").disableVersion(2));
      step(
          () ->
              hsm.importKey("imported", KeySpec.hmacSha256(), KeyMaterial.secretKey(new byte[32])));
      step(() -> hsm.createKey("dec-only", KeySpec.aes256Gcm().withOperations(Operation.DECRYPT)));
      refusedStep(
          OperationNotPermittedException.class, () -> hsm.key("dec-only").encrypt(DATA, CONTEXT));
      step(
          () ->
              hsm.admin()
                  .setAdminPassphrase(ADMIN_PASSPHRASE.toCharArray(), TestStores.FAST_ARGON2));
      refusedStep(
          AdminAuthenticationException.class,
          () -> hsm.admin(WRONG_ADMIN_PASSPHRASE.toCharArray()));
      refusedStep(AdminAuthenticationException.class, () -> hsm.admin());

      List<AuditEntry> entries = allEntries();
      assertThat(entries)
          .extracting(
              AuditEntry::sequence,
              AuditEntry::actor,
              AuditEntry::action,
              AuditEntry::keyName,
              AuditEntry::version,
              AuditEntry::outcome)
          .containsExactly(
              tuple(1L, "app", "key.create", "k", 1, "ok"),
              tuple(2L, "app", "key.rotate", "k", 2, "ok"),
              tuple(3L, "app", "key.disable", "k", 0, "ok"),
              tuple(4L, "app", "key.encrypt", "k", 0, "refused"),
              tuple(5L, "app", "key.enable", "k", 0, "ok"),
              tuple(6L, "admin", "key.schedule-destruction", "k", 1, "ok"),
              tuple(7L, "app", "key.disable-version", "k", 2, "refused"),
              tuple(8L, "admin", "key.import", "imported", 1, "ok"),
              tuple(9L, "app", "key.create", "dec-only", 1, "ok"),
              tuple(10L, "app", "key.encrypt", "dec-only", 0, "refused"),
              tuple(11L, "admin", "admin.set-credential", null, 0, "ok"),
              tuple(12L, "admin", "admin.login", null, 0, "refused"),
              tuple(13L, "admin", "admin.login", null, 0, "refused"),
              // A refusal caused by unauthenticated input (the header names version 1, scheduled
              // for destruction) is counted and written at the next refresh or read of the log.
              tuple(14L, "app", "key.decrypt", "k", 1, "refused"));
      // Each entry carries the time it was written: one step (a minute) apart, except the
      // counted refusal, written when the log was read after the last step.
      List<Instant> times = new ArrayList<>();
      LongStream.range(0, 15)
          .filter(i -> i != 6)
          .forEach(i -> times.add(START.plus(Duration.ofMinutes(i))));
      assertThat(entries).extracting(AuditEntry::at).containsExactlyElementsOf(times);
      assertThat(entries.get(0).detail()).isEqualTo("AES_256_GCM");
      assertThat(entries.get(3).detail()).contains("'k'", "disabled");
      assertThat(entries.get(6).detail()).contains("primary");
      assertThat(entries.get(9).detail()).contains("'dec-only'", "ENCRYPT");
      assertThat(entries.get(11).detail()).contains("wrong");
      assertThat(entries.get(13).detail())
          .contains("'k'", "version 1", "scheduled for destruction");
      assertThat(hsm.auditLog().verify()).isEqualTo(14);
    }

    @Test
    void automaticRotationAndDestruction_areRecordedAsTheApplicationsActs() {
      hsm.createKey("k", KeySpec.aes256Gcm().withRotationPeriod(Duration.ofDays(30)));
      clock.advance(Duration.ofDays(31));
      hsm.key("k").encrypt(DATA, CONTEXT);
      hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(1));
      clock.advance(Duration.ofDays(2));
      hsm.applyDueChanges();

      assertThat(allEntries())
          .extracting(
              AuditEntry::sequence,
              AuditEntry::actor,
              AuditEntry::action,
              AuditEntry::keyName,
              AuditEntry::version,
              AuditEntry::outcome)
          .containsExactly(
              tuple(1L, "app", "key.create", "k", 1, "ok"),
              tuple(2L, "app", "key.rotate", "k", 2, "ok"),
              tuple(3L, "admin", "key.schedule-destruction", "k", 1, "ok"),
              tuple(4L, "app", "key.destroy", "k", 1, "ok"));
      assertThat(allEntries().get(1).detail()).contains("automatic");
    }

    @Test
    void successfulOperations_addNoEntries() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      KeyHandle sig = hsm.createKey("sig", KeySpec.ed25519());

      for (int i = 0; i < 5; i++) {
        key.decrypt(key.encrypt(DATA, CONTEXT), CONTEXT);
        sig.verify(DATA, sig.sign(DATA));
      }

      assertThat(allEntries())
          .extracting(AuditEntry::action)
          .containsExactly("key.create", "key.create");
      assertThat(count("SELECT COUNT(*) FROM audit_log")).isEqualTo(2);
    }

    @Test
    void entries_andTheirChain_surviveReopen() {
      hsm.createKey("k", KeySpec.aes256Gcm());
      hsm.key("k").rotate();
      hsm.key("k").disable();
      List<AuditEntry> before = allEntries();

      reopen();

      assertThat(allEntries()).isEqualTo(before);
      assertThat(hsm.auditLog().verify()).isEqualTo(3);
      hsm.key("k").enable();
      assertThat(hsm.auditLog().verify()).as("the chain goes on after reopening").isEqualTo(4);
      assertThat(allEntries()).extracting(AuditEntry::sequence).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void theChain_goesOnAcrossAMasterKeyRotation() {
      hsm.createKey("k", KeySpec.aes256Gcm());
      hsm.admin().rotateMasterKey(UnlockSecret.keyFile(dir.resolve("s.db.key")));
      hsm.key("k").rotate();
      assertThat(hsm.auditLog().verify()).isEqualTo(3);

      reopen();

      hsm.key("k").disable();
      assertThat(hsm.auditLog().verify()).isEqualTo(4);
      assertThat(allEntries())
          .extracting(AuditEntry::action)
          .containsExactly("key.create", "store.rotate-master-key", "key.rotate", "key.disable");
    }

    @Test
    void twoClientsOnOneStore_appendToOneChain_withoutGaps() {
      try (HsmClient other = HsmClient.open(config)) {
        for (int i = 0; i < 5; i++) {
          hsm.createKey("ours-" + i, KeySpec.hmacSha256());
          other.createKey("theirs-" + i, KeySpec.hmacSha256());
          other.key("ours-" + i).rotate();
          hsm.key("theirs-" + i).rotate();
        }

        assertThat(other.auditLog().verify()).isEqualTo(20);
        assertThat(hsm.auditLog().verify()).isEqualTo(20);
        assertThat(allEntries())
            .extracting(AuditEntry::sequence)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
      }
    }

    @Test
    void entries_pageFromASequenceNumber() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      for (int i = 0; i < 5; i++) {
        key.rotate();
      }

      assertThat(hsm.auditLog().entries(3, 2))
          .extracting(AuditEntry::sequence)
          .containsExactly(3L, 4L);
      assertThat(hsm.auditLog().entries(6, 100))
          .extracting(AuditEntry::sequence)
          .containsExactly(6L);
      assertThat(hsm.auditLog().entries(7, 100)).isEmpty();
      assertThat(hsm.auditLog().entries(1, 0)).isEmpty();
    }
  }

  // ================================================================================== tampering

  @Nested
  class Tampering {

    /**
     * Seven entries, then the store is closed: 1 create a, 2 create b, 3 rotate a (version 2,
     * "rotated on request"), 4 disable b, 5 refused encrypt with b, 6 enable b, 7 admin sets a's
     * rotation period.
     */
    @BeforeEach
    void sevenEntries() {
      hsm.createKey("a", KeySpec.aes256Gcm());
      hsm.createKey("b", KeySpec.aes256Gcm());
      hsm.key("a").rotate();
      hsm.key("b").disable();
      secrets.thrown(KeyDisabledException.class, () -> hsm.key("b").encrypt(DATA, CONTEXT));
      hsm.key("b").enable();
      hsm.admin().setRotationPeriod("a", Duration.ofDays(90));
      assertThat(hsm.auditLog().verify()).isEqualTo(7);
      hsm.close();
    }

    private void edit(String sql, Object... args) {
      assertThat(StoreFiles.update(db, sql, args)).as("rows changed by " + sql).isEqualTo(1);
    }

    /** Reopens the tampered store and asserts verify() names entry {@code firstBad}. */
    private void assertVerifyFailsAt(long firstBad) {
      hsm = HsmClient.open(config);
      AuditLogIntegrityException failure =
          secrets.thrown(AuditLogIntegrityException.class, () -> hsm.auditLog().verify());
      assertThat(failure.getMessage()).containsPattern("\\bentry " + firstBad + "\\b");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "detail, forged detail",
      "action, key.destroy",
      "key_name, b",
      "outcome, refused",
      "actor, admin",
      "version, 5",
      "at, 0",
    })
    void editingAnyFieldOfAnEntry_failsVerify_atThatEntry(String column, String forged) {
      edit("UPDATE audit_log SET " + column + " = ? WHERE seq = 3", forged);

      assertVerifyFailsAt(3);
    }

    @Test
    void editingAnEntryTogetherWithItsHash_stillFailsVerify_byItsMac() {
      // The attacker recomputes nothing they cannot: without the audit key the MAC stays old.
      edit("UPDATE audit_log SET detail = 'forged', hash = randomblob(32) WHERE seq = 3");

      assertVerifyFailsAt(3);
    }

    @Test
    void deletingAMiddleEntry_failsVerify_namingTheMissingEntry() {
      edit("DELETE FROM audit_log WHERE seq = 4");

      assertVerifyFailsAt(4);
    }

    @Test
    void deletingTheFirstEntry_failsVerify_namingEntryOne() {
      edit("DELETE FROM audit_log WHERE seq = 1");

      assertVerifyFailsAt(1);
    }

    @Test
    void swappingTwoEntries_failsVerify_atTheFirstOfThem() {
      edit("UPDATE audit_log SET seq = -5 WHERE seq = 5");
      edit("UPDATE audit_log SET seq = 5 WHERE seq = 3");
      edit("UPDATE audit_log SET seq = 3 WHERE seq = -5");

      assertVerifyFailsAt(3);
    }

    @Test
    void insertingAForgedEntryAtTheEnd_failsVerify_atTheForgedEntry() {
      edit(
          "INSERT INTO audit_log (seq, at, actor, action, key_name, version, outcome, detail,"
              + " hash, mac) VALUES (8, ?, 'admin', 'key.export', 'a', 1, 'ok', '',"
              + " randomblob(32), randomblob(32))",
          START.toEpochMilli());

      assertVerifyFailsAt(8);
    }

    @Test
    void replacingAMiddleEntryWithAForgedOne_failsVerify_atTheForgedEntry() {
      edit("DELETE FROM audit_log WHERE seq = 4");
      edit(
          "INSERT INTO audit_log (seq, at, actor, action, key_name, version, outcome, detail,"
              + " hash, mac) VALUES (4, ?, 'app', 'key.rotate', 'b', 2, 'ok', 'rotated on request',"
              + " randomblob(32), randomblob(32))",
          START.toEpochMilli());

      assertVerifyFailsAt(4);
    }

    @Test
    void copyingAnEntryOverAnother_failsVerify() {
      // Entry 6 (enable b) replaced by a copy of entry 4 (disable b), hash and MAC included.
      edit("DELETE FROM audit_log WHERE seq = 6");
      edit(
          "INSERT INTO audit_log SELECT 6, at, actor, action, key_name, version, outcome, detail,"
              + " hash, mac FROM audit_log WHERE seq = 4");

      assertVerifyFailsAt(6);
    }

    /**
     * A KNOWN LIMITATION, documented in {@link AuditLog}: the chain cannot tell that entries were
     * cut from its end, because nothing outside the file records how long it was. This test pins
     * that behaviour down; when an anchor (last sequence number and hash kept elsewhere) is added,
     * flip it to expect an {@link AuditLogIntegrityException} naming entry 7.
     */
    @Test
    void truncatingTheTail_isNotDetected_aDocumentedLimitation() {
      edit("DELETE FROM audit_log WHERE seq = 7");

      hsm = HsmClient.open(config);
      assertThat(hsm.auditLog().verify()).isEqualTo(6);
    }

    @Test
    void anUntouchedLog_verifiesAfterReopen() {
      hsm = HsmClient.open(config);

      assertThat(hsm.auditLog().verify()).isEqualTo(7);
    }
  }

  // ================================================================================ usage counters

  @Nested
  class Usage {

    /** Signs 5 times and verifies 3 times with {@code sig}, encrypts twice with {@code aes}. */
    private void useKeys(HsmClient client) {
      KeyHandle sig = client.key("sig");
      KeyHandle aes = client.key("aes");
      byte[] signature = null;
      for (int i = 0; i < 5; i++) {
        signature = sig.sign(DATA);
      }
      for (int i = 0; i < 3; i++) {
        sig.verify(DATA, signature);
      }
      aes.encrypt(DATA, CONTEXT);
      aes.encrypt(DATA, CONTEXT);
    }

    @Test
    void usage_countsEachOperationPerKey() {
      hsm.createKey("sig", KeySpec.ecdsaP256());
      hsm.createKey("aes", KeySpec.aes256Gcm());
      hsm.createKey("idle", KeySpec.aes256Gcm());

      useKeys(hsm);

      assertThat(hsm.auditLog().usage())
          .containsOnly(
              Map.entry("sig", Map.of(Operation.SIGN, 5L, Operation.VERIFY, 3L)),
              Map.entry("aes", Map.of(Operation.ENCRYPT, 2L)));
      assertThat(hsm.auditLog().usage())
          .as("asked twice, counted once")
          .containsOnly(
              Map.entry("sig", Map.of(Operation.SIGN, 5L, Operation.VERIFY, 3L)),
              Map.entry("aes", Map.of(Operation.ENCRYPT, 2L)));
    }

    @Test
    void usage_isSavedOnClose_andAddsUpAcrossReopens() {
      hsm.createKey("sig", KeySpec.ecdsaP256());
      hsm.createKey("aes", KeySpec.aes256Gcm());
      useKeys(hsm);

      reopen(); // usage() was not called: only close() saved the counts

      assertThat(hsm.auditLog().usage())
          .containsOnly(
              Map.entry("sig", Map.of(Operation.SIGN, 5L, Operation.VERIFY, 3L)),
              Map.entry("aes", Map.of(Operation.ENCRYPT, 2L)));
      useKeys(hsm);
      reopen();
      assertThat(hsm.auditLog().usage())
          .containsOnly(
              Map.entry("sig", Map.of(Operation.SIGN, 10L, Operation.VERIFY, 6L)),
              Map.entry("aes", Map.of(Operation.ENCRYPT, 4L)));
    }

    @Test
    void operations_doNotWriteToTheDatabase_perCall() throws SQLException {
      hsm.close();
      hsm = HsmClient.open(config.refreshInterval(Duration.ofHours(1))); // no background save
      hsm.createKey("sig", KeySpec.ecdsaP256());
      hsm.createKey("aes", KeySpec.aes256Gcm());
      useKeys(hsm); // loads the keys into the cache

      try (Connection watcher = StoreFiles.connect(db)) {
        long dataVersion = dataVersion(watcher);
        long auditRows = count("SELECT COUNT(*) FROM audit_log");
        assertThat(count("SELECT COUNT(*) FROM key_usage")).isZero();

        useKeys(hsm);
        useKeys(hsm);

        assertThat(dataVersion(watcher)).as("no commit by the client").isEqualTo(dataVersion);
        assertThat(count("SELECT COUNT(*) FROM key_usage")).isZero();
        assertThat(count("SELECT COUNT(*) FROM audit_log")).isEqualTo(auditRows);

        assertThat(hsm.auditLog().usage())
            .containsOnly(
                Map.entry("sig", Map.of(Operation.SIGN, 15L, Operation.VERIFY, 9L)),
                Map.entry("aes", Map.of(Operation.ENCRYPT, 6L)));
        assertThat(count("SELECT SUM(count) FROM key_usage WHERE operation NOT LIKE '%@%'"))
            .isEqualTo(15 + 9 + 6);
        assertThat(count("SELECT count FROM key_usage WHERE operation = 'ENCRYPT@v1'"))
            .as("encryptions per version, for the nonce limit")
            .isEqualTo(6);
        assertThat(count("SELECT COUNT(*) FROM audit_log")).isEqualTo(auditRows);
      }
    }

    private long dataVersion(Connection connection) throws SQLException {
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("PRAGMA data_version")) {
        return rows.getLong(1);
      }
    }
  }

  // ================================================================================== secrets

  @Test
  void theAuditLog_holdsNoKeyBytesPlaintextOrPassphrase() throws SQLException {
    byte[] aesKey = new byte[32];
    for (int i = 0; i < aesKey.length; i++) {
      aesKey[i] = (byte) (0x5a + 31 * i);
    }
    secrets.bytes(aesKey);
    KeyHandle key = hsm.importKey("known", KeySpec.aes256Gcm(), KeyMaterial.secretKey(aesKey));
    byte[] ciphertext = key.encrypt(DATA, CONTEXT);
    assertThat(key.decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
    secrets.thrown(
        InvalidCiphertextException.class, () -> key.decrypt(ciphertext, "other".getBytes(UTF_8)));
    key.rotate();
    key.disable();
    secrets.thrown(KeyDisabledException.class, () -> key.encrypt(DATA, CONTEXT));
    key.enable();
    hsm.admin().setAdminPassphrase(ADMIN_PASSPHRASE.toCharArray(), TestStores.FAST_ARGON2);
    secrets.thrown(
        AdminAuthenticationException.class, () -> hsm.admin(WRONG_ADMIN_PASSPHRASE.toCharArray()));
    hsm.admin(ADMIN_PASSPHRASE.toCharArray()).scheduleDestruction("known", 1, Duration.ofDays(1));
    hsm.close();

    List<Object> values = new ArrayList<>();
    try (Connection c = StoreFiles.connect(db);
        Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM audit_log ORDER BY seq")) {
      ResultSetMetaData meta = rows.getMetaData();
      while (rows.next()) {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          values.add(rows.getObject(i));
        }
      }
    }
    assertThat(values).isNotEmpty();
    for (Object value : values) {
      if (value instanceof byte[] blob) {
        assertThat(indexOf(blob, aesKey)).as("key bytes in a BLOB").isEqualTo(-1);
        assertThat(indexOf(blob, DATA)).as("plaintext in a BLOB").isEqualTo(-1);
      } else if (value != null) {
        secrets.assertAbsentFrom("audit_log value", value.toString());
      }
    }
    hsm = HsmClient.open(config);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
