package dev.hsm.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeySpec;
import dev.hsm.KeyVersionDestroyedException;
import dev.hsm.Operation;
import dev.hsm.TestStores;
import dev.hsm.spi.KeyRecordStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attacks on a PostgreSQL store's rows with plain SQL, by someone who can write the database but
 * holds no key: rolling a key's rows back to an older revision (undoing a rotation, a disable, a
 * raised minimum version or a destruction), swapping wrapped material between keys, flipping
 * attributes, deleting a key's rows or the log's last entry. Every instance, running or new, fails
 * closed on that key with {@link KeyIntegrityException} (the rows are anchored to the audit chain,
 * which lives in the same database), while the other keys and the log keep working.
 */
@Timeout(120)
class TamperingTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CONTEXT = "order 7".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private String schema;
  private KeyRecordStore.Factory store;
  private TestClock clock;
  private final List<HsmClient> clients = new ArrayList<>();
  private HsmClient a;
  private HsmClient b;

  /** Two running instances; key {@code k} (AES, versions 1 and 2) and {@code other} (HMAC). */
  @BeforeEach
  void twoInstances() {
    schema = TestDatabase.newSchema();
    store = PostgresKeyRecordStore.factory(TestDatabase.jdbcUrl(), TestDatabase.USER, null, schema);
    clock = TestClock.now();
    a = open();
    b = open();
    a.createKey("k", KeySpec.aes256Gcm());
    a.key("k").rotate();
    a.createKey("other", KeySpec.hmacSha256());
    b.key("k").encrypt(DATA, CONTEXT);
    b.key("other").mac(DATA);
  }

  @AfterEach
  void close() {
    clients.forEach(HsmClient::close);
  }

  private HsmClient open() {
    HsmClient client =
        HsmClient.open(
            HsmConfig.store(store)
                .keyFile(TestStores.keyFile(dir, "hsm.key"))
                .refreshInterval(Duration.ofMillis(100))
                .clock(clock));
    clients.add(client);
    return client;
  }

  /** Runs {@code sql} with {@code {s}} standing for the store's schema, as the superuser. */
  private void sql(String... statements) {
    String[] inSchema = new String[statements.length];
    for (int i = 0; i < statements.length; i++) {
      inSchema[i] = statements[i].replace("{s}", schema);
    }
    TestDatabase.execute(inSchema);
  }

  /** Keeps a copy of key {@code name}'s rows as they are now, as a backup of the database would. */
  private void copyRowsOf(String name) {
    sql(
        "CREATE TABLE {s}.old_key AS SELECT * FROM {s}.hsm_key WHERE name = '" + name + "'",
        "CREATE TABLE {s}.old_version AS SELECT * FROM {s}.key_version"
            + " WHERE key_name = '"
            + name
            + "'");
  }

  /** Replaces key {@code name}'s rows with the copy {@link #copyRowsOf} kept. */
  private void putBackRowsOf(String name) {
    sql(
        "DELETE FROM {s}.key_version WHERE key_name = '" + name + "'",
        "DELETE FROM {s}.hsm_key WHERE name = '" + name + "'",
        "INSERT INTO {s}.hsm_key SELECT * FROM {s}.old_key",
        "INSERT INTO {s}.key_version SELECT * FROM {s}.old_version");
  }

  /**
   * Both running instances (once a change made them drop the key) and a new one fail closed on
   * {@code k}, naming it; {@code other} and the log keep working.
   */
  private void assertEveryInstanceFailsClosedOnK(
      Consumer<HsmClient> use, String... messageFragments) {
    for (HsmClient instance : List.of(a, b, open())) {
      assertFailsClosed(() -> use.accept(instance), messageFragments);
      assertFailsClosed(() -> instance.key("k").rotate(), "'k'");
      instance.key("other").verifyMac(DATA, instance.key("other").mac(DATA));
      assertThat(instance.auditLog().verify()).as("the log itself is intact").isPositive();
    }
  }

  private static void assertFailsClosed(ThrowingCallable call, String... messageFragments) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(KeyIntegrityException.class);
    for (String fragment : messageFragments) {
      assertThat(thrown).hasMessageContaining(fragment);
    }
  }

  /** Waits until both instances dropped {@code k} after a change (they are told at once). */
  private static void settle() throws InterruptedException {
    Thread.sleep(500);
  }

  static Stream<Arguments> laterChanges() {
    Consumer<HsmClient> rotate = hsm -> hsm.key("k").rotate();
    Consumer<HsmClient> disable = hsm -> hsm.key("k").disable();
    Consumer<HsmClient> disableVersion = hsm -> hsm.key("k").disableVersion(1);
    Consumer<HsmClient> raiseMinimum = hsm -> hsm.admin().setMinDecryptionVersion("k", 2);
    return Stream.of(
        Arguments.of("a rotation", rotate),
        Arguments.of("a disable", disable),
        Arguments.of("a disabled version", disableVersion),
        Arguments.of("a raised minimum decryption version", raiseMinimum));
  }

  @ParameterizedTest(name = "undoing {0}")
  @MethodSource("laterChanges")
  void keyRowsRolledBackToAnOlderRevision_failClosedInEveryInstance(
      String change, Consumer<HsmClient> laterChange) throws Exception {
    copyRowsOf("k");
    laterChange.accept(b);
    settle();

    putBackRowsOf("k");

    assertEveryInstanceFailsClosedOnK(
        hsm -> hsm.key("k").encrypt(DATA, CONTEXT), "'k'", "older copy of the store");
  }

  @Test
  void olderRowsWhoseAuditSequenceIsRaisedToTheLogsLastChange_failTheirMac() throws Exception {
    copyRowsOf("k");
    b.key("k").disable();
    settle();
    putBackRowsOf("k");
    sql(
        "UPDATE {s}.hsm_key SET audit_seq = (SELECT max(seq) FROM {s}.audit_log"
            + " WHERE key_name = 'k') WHERE name = 'k'");

    assertEveryInstanceFailsClosedOnK(hsm -> hsm.key("k").encrypt(DATA, CONTEXT), "'k'");
  }

  @Test
  void aDestroyedVersionPutBack_staysDestroyed_andTheKeyFailsClosed() throws Exception {
    byte[] byVersion1 = a.key("k").encrypt(DATA, CONTEXT); // version 2
    a.key("k").rotate();
    a.admin().scheduleDestruction("k", 2, Duration.ofDays(1));
    copyRowsOf("k"); // version 2's material is still in these rows
    clock.advance(Duration.ofDays(2));
    assertThat(b.applyDueChanges()).isEqualTo(1);
    settle(); // b's commit told a, which dropped k
    // Checked by a third instance: a and b must not load k again before the rows are put back (a
    // cached copy is the true state, which refuses version 2 for its destruction, not as altered).
    HsmClient third = open();
    assertThat(catchThrowable(() -> third.key("k").decrypt(byVersion1, CONTEXT)))
        .isInstanceOf(KeyVersionDestroyedException.class);

    putBackRowsOf("k");

    assertEveryInstanceFailsClosedOnK(hsm -> hsm.key("k").decrypt(byVersion1, CONTEXT), "'k'");
  }

  @Test
  void wrappedMaterialSwappedBetweenKeys_failsTheReceivingKey_inEveryNewInstance() {
    a.createKey("k2", KeySpec.aes256Gcm());
    byte[] byK2 = a.key("k2").encrypt(DATA, CONTEXT);
    sql(
        "UPDATE {s}.key_version v SET wrapped_material = o.wrapped_material"
            + " FROM {s}.key_version o"
            + " WHERE v.key_name = 'k' AND v.version = 1 AND o.key_name = 'k2' AND o.version = 1");
    sql(
        "UPDATE {s}.key_version v SET wrapped_material = o.wrapped_material, row_mac = o.row_mac"
            + " FROM {s}.key_version o"
            + " WHERE v.key_name = 'k' AND v.version = 2 AND o.key_name = 'k2' AND o.version = 1");

    HsmClient fresh = open();
    assertFailsClosed(() -> fresh.key("k").encrypt(DATA, CONTEXT), "'k'", "version");
    assertFailsClosed(() -> fresh.key("k").decrypt(byK2, CONTEXT), "'k'");
    assertThat(fresh.key("k2").decrypt(byK2, CONTEXT)).isEqualTo(DATA);
    fresh.key("other").verifyMac(DATA, fresh.key("other").mac(DATA));
  }

  @Test
  void flippedAttributes_failThatKey_inEveryNewInstance() {
    a.createKey("encrypt-only", KeySpec.aes256Gcm().withOperations(Operation.ENCRYPT));
    sql(
        "UPDATE {s}.hsm_key SET extractable = true WHERE name = 'k'",
        "UPDATE {s}.hsm_key SET operations = 'ENCRYPT,DECRYPT' WHERE name = 'encrypt-only'");

    HsmClient fresh = open();
    assertFailsClosed(() -> fresh.key("k").encrypt(DATA, CONTEXT), "'k'");
    assertFailsClosed(() -> fresh.key("encrypt-only").encrypt(DATA, CONTEXT), "'encrypt-only'");
    fresh.key("other").verifyMac(DATA, fresh.key("other").mac(DATA));
  }

  @Test
  void deletedKeyRows_failClosed_andNoInstanceMakesANewKeyUnderTheName() throws Exception {
    sql(
        "DELETE FROM {s}.key_version WHERE key_name = 'k'",
        "DELETE FROM {s}.hsm_key WHERE name = 'k'");
    b.key("other").disable(); // any change makes the instances look; k itself they keep cached
    b.key("other").enable();

    for (HsmClient instance : List.of(a, b, open())) {
      assertFailsClosed(() -> instance.ensureKey("k", KeySpec.aes256Gcm()), "'k' was created");
      assertFailsClosed(() -> instance.createKey("k", KeySpec.aes256Gcm()), "no rows for it");
    }
    assertFailsClosed(() -> open().key("k").encrypt(DATA, CONTEXT), "'k' was created");
  }

  @Test
  void theLogsLastEntryDeleted_failsTheKeyItChanged() throws Exception {
    b.key("k").rotate();
    settle();
    sql("DELETE FROM {s}.audit_log WHERE seq = (SELECT max(seq) FROM {s}.audit_log)");

    for (HsmClient instance : List.of(a, open())) {
      assertFailsClosed(() -> instance.key("k").encrypt(DATA, CONTEXT), "'k'", "log was cut");
    }
  }
}
