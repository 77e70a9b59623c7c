package dev.hsm.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hsm.AuditEntry;
import dev.hsm.AuditLogIntegrityException;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.StoreException;
import dev.hsm.TestStores;
import dev.hsm.spi.KeyRecordStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One audit chain for every instance of a PostgreSQL store: entries written concurrently by three
 * instances form one gapless chain that {@code verify()} on any of them checks whole; each entry
 * commits in the same transaction as its act (a failing insert of either leaves neither); and an
 * entry edited, deleted or reordered with plain SQL fails {@code verify()} on every instance with
 * {@link AuditLogIntegrityException}.
 */
@Timeout(120)
class SharedAuditChainTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CONTEXT = "order 7".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private String schema;
  private KeyRecordStore.Factory store;
  private final List<HsmClient> clients = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void newStore() {
    schema = TestDatabase.newSchema();
    store = PostgresKeyRecordStore.factory(TestDatabase.jdbcUrl(), TestDatabase.USER, null, schema);
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    clients.forEach(HsmClient::close);
  }

  private HsmClient open() {
    HsmClient client =
        HsmClient.open(
            HsmConfig.store(store)
                .keyFile(TestStores.keyFile(dir, "hsm.key"))
                .refreshInterval(Duration.ofMillis(100)));
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

  /**
   * What one worker does: creates keys, rotates, disables and enables them, has one use refused,
   * raises a minimum version; returns how many audit entries it caused, by action.
   */
  private static Map<String, Integer> work(HsmClient hsm, String worker, int iterations) {
    Map<String, Integer> acts = new TreeMap<>();
    for (int n = 0; n < iterations; n++) {
      KeyHandle key = hsm.createKey(worker + "-" + n, KeySpec.aes256Gcm());
      acts.merge("key.create", 1, Integer::sum);
      key.rotate();
      acts.merge("key.rotate", 1, Integer::sum);
      key.disable();
      acts.merge("key.disable", 1, Integer::sum);
      try {
        key.encrypt(DATA, CONTEXT);
        throw new AssertionError("a disabled key encrypted");
      } catch (KeyDisabledException refused) {
        acts.merge("key.encrypt", 1, Integer::sum); // a refusal is written at once
      }
      key.enable();
      acts.merge("key.enable", 1, Integer::sum);
      hsm.admin().setMinDecryptionVersion(worker + "-" + n, 2);
      acts.merge("key.set-min-decryption-version", 1, Integer::sum);
    }
    return acts;
  }

  @Test
  void entriesWrittenConcurrentlyByThreeInstances_formOneChain_thatEachOfThemVerifies()
      throws Exception {
    List<HsmClient> instances = List.of(open(), open(), open());
    int iterations = 5;
    List<Callable<Map<String, Integer>>> workers = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      for (int thread = 0; thread < 2; thread++) {
        HsmClient hsm = instances.get(i);
        String worker = "i" + i + "t" + thread;
        workers.add(() -> work(hsm, worker, iterations));
      }
    }
    CyclicBarrier start = new CyclicBarrier(workers.size());
    List<Future<Map<String, Integer>>> results = new ArrayList<>();
    for (Callable<Map<String, Integer>> worker : workers) {
      results.add(
          threads.submit(
              () -> {
                start.await(10, TimeUnit.SECONDS);
                return worker.call();
              }));
    }
    Map<String, Integer> expected = new TreeMap<>();
    for (Future<Map<String, Integer>> result : results) {
      result.get(90, TimeUnit.SECONDS).forEach((k, v) -> expected.merge(k, v, Integer::sum));
    }
    long acts = expected.values().stream().mapToLong(Integer::longValue).sum();

    for (HsmClient instance : instances) {
      assertThat(instance.auditLog().verify()).as("entries verified").isEqualTo(acts);
    }
    List<AuditEntry> log = instances.get(0).auditLog().entries(1, Integer.MAX_VALUE);
    assertThat(log.stream().mapToLong(AuditEntry::sequence))
        .as("sequence numbers, without gaps")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, acts).boxed().toList());
    Map<String, Integer> logged = new TreeMap<>();
    log.forEach(e -> logged.merge(e.action(), 1, Integer::sum));
    assertThat(logged).isEqualTo(expected);
    // A new instance, and one opened after the others closed, verify the same chain.
    assertThat(open().auditLog().verify()).isEqualTo(acts);
  }

  @Test
  void anActIsRolledBack_whenItsAuditEntryCannotBeWritten_andAnEntryWhenItsActCannot() {
    HsmClient a = open();
    HsmClient b = open();
    a.createKey("k", KeySpec.aes256Gcm());
    long entries = a.auditLog().verify();

    sql(
        "CREATE FUNCTION {s}.refuse() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$BEGIN RAISE EXCEPTION 'refused by a test trigger'; END$$",
        "CREATE TRIGGER refuse_rotations BEFORE INSERT ON {s}.audit_log FOR EACH ROW"
            + " WHEN (NEW.action = 'key.rotate') EXECUTE FUNCTION {s}.refuse()");
    assertThat(catchThrowable(() -> a.key("k").rotate()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("refused by a test trigger");
    sql("DROP TRIGGER refuse_rotations ON {s}.audit_log");
    assertThat(b.key("k").info().versions()).as("the rotation's rows").hasSize(1);
    assertThat(a.auditLog().verify()).isEqualTo(entries);

    sql(
        "CREATE TRIGGER refuse_key_updates BEFORE UPDATE ON {s}.hsm_key FOR EACH ROW"
            + " EXECUTE FUNCTION {s}.refuse()");
    assertThat(catchThrowable(() -> b.key("k").disable()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("refused by a test trigger");
    sql("DROP TRIGGER refuse_key_updates ON {s}.hsm_key");
    assertThat(b.auditLog().verify()).as("no entry for the disable").isEqualTo(entries);
    assertThat(a.key("k").info().enabled()).isTrue();

    assertThat(a.key("k").rotate()).isEqualTo(2);
    b.key("k").disable();
    assertThat(b.auditLog().verify()).isEqualTo(entries + 2);
  }

  /** A store with some history, made by two instances; returns how many entries it has. */
  private long history() {
    HsmClient a = open();
    HsmClient b = open();
    a.createKey("k", KeySpec.aes256Gcm());
    b.key("k").rotate();
    b.createKey("m", KeySpec.hmacSha256());
    a.key("m").disable();
    a.key("m").enable();
    b.key("k").rotate();
    return a.auditLog().verify();
  }

  /** Every instance, and a new one, report the broken chain at entry {@code firstBad}. */
  private void assertEveryInstanceRefusesTheChain(long firstBad) {
    List<HsmClient> instances = new ArrayList<>(clients);
    instances.add(open());
    for (HsmClient instance : instances) {
      assertThat(catchThrowable(() -> instance.auditLog().verify()))
          .isInstanceOf(AuditLogIntegrityException.class)
          .hasMessageContaining("audit entry " + firstBad + " ");
    }
  }

  @Test
  void anEntryEditedInPostgresql_failsVerifyOnEveryInstance() {
    assertThat(history()).isEqualTo(6);
    sql("UPDATE {s}.audit_log SET detail = 'nothing to see' WHERE seq = 4");
    assertEveryInstanceRefusesTheChain(4);
  }

  @Test
  void anEntryWhoseActorIsChanged_failsVerifyOnEveryInstance() {
    history();
    sql("UPDATE {s}.audit_log SET actor = 'admin' WHERE seq = 2");
    assertEveryInstanceRefusesTheChain(2);
  }

  @Test
  void anEntryDeletedInPostgresql_failsVerifyOnEveryInstance() {
    history();
    sql("DELETE FROM {s}.audit_log WHERE seq = 3");
    assertEveryInstanceRefusesTheChain(3);
  }

  @Test
  void twoEntriesSwappedInPostgresql_failVerifyOnEveryInstance() {
    history();
    sql(
        "UPDATE {s}.audit_log SET seq = -1 WHERE seq = 4",
        "UPDATE {s}.audit_log SET seq = 4 WHERE seq = 5",
        "UPDATE {s}.audit_log SET seq = 5 WHERE seq = -1");
    assertEveryInstanceRefusesTheChain(4);
  }

  @Test
  void entriesRenumberedToCloseAGap_failVerifyOnEveryInstance() {
    history();
    sql(
        "DELETE FROM {s}.audit_log WHERE seq = 2",
        "UPDATE {s}.audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE {s}.audit_log SET seq = 3 WHERE seq = 4",
        "UPDATE {s}.audit_log SET seq = 4 WHERE seq = 5",
        "UPDATE {s}.audit_log SET seq = 5 WHERE seq = 6");
    assertEveryInstanceRefusesTheChain(2);
  }
}
