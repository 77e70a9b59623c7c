package dev.hsm.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.AuditEntry;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.KeyVersionInfo;
import dev.hsm.TestStores;
import dev.hsm.spi.KeyRecordStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several instances on one PostgreSQL store do shared work once: a due rotation or destruction is
 * made by exactly one of them however many apply it at once (explicitly, on use, or in their
 * background maintenance); of concurrent creations of one name exactly one succeeds and every other
 * caller, in any instance, gets {@link KeyAlreadyExistsException}; and concurrent creations in one
 * instance still share transactions (group commit).
 */
@Timeout(120)
class WorkDoneOnceTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CONTEXT = "order 7".getBytes(StandardCharsets.UTF_8);
  private static final Duration A_DAY = Duration.ofDays(1);

  @TempDir Path dir;
  private final List<HsmClient> clients = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void close() {
    threads.shutdownNow();
    clients.forEach(HsmClient::close);
  }

  private HsmClient open(KeyRecordStore.Factory store, Duration refresh, Clock clock) {
    HsmClient client =
        HsmClient.open(
            HsmConfig.store(store)
                .keyFile(TestStores.keyFile(dir, "hsm.key"))
                .refreshInterval(refresh)
                .clock(clock));
    clients.add(client);
    return client;
  }

  private List<HsmClient> instances(
      int count, KeyRecordStore.Factory store, Duration refresh, Clock clock) {
    List<HsmClient> opened = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      opened.add(open(store, refresh, clock));
    }
    return opened;
  }

  /** Runs every task at once (released together by a barrier) and returns their results. */
  private <T> List<Future<T>> allAtOnce(List<Callable<T>> tasks) {
    CyclicBarrier start = new CyclicBarrier(tasks.size());
    List<Future<T>> results = new ArrayList<>();
    for (Callable<T> task : tasks) {
      results.add(
          threads.submit(
              () -> {
                start.await(10, TimeUnit.SECONDS);
                return task.call();
              }));
    }
    return results;
  }

  private static List<AuditEntry> entries(HsmClient hsm, String action, String keyName) {
    return hsm.auditLog().entries(1, Integer.MAX_VALUE).stream()
        .filter(e -> e.action().equals(action) && keyName.equals(e.keyName()))
        .filter(e -> e.outcome().equals("ok"))
        .toList();
  }

  private static List<KeyState> states(HsmClient hsm, String name) {
    return hsm.key(name).info().versions().stream().map(KeyVersionInfo::state).toList();
  }

  @Test
  void dueRotationsAndDestructions_appliedByThreeInstancesAtOnce_areEachMadeOnce()
      throws Exception {
    KeyRecordStore.Factory store = TestDatabase.newStore();
    TestClock clock = TestClock.now();
    List<HsmClient> instances = instances(3, store, Duration.ofHours(1), clock);
    HsmClient admin = instances.get(0);
    List<String> rotating = List.of("rotating-1", "rotating-2", "rotating-3", "rotating-4");
    List<String> doomed = List.of("doomed-1", "doomed-2", "doomed-3", "doomed-4");
    for (String name : rotating) {
      admin.createKey(name, KeySpec.aes256Gcm().withRotationPeriod(A_DAY));
    }
    for (String name : doomed) {
      admin.createKey(name, KeySpec.aes256Gcm());
    }

    int rounds = 3;
    for (int round = 1; round <= rounds; round++) {
      for (String name : doomed) {
        admin.key(name).rotate(); // version round + 1 is primary; version round is scheduled
        admin.admin().scheduleDestruction(name, round, A_DAY);
      }
      clock.advance(A_DAY.multipliedBy(2));
      List<Callable<Integer>> apply = new ArrayList<>();
      for (HsmClient instance : instances) {
        apply.add(instance::applyDueChanges);
      }
      int reported = 0;
      for (Future<Integer> result : allAtOnce(apply)) {
        reported += result.get(60, TimeUnit.SECONDS);
      }
      // Each change is made, and counted, by the one instance whose write won.
      assertThat(reported).as("changes the instances reported in round %d", round).isEqualTo(8);
    }

    for (String name : rotating) {
      assertThat(admin.key(name).info().versions()).as(name).hasSize(1 + rounds);
      assertThat(entries(admin, "key.rotate", name)).as("rotations of %s", name).hasSize(rounds);
    }
    for (String name : doomed) {
      assertThat(states(admin, name))
          .as(name)
          .containsExactly(
              KeyState.DESTROYED, KeyState.DESTROYED, KeyState.DESTROYED, KeyState.ENABLED);
      List<AuditEntry> destroyed = entries(admin, "key.destroy", name);
      assertThat(destroyed.stream().map(AuditEntry::version))
          .as("destruction entries of %s, by version", name)
          .containsExactly(1, 2, 3);
    }
    for (HsmClient instance : instances) {
      assertThat(instance.auditLog().verify()).isPositive();
    }
  }

  @Test
  void aKeyDueForRotation_usedByNineThreadsInThreeInstancesAtOnce_isRotatedOnce() throws Exception {
    KeyRecordStore.Factory store = TestDatabase.newStore();
    TestClock clock = TestClock.now();
    List<HsmClient> instances = instances(3, store, Duration.ofHours(1), clock);
    instances.get(0).createKey("busy", KeySpec.aes256Gcm().withRotationPeriod(A_DAY));
    for (HsmClient instance : instances) {
      instance.key("busy").encrypt(DATA, CONTEXT); // cached everywhere, as in a running service
    }

    clock.advance(A_DAY.multipliedBy(2));
    List<Callable<byte[]>> uses = new ArrayList<>();
    for (HsmClient instance : instances) {
      for (int thread = 0; thread < 3; thread++) {
        KeyHandle key = instance.key("busy");
        uses.add(() -> key.encrypt(DATA, CONTEXT));
      }
    }
    for (Future<byte[]> use : allAtOnce(uses)) {
      use.get(60, TimeUnit.SECONDS);
    }

    HsmClient any = instances.get(2);
    assertThat(any.key("busy").info().versions()).hasSize(2);
    assertThat(entries(any, "key.rotate", "busy")).hasSize(1);
  }

  @Test
  void dueWork_foundByEveryInstancesBackgroundMaintenance_isDoneOnce() throws Exception {
    KeyRecordStore.Factory store = TestDatabase.newStore();
    TestClock clock = TestClock.now();
    // A 10 ms refresh: each instance looks for due work every 60 refreshes, about every 0.6 s.
    List<HsmClient> instances = instances(3, store, Duration.ofMillis(10), clock);
    HsmClient admin = instances.get(0);
    admin.createKey("periodic", KeySpec.aes256Gcm().withRotationPeriod(A_DAY));
    admin.createKey("retired", KeySpec.aes256Gcm());
    admin.key("retired").rotate();
    admin.admin().scheduleDestruction("retired", 1, A_DAY);

    clock.advance(A_DAY.multipliedBy(2));
    long started = System.nanoTime();
    while (admin.key("periodic").info().versions().size() < 2
        || states(admin, "retired").get(0) != KeyState.DESTROYED) {
      assertThat(System.nanoTime() - started)
          .as("due work done in the background within 20 s")
          .isLessThan(TimeUnit.SECONDS.toNanos(20));
      Thread.sleep(20);
    }
    Thread.sleep(2_000); // every instance looks for due work at least twice more

    assertThat(admin.key("periodic").info().versions()).hasSize(2);
    assertThat(entries(admin, "key.rotate", "periodic")).hasSize(1);
    assertThat(entries(admin, "key.destroy", "retired")).hasSize(1);
  }

  @Test
  void twelveThreadsInThreeInstancesCreatingOneName_makeOneKey_andTheOthersAreToldItExists()
      throws Exception {
    KeyRecordStore.Factory store = TestDatabase.newStore();
    List<HsmClient> instances = instances(3, store, Duration.ofHours(1), Clock.systemUTC());
    int rounds = 10;
    for (int round = 1; round <= rounds; round++) {
      String name = "contested-" + round;
      List<Callable<String>> creates = new ArrayList<>();
      for (HsmClient instance : instances) {
        for (int thread = 0; thread < 4; thread++) {
          creates.add(
              () -> {
                try {
                  instance.createKey(name, KeySpec.ecdsaP256());
                  return "created";
                } catch (KeyAlreadyExistsException e) {
                  assertThat(e).hasMessage("key '" + name + "' already exists");
                  return "exists";
                }
              });
        }
      }
      Map<String, Long> outcomes = new ConcurrentHashMap<>();
      for (Future<String> result : allAtOnce(creates)) {
        outcomes.merge(result.get(60, TimeUnit.SECONDS), 1L, Long::sum);
      }
      assertThat(outcomes).as(name).containsEntry("created", 1L).containsEntry("exists", 11L);
    }

    HsmClient any = instances.get(1);
    assertThat(any.listKeys().stream().map(KeyInfo::name))
        .hasSize(rounds)
        .allMatch(n -> n.startsWith("contested-"));
    for (int round = 1; round <= rounds; round++) {
      assertThat(entries(any, "key.create", "contested-" + round)).hasSize(1);
      any.key("contested-" + round).verify(DATA, any.key("contested-" + round).sign(DATA));
    }
    assertThat(any.auditLog().verify()).isEqualTo(rounds);
  }

  @Test
  void ensureKeyFromTwelveThreadsInThreeInstances_returnsTheOneKeyToEveryCaller() throws Exception {
    KeyRecordStore.Factory store = TestDatabase.newStore();
    List<HsmClient> instances = instances(3, store, Duration.ofHours(1), Clock.systemUTC());
    List<Callable<byte[]>> ensures = new ArrayList<>();
    for (HsmClient instance : instances) {
      for (int thread = 0; thread < 4; thread++) {
        ensures.add(() -> instance.ensureKey("declared", KeySpec.hmacSha256()).mac(DATA));
      }
    }
    List<byte[]> tags = new ArrayList<>();
    for (Future<byte[]> result : allAtOnce(ensures)) {
      tags.add(result.get(60, TimeUnit.SECONDS));
    }
    assertThat(tags.stream().map(java.util.HexFormat.of()::formatHex).distinct())
        .as("every caller got the same key")
        .hasSize(1);
    assertThat(entries(instances.get(0), "key.create", "declared")).hasSize(1);
  }

  @Test
  void concurrentCreationsInOneInstance_shareTransactions() throws Exception {
    KeyRecordStore.Factory real = TestDatabase.newStore();
    ObservedStore observed = new ObservedStore(real, false);
    HsmClient hsm = open(observed, Duration.ofHours(1), Clock.systemUTC());
    int threadCount = 8;
    int rounds = 10;
    AtomicInteger created = new AtomicInteger();
    for (int round = 0; round < rounds; round++) {
      int r = round;
      List<Callable<Void>> creates = new ArrayList<>();
      for (int thread = 0; thread < threadCount; thread++) {
        int t = thread;
        creates.add(
            () -> {
              hsm.createKey("batched-" + r + "-" + t, KeySpec.aes256Gcm());
              created.incrementAndGet();
              return null;
            });
      }
      for (Future<Void> result : allAtOnce(creates)) {
        result.get(60, TimeUnit.SECONDS);
      }
    }
    int keys = threadCount * rounds;
    assertThat(created).hasValue(keys);

    List<Integer> batches = observed.insertBatches;
    assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(keys);
    assertThat(batches.size())
        .as("insertKeys calls for %d keys: %s", keys, batches)
        .isLessThan(keys);
    // In PostgreSQL itself: rows written by one transaction carry its id (xmin).
    String schema = observed.description().replaceAll(".*schema ", "");
    Map<Integer, Long> keysPerTransaction =
        TestDatabase.queryInts("SELECT count(*) FROM " + schema + ".hsm_key GROUP BY xmin::text")
            .stream()
            .collect(Collectors.groupingBy(n -> n, Collectors.counting()));
    System.out.printf(
        "WorkDoneOnceTest: %d keys from %d threads in %d transactions (keys per transaction:"
            + " count %s)%n",
        keys, threadCount, batches.size(), keysPerTransaction);
    assertThat(keysPerTransaction.values().stream().mapToLong(Long::longValue).sum())
        .as("transactions that stored keys")
        .isEqualTo(batches.size());
    assertThat(keysPerTransaction.keySet().stream().mapToInt(Integer::intValue).max().orElse(0))
        .as("most keys one transaction stored")
        .isGreaterThan(1);
    assertThat(hsm.auditLog().verify()).isEqualTo(keys);
  }

  @Test
  void concurrentCreationsInTwoInstances_queueForTheStore_insteadOfColliding() throws Exception {
    ObservedStore observed = new ObservedStore(TestDatabase.newStore(), false);
    List<HsmClient> instances = instances(2, observed, Duration.ofHours(1), Clock.systemUTC());
    int threadsPerInstance = 4;
    int keysPerThread = 15;
    List<Callable<Void>> creates = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      for (int t = 0; t < threadsPerInstance; t++) {
        HsmClient hsm = instances.get(i);
        String prefix = "i" + i + "-t" + t + "-";
        creates.add(
            () -> {
              for (int k = 0; k < keysPerThread; k++) {
                hsm.createKey(prefix + k, KeySpec.aes256Gcm());
              }
              return null;
            });
      }
    }
    for (Future<Void> result : allAtOnce(creates)) {
      result.get(60, TimeUnit.SECONDS);
    }

    int keys = instances.size() * threadsPerInstance * keysPerThread;
    assertThat(instances.get(0).listKeys()).hasSize(keys);
    // Each instance read the audit log's head in its own transaction, under the store's lock: no
    // two transactions chained to one head, so none had to be written again.
    assertThat(observed.conflicts).as("transactions that collided on the audit log").hasValue(0);
    assertThat(instances.get(1).auditLog().verify()).isEqualTo(keys);
  }
}
