package dev.hsm.bench;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeySpec;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run once before the benchmarks (run.sh does): builds the 100,000-key store in $BENCH_WORK (or
 * reuses it), measures the heap an open store holds with 0 and with 100,000 keys, probes what
 * SoftHSM2 offers through SunPKCS11, and writes the facts to $BENCH_WORK/prepare.json.
 */
public final class Prepare {
  static final int BIG = 100_000;

  private Prepare() {}

  static HsmConfig bigStoreConfig(Path work, int keys) {
    Path dir = work.resolve("store-" + keys);
    return HsmConfig.sqlite(dir.resolve("store.db")).keyFile(dir.resolve("store.key"));
  }

  public static void main(String[] args) throws Exception {
    Path work = Support.workDir();
    Map<String, Object> facts = new LinkedHashMap<>();
    HsmConfig big = bigStoreConfig(work, BIG);
    Path done = big.sqliteFile().orElseThrow().resolveSibling("complete");
    if (Files.exists(done)) {
      facts.put("big_store", "reused " + big.sqliteFile().orElseThrow());
      facts.put("big_store_build_keys_per_s", Files.readString(done).trim());
    } else {
      Path dir = big.sqliteFile().orElseThrow().getParent();
      if (Files.exists(dir)) {
        Support.deleteTree(dir);
      }
      Files.createDirectories(dir);
      Support.newKeyFile(big.unlockSecret().orElseThrow().keyFile());
      double rate = build(big, BIG, 1);
      Files.writeString(done, String.format("%.0f keys/s with one thread", rate));
      facts.put("big_store", "built " + big.sqliteFile().orElseThrow());
      facts.put("big_store_build_keys_per_s", String.format("%.0f keys/s with one thread", rate));
    }
    Support.TempStore empty = Support.tempStore(1000);
    // Which provider the library chose for each benchmarked algorithm (NativeCrypto.AUTO).
    for (Algorithm algorithm :
        new Algorithm[] {
          Algorithm.ECDSA_P256_SHA256,
          Algorithm.ED25519,
          Algorithm.RSA_PSS_SHA256,
          Algorithm.AES_256_GCM,
          Algorithm.HMAC_SHA256,
          Algorithm.ML_DSA_65,
          Algorithm.SLH_DSA_SHAKE_128F,
          Algorithm.ML_KEM_768_X25519
        }) {
      facts.put("provider_" + algorithm, empty.client.cryptoProvider(algorithm));
    }
    facts.put("accp", Support.ACCP.getName() + " " + Support.ACCP.getVersionStr());
    empty.client.close();
    long baseline = settledHeap();
    long heapEmpty = heapHeldBy(empty.config, baseline);
    long heapBig = heapHeldBy(big, baseline);
    Support.deleteTree(empty.dir);
    facts.put("heap_open_empty_bytes", heapEmpty);
    facts.put("heap_open_100k_bytes", heapBig);
    facts.put("store_100k_file_bytes", Files.size(big.sqliteFile().orElseThrow()));
    facts.put("softhsm_ed25519", probe("Ed25519"));
    facts.put("java_version", System.getProperty("java.version"));
    facts.put(
        "java_vm",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    facts.put("bouncycastle", Support.BC.getInfo());
    facts.put("sqlite", sqliteVersion());
    Files.writeString(work.resolve("prepare.json"), toJson(facts));
    System.out.println(toJson(facts));
  }

  /**
   * Creates {@code count} EC P-256 keys with {@code threads} threads (one: SQLite has one writer);
   * returns keys per second.
   */
  static double build(HsmConfig config, int count, int threads) throws Exception {
    long start = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    try (HsmClient client = HsmClient.open(config)) {
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w =
            new Thread(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < count) {
                    client.createKey("key-" + i, KeySpec.ecdsaP256());
                    if (i % 10_000 == 0) {
                      System.out.println("  created " + i + " keys");
                    }
                  }
                });
        w.start();
        workers.add(w);
      }
      for (Thread w : workers) {
        w.join();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "built %d keys in %.1f s (%.0f keys/s, %d threads)%n",
        count, seconds, count / seconds, threads);
    return count / seconds;
  }

  private static long settledHeap() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Heap still in use (after GC) while a store is open, above the baseline. */
  private static long heapHeldBy(HsmConfig config, long baseline) {
    try (HsmClient client = HsmClient.open(config)) {
      long used = settledHeap();
      client.listKeys().size(); // keep the client reachable until after the measurement
      return used - baseline;
    }
  }

  private static String probe(String algorithm) {
    try {
      Provider p = Support.softHsm();
      KeyPairGenerator.getInstance(algorithm, p);
      return "offered";
    } catch (Exception e) {
      return "not offered (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
    }
  }

  private static String sqliteVersion() {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        ResultSet r = c.createStatement().executeQuery("select sqlite_version()")) {
      r.next();
      return "SQLite "
          + r.getString(1)
          + " (sqlite-jdbc "
          + c.getMetaData().getDriverVersion()
          + ")";
    } catch (Exception e) {
      return "unknown: " + e;
    }
  }

  private static String toJson(Map<String, Object> facts) {
    StringBuilder s = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, Object> e : facts.entrySet()) {
      Object v = e.getValue();
      String value =
          v instanceof Number
              ? v.toString()
              : "\"" + String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      s.append("  \"").append(e.getKey()).append("\": ").append(value);
      s.append(++i < facts.size() ? ",\n" : "\n");
    }
    return s.append("}\n").toString();
  }
}
