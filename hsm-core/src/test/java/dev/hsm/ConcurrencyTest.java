package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link HsmClient} and the same {@link KeyHandle}s shared by many threads: operations, first
 * use of keys (cache loads), cache eviction, key creation, {@code ensureKey} races, and several
 * clients opening one new store at once.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConcurrencyTest {
  private static final int THREADS = 8;
  private static final int ITERATIONS = 200;
  private static final long TIMEOUT_SECONDS = 20;

  @TempDir Path dir;

  /** A task run by thread {@code thread} of {@link #runConcurrently}. */
  private interface ThreadTask {
    void run(int thread) throws Exception;
  }

  /**
   * Runs {@code task} on {@code threads} threads released together, waits with a timeout and
   * rethrows the first failure (the others suppressed).
   */
  private static void runConcurrently(int threads, ThreadTask task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  task.run(thread);
                  return null;
                }));
      }
      assertThat(ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("threads started").isTrue();
      go.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      Throwable first = null;
      for (Future<?> future : futures) {
        try {
          future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          if (first == null) {
            first = e.getCause();
          } else {
            first.addSuppressed(e.getCause());
          }
        } catch (TimeoutException e) {
          throw new AssertionError("threads did not finish within " + TIMEOUT_SECONDS + " s", e);
        }
      }
      if (first instanceof Exception) {
        throw (Exception) first;
      }
      if (first != null) {
        throw (Error) first;
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static byte[] message(int thread, int i) {
    return ("thread " + thread + " message " + i).getBytes(UTF_8);
  }

  @Test
  void sharedClientAndHandles_manyThreadsSignEncryptAndMac_allResultsVerify() throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, "shared.db");
    try (HsmClient setup = HsmClient.open(config)) {
      setup.createKey("ecdsa", KeySpec.ecdsaP256());
      setup.createKey("ed", KeySpec.ed25519());
      setup.createKey("aes", KeySpec.aes256Gcm());
      setup.createKey("chacha", KeySpec.chacha20Poly1305());
      setup.createKey("hmac", KeySpec.hmacSha256());
    }
    // Reopened, so the first operations of all threads race to load the keys into the cache.
    try (HsmClient hsm = HsmClient.open(config)) {
      KeyHandle ecdsa = hsm.key("ecdsa");
      KeyHandle ed = hsm.key("ed");
      KeyHandle aes = hsm.key("aes");
      KeyHandle chacha = hsm.key("chacha");
      KeyHandle hmac = hsm.key("hmac");
      Queue<byte[][]> signatures = new ConcurrentLinkedQueue<>();
      Queue<byte[][]> ciphertexts = new ConcurrentLinkedQueue<>();

      runConcurrently(
          THREADS,
          thread -> {
            byte[] context = ("thread " + thread).getBytes(UTF_8);
            for (int i = 0; i < ITERATIONS; i++) {
              byte[] data = message(thread, i);
              byte[] ecdsaSig = ecdsa.sign(data);
              ecdsa.verify(data, ecdsaSig);
              byte[] edSig = ed.sign(data);
              ed.verify(data, edSig);
              byte[] aesCt = aes.encrypt(data, context);
              assertThat(aes.decrypt(aesCt, context)).isEqualTo(data);
              byte[] chachaCt = chacha.encrypt(data, context);
              assertThat(chacha.decrypt(chachaCt, context)).isEqualTo(data);
              byte[] tag = hmac.mac(data);
              hmac.verifyMac(data, tag);
              signatures.add(new byte[][] {data, ecdsaSig, edSig, tag});
              ciphertexts.add(new byte[][] {data, context, aesCt, chachaCt});
            }
          });

      // every output made on any thread checks out on this one
      assertThat(signatures).hasSize(THREADS * ITERATIONS);
      for (byte[][] s : signatures) {
        ecdsa.verify(s[0], s[1]);
        ed.verify(s[0], s[2]);
        hmac.verifyMac(s[0], s[3]);
      }
      Set<String> nonces = ConcurrentHashMap.newKeySet();
      for (byte[][] c : ciphertexts) {
        assertThat(aes.decrypt(c[2], c[1])).isEqualTo(c[0]);
        assertThat(chacha.decrypt(c[3], c[1])).isEqualTo(c[0]);
        assertThat(nonces.add("aes" + java.util.HexFormat.of().formatHex(c[2], 5, 17))).isTrue();
        assertThat(nonces.add("chacha" + java.util.HexFormat.of().formatHex(c[3], 5, 17))).isTrue();
      }
    }
  }

  @Test
  void manyKeys_firstUsedConcurrentlyInDifferentOrders_allLoadCorrectly() throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, "many.db");
    int keys = 24;
    Map<String, String> publicKeys = new ConcurrentHashMap<>();
    try (HsmClient setup = HsmClient.open(config)) {
      for (int k = 0; k < keys; k++) {
        if (k % 2 == 0) {
          publicKeys.put("k" + k, setup.createKey("k" + k, KeySpec.ed25519()).publicKeyPem());
        } else {
          setup.createKey("k" + k, KeySpec.aes256Gcm());
        }
      }
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      runConcurrently(
          THREADS,
          thread -> {
            List<Integer> order = IntStream.range(0, keys).boxed().collect(Collectors.toList());
            Collections.shuffle(order, new Random(thread));
            for (int k : order) {
              // a fresh handle each time, as an application looking keys up by name would
              KeyHandle key = hsm.key("k" + k);
              byte[] data = message(thread, k);
              if (k % 2 == 0) {
                key.verify(data, key.sign(data));
                assertThat(key.publicKeyPem()).isEqualTo(publicKeys.get("k" + k));
              } else {
                assertThat(key.decrypt(key.encrypt(data))).isEqualTo(data);
              }
            }
          });
    }
  }

  @Test
  void smallCache_evictingWhileManyThreadsUseMoreKeysThanItHolds_staysCorrect() throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, "evict.db").cacheSize(2);
    try (HsmClient hsm = HsmClient.open(config)) {
      List<KeyHandle> keys = new ArrayList<>();
      for (int k = 0; k < 6; k++) {
        keys.add(
            k % 2 == 0
                ? hsm.createKey("e" + k, KeySpec.ecdsaP256())
                : hsm.createKey("e" + k, KeySpec.hmacSha256()));
      }
      runConcurrently(
          THREADS,
          thread -> {
            Random random = new Random(thread);
            for (int i = 0; i < ITERATIONS; i++) {
              int k = random.nextInt(keys.size());
              KeyHandle key = keys.get(k);
              byte[] data = message(thread, i);
              if (k % 2 == 0) {
                byte[] signature = key.sign(data);
                keys.get((k + 2) % 6).sign(data); // load another key between sign and verify
                key.verify(data, signature);
              } else {
                byte[] tag = key.mac(data);
                keys.get((k + 2) % 6).mac(data);
                key.verifyMac(data, tag);
              }
            }
          });
    }
  }

  @Test
  void distinctKeys_createdConcurrently_areAllStoredAndUsable() throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, "create.db");
    int perThread = 5;
    Map<String, String> publicKeys = new ConcurrentHashMap<>();
    try (HsmClient hsm = HsmClient.open(config)) {
      runConcurrently(
          THREADS,
          thread -> {
            for (int i = 0; i < perThread; i++) {
              String name = "t" + thread + "-k" + i;
              KeyHandle key =
                  hsm.createKey(name, i % 2 == 0 ? KeySpec.ed25519() : KeySpec.ecdsaP256());
              publicKeys.put(name, key.publicKeyPem());
              byte[] data = message(thread, i);
              key.verify(data, key.sign(data));
            }
          });
      assertThat(hsm.listKeys()).hasSize(THREADS * perThread);
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(hsm.listKeys())
          .extracting(KeyInfo::name)
          .containsExactlyInAnyOrderElementsOf(publicKeys.keySet());
      publicKeys.forEach((name, pem) -> assertThat(hsm.key(name).publicKeyPem()).isEqualTo(pem));
    }
  }

  @Test
  void ensureKey_calledConcurrentlyForOneName_yieldsOneKeyForEveryone() throws Exception {
    try (HsmClient hsm = TestStores.open(dir, "ensure.db")) {
      Queue<String> publicKeys = new ConcurrentLinkedQueue<>();
      runConcurrently(
          THREADS,
          thread -> publicKeys.add(hsm.ensureKey("shared", KeySpec.ed25519()).publicKeyPem()));

      assertThat(publicKeys).hasSize(THREADS);
      assertThat(Set.copyOf(publicKeys)).hasSize(1);
      assertThat(hsm.listKeys()).extracting(KeyInfo::name).containsExactly("shared");
    }
  }

  /** As several processes starting at once would: each opens the same new store file. */
  @Test
  void newStore_openedByManyClientsAtOnce_isInitialisedOnceAndSharedByAll() throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, "new.db");
    int clients = 4;
    List<HsmClient> opened = Collections.synchronizedList(new ArrayList<>());
    try {
      runConcurrently(
          clients,
          client -> {
            HsmClient hsm = HsmClient.open(config);
            opened.add(hsm);
            hsm.createKey("c" + client, KeySpec.hmacSha256());
            KeyHandle shared = hsm.ensureKey("shared", KeySpec.aes256Gcm());
            byte[] data = message(client, 0);
            assertThat(shared.decrypt(shared.encrypt(data))).isEqualTo(data);
          });
      // a key made through one client is usable through every other
      byte[] ct = opened.get(0).key("shared").encrypt(message(0, 1));
      for (HsmClient hsm : opened) {
        assertThat(hsm.key("shared").decrypt(ct)).isEqualTo(message(0, 1));
        assertThat(hsm.listKeys())
            .extracting(KeyInfo::name)
            .containsExactly("c0", "c1", "c2", "c3", "shared");
      }
    } finally {
      opened.forEach(HsmClient::close);
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(hsm.listKeys()).hasSize(clients + 1);
    }
  }
}
