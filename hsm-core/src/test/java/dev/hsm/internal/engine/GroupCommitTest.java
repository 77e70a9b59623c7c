package dev.hsm.internal.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.AuditEntry;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeySpec;
import dev.hsm.StoreException;
import dev.hsm.TestStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit of new keys ({@link GroupCommit}): concurrent key creations share transactions, each
 * caller gets its own outcome, and the store and its audit log stay whole. The batch tests line
 * callers up deterministically: the test holds the write lock (as a committing leader would),
 * starts the callers, waits until they all queue behind it, then lets go, so the next leader finds
 * every one of them queued.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupCommitTest {
  private static final byte[] DATA = "group commit".getBytes(UTF_8);

  @TempDir Path dir;

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void manyThreadsCreatingKeys_allKeysAreStoredUsableAfterReopenAndAudited() throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, "many.db");
    int threads = 6;
    int perThread = 25;
    Map<String, String> publicKeys = new ConcurrentHashMap<>();
    try (Engine hsm = StoreOpening.open(config)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    String name = "t" + thread + "-" + i;
                    KeyHandle key = hsm.createKey(name, KeySpec.ecdsaP256());
                    publicKeys.put(name, key.publicKeyPem());
                    key.verify(DATA, key.sign(DATA));
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
      assertThat(hsm.writes().keyTransactions()).isBetween(1L, (long) threads * perThread);
    }

    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(hsm.listKeys())
          .extracting(KeyInfo::name)
          .containsExactlyInAnyOrderElementsOf(publicKeys.keySet());
      publicKeys.forEach(
          (name, pem) -> {
            KeyHandle key = hsm.key(name);
            assertThat(key.publicKeyPem()).isEqualTo(pem);
            key.verify(DATA, key.sign(DATA));
          });
      assertThat(hsm.auditLog().verify()).isEqualTo(threads * perThread);
      List<AuditEntry> entries = hsm.auditLog().entries(1, 10_000);
      assertThat(entries).extracting(AuditEntry::action).containsOnly("key.create");
      assertThat(entries)
          .extracting(AuditEntry::keyName)
          .containsExactlyInAnyOrderElementsOf(publicKeys.keySet());
    }
  }

  @Test
  void keysQueuedDuringACommit_areWrittenInOneTransaction_andATakenNameFailsOnlyItsCaller()
      throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, "batch.db");
    try (Engine hsm = StoreOpening.open(config)) {
      hsm.createKey("taken", KeySpec.aes256Gcm());
      long transactionsBefore = hsm.writes().keyTransactions();
      // "dup" twice in one batch; "taken" is in the store already.
      List<String> names = List.of("a", "dup", "b", "taken", "dup", "c");

      List<Future<KeyHandle>> results = createWhileLocked(hsm, names);

      List<String> stored = new ArrayList<>();
      List<String> refused = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        try {
          KeyHandle key = results.get(i).get();
          key.verify(DATA, key.sign(DATA));
          stored.add(names.get(i));
        } catch (ExecutionException e) {
          assertThat(e.getCause())
              .isInstanceOf(KeyAlreadyExistsException.class)
              .hasMessage("key '" + names.get(i) + "' already exists");
          refused.add(names.get(i));
        }
      }
      assertThat(stored).containsExactlyInAnyOrder("a", "b", "c", "dup");
      assertThat(refused).containsExactlyInAnyOrder("taken", "dup");
      // One commit for all four new keys (the attempt refused for "taken" wrote nothing).
      assertThat(hsm.writes().keyTransactions() - transactionsBefore).isEqualTo(1);
      assertThat(hsm.key("taken").info().algorithm()).isEqualTo(KeySpec.aes256Gcm().algorithm());
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(hsm.listKeys())
          .extracting(KeyInfo::name)
          .containsExactlyInAnyOrder("a", "b", "c", "dup", "taken");
      assertThat(hsm.auditLog().verify()).isEqualTo(5);
      assertThat(hsm.auditLog().entries(1, 100))
          .extracting(AuditEntry::keyName)
          .containsExactlyInAnyOrder("taken", "a", "b", "c", "dup");
    }
  }

  @Test
  void aTransactionThatFails_failsEveryCallerInItsBatch_andNobodyWaitsForever() throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, "fail.db");
    Path file = config.sqliteFile().orElseThrow();
    try (Engine hsm = StoreOpening.open(config)) {
      hsm.createKey("before", KeySpec.hmacSha256());
      // Another connection makes every key insert fail, as a full disk or I/O error would.
      execute(
          file,
          "CREATE TRIGGER no_keys BEFORE INSERT ON hsm_key BEGIN SELECT RAISE(ABORT, 'no'); END");
      List<String> names = List.of("x1", "x2", "x3");

      List<Future<KeyHandle>> results = createWhileLocked(hsm, names);

      for (Future<KeyHandle> result : results) {
        assertThatThrownBy(result::get)
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(StoreException.class)
            .hasMessageContaining("cannot store 3 keys");
      }
      execute(file, "DROP TRIGGER no_keys");
      hsm.createKey("after", KeySpec.hmacSha256()); // the write path is usable again
      assertThat(hsm.listKeys()).extracting(KeyInfo::name).containsExactly("after", "before");
      assertThat(hsm.auditLog().verify()).isEqualTo(2);
    }
  }

  @Test
  void aKeyWrappedBeforeTheMasterKeyWasRotated_isRefusedNotStoredUnderTheOldKey() throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, "rotate.db");
    try (Engine hsm = StoreOpening.open(config)) {
      List<Future<KeyHandle>> results = new ArrayList<>();
      hsm.writes()
          .withWriteLock(
              () -> {
                results.addAll(startCreating(hsm, List.of("late")));
                awaitWriters(hsm, 1);
                // Same thread, so the lock is re-entered: the rotation runs before "late" is
                // stored.
                hsm.admin().rotateMasterKey(config.unlockSecret().orElseThrow());
                return null;
              });
      assertThatThrownBy(() -> results.get(0).get())
          .cause()
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("master key was rotated");
      KeyHandle again = hsm.createKey("late", KeySpec.ecdsaP256());
      again.verify(DATA, again.sign(DATA));
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.key("late").sign(DATA);
      hsm.auditLog().verify();
    }
  }

  @Test
  void callersInterruptedWhileTheirKeysWait_getThemStored_andKeepTheirInterrupt() throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, "interrupt.db");
    try (Engine hsm = StoreOpening.open(config)) {
      List<String> names = List.of("i1", "i2", "i3");
      Map<String, Boolean> interruptedAfter = new ConcurrentHashMap<>();
      List<Thread> callers = new ArrayList<>();
      hsm.writes()
          .withWriteLock(
              () -> {
                for (String name : names) {
                  Thread caller =
                      new Thread(
                          () -> {
                            hsm.createKey(name, KeySpec.hmacSha256());
                            interruptedAfter.put(name, Thread.currentThread().isInterrupted());
                          });
                  caller.start();
                  callers.add(caller);
                }
                awaitWriters(hsm, names.size());
                // One leads (waiting for this lock), the others wait for its batch: interrupt all.
                callers.forEach(Thread::interrupt);
                return null;
              });
      for (Thread caller : callers) {
        caller.join();
      }
      assertThat(interruptedAfter).containsOnlyKeys(names).doesNotContainValue(false);
      assertThat(hsm.listKeys())
          .extracting(KeyInfo::name)
          .containsExactlyInAnyOrderElementsOf(names);
    }
  }

  /**
   * Starts {@code createKey} for each name on its own thread while this thread holds the write
   * lock, and lets go once all of them wait behind it.
   */
  private List<Future<KeyHandle>> createWhileLocked(Engine hsm, List<String> names) {
    List<Future<KeyHandle>> results = new ArrayList<>();
    hsm.writes()
        .withWriteLock(
            () -> {
              results.addAll(startCreating(hsm, names));
              awaitWriters(hsm, names.size());
              return null;
            });
    return results;
  }

  private List<Future<KeyHandle>> startCreating(Engine hsm, List<String> names) {
    return names.stream()
        .map(name -> pool.submit(() -> hsm.createKey(name, KeySpec.ecdsaP256())))
        .collect(Collectors.toList());
  }

  /** Waits (bounded by the test's timeout) until {@code count} new keys queue behind the lock. */
  private static void awaitWriters(Engine hsm, int count) {
    while (hsm.writes().keysWaiting() < count) {
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  private static void execute(Path db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        Statement statement = c.createStatement()) {
      statement.execute(sql);
    }
  }
}
