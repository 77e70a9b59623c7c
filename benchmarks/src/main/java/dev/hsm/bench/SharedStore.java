package dev.hsm.bench;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Two processes on one store. The store holds 1,000 ECDSA P-256 and 1,000 AES-256-GCM keys; one
 * operation uses key i of each, round-robin: sign 256 bytes with ECDSA key i and encrypt 1 KiB with
 * AES key i. {@code lone}: only this JVM uses the store. {@code shared}: a second OS process (a
 * child JVM running {@link SharedStoreWorker}, same class path) opens the same store file and runs
 * the same workload as fast as it can the whole time. Both clients use the default configuration: a
 * 1 s refresh interval, so each saves its usage counters (a write transaction) every second and
 * sees the other's commits. The score is this process's ops/s; target: shared >= 0.9x lone.
 *
 * <p>One benchmark thread ({@code -t 1}): on two cores the child takes the other one. Each trial
 * works on a fresh copy of a store built once in the work directory ({@link #template()}). The
 * child is started in set-up and stopped in tear-down (its standard input is closed; a shutdown
 * hook kills it if this JVM exits first); it prints its own rate at the end, in the JMH log.
 */
@State(Scope.Benchmark)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
public class SharedStore {
  static final int KEYS = 1000;
  static final String COMPLETE = "complete";

  /** How long the child works before it says "ready" (its JIT warm-up), in seconds. */
  static final int CHILD_WARMUP_SECONDS = 5;

  /**
   * {@code lone} or {@code shared}; {@code separate} (not run by default, {@code -p mode=separate})
   * is a control: the child runs the same workload on its own copy of the store, so the two
   * processes share the machine but not the store file.
   */
  @Param({"lone", "shared"})
  String mode;

  Path dir;
  Path childDir;
  HsmClient client;
  Workload workload;
  Process child;
  Thread childKiller;
  Thread childOutput;

  /** The configuration both processes use: the defaults (cache, 1 s refresh), a key file. */
  static HsmConfig config(Path dir) {
    return HsmConfig.sqlite(dir.resolve("store.db")).keyFile(dir.resolve("store.key"));
  }

  static String ecdsaName(int i) {
    return "ecdsa-" + i;
  }

  static String aesName(int i) {
    return "aes-" + i;
  }

  @Setup
  public void setup() throws Exception {
    dir = copyOfTemplate();
    client = HsmClient.open(config(dir));
    if (mode.equals("shared")) {
      startChild(dir);
    } else if (mode.equals("separate")) {
      childDir = copyOfTemplate();
      startChild(childDir);
    } else if (!mode.equals("lone")) {
      throw new IllegalArgumentException("mode must be lone, shared or separate, not " + mode);
    }
    workload = new Workload(client); // loads every key into this client's cache
  }

  /** A fresh copy of {@link #template()} in a new temp directory. */
  private static Path copyOfTemplate() throws Exception {
    Path copy = Files.createTempDirectory(Support.workDir(), "shared-store-");
    try (Stream<Path> files = Files.list(template())) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (!file.getFileName().toString().equals(COMPLETE)) {
          Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return copy;
  }

  /**
   * The store with the 2,000 keys, built once in the benchmark work directory (like Prepare's
   * 100,000-key store) and copied for each trial, so that every trial starts from the same store.
   */
  static Path template() throws Exception {
    Path template = Support.workDir().resolve("store-shared-" + KEYS);
    if (Files.exists(template.resolve(COMPLETE))) {
      return template;
    }
    if (Files.exists(template)) {
      Support.deleteTree(template);
    }
    Files.createDirectories(template);
    Support.newKeyFile(template.resolve("store.key"));
    long start = System.nanoTime();
    try (HsmClient builder = HsmClient.open(config(template))) {
      createKeys(builder);
    }
    String took =
        String.format("created %d keys in %.1f s", 2 * KEYS, (System.nanoTime() - start) / 1e9);
    Files.writeString(template.resolve(COMPLETE), took + "\n");
    System.out.println("\n" + took + " (" + template + ", reused by later runs)");
    return template;
  }

  /** 2,000 keys from four threads, so that group commit writes several per transaction. */
  private static void createKeys(HsmClient client) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        int n = i;
        created.add(pool.submit(() -> client.createKey(ecdsaName(n), KeySpec.ecdsaP256())));
        created.add(pool.submit(() -> client.createKey(aesName(n), KeySpec.aes256Gcm())));
      }
      for (Future<?> f : created) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** Starts the child JVM on the store in {@code storeDir}; waits until it has worked a while. */
  private void startChild(Path storeDir) throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            SharedStoreWorker.class.getName(),
            storeDir.toString(),
            Integer.toString(CHILD_WARMUP_SECONDS));
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    child = builder.start();
    Process started = child;
    childKiller = new Thread(started::destroyForcibly, "kill-shared-store-child");
    Runtime.getRuntime().addShutdownHook(childKiller);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    childOutput =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.equals("ready")) {
                    ready.complete(null);
                  } else {
                    System.out.println(System.lineSeparator() + "[child] " + line);
                  }
                }
              } catch (IOException e) {
                ready.completeExceptionally(e);
              }
              ready.completeExceptionally(
                  new IllegalStateException("the child process ended before it was ready"));
            },
            "shared-store-child-output");
    childOutput.setDaemon(true);
    childOutput.start();
    ready.get(CHILD_WARMUP_SECONDS + 60, TimeUnit.SECONDS);
  }

  @TearDown
  public void tearDown() throws Exception {
    try {
      if (child != null) {
        child.getOutputStream().close(); // the child stops, prints its rate and closes its client
        if (!child.waitFor(15, TimeUnit.SECONDS)) {
          child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        childOutput.join(2000);
        Runtime.getRuntime().removeShutdownHook(childKiller);
      }
    } finally {
      client.close();
      Support.deleteTree(dir);
      if (childDir != null) {
        Support.deleteTree(childDir);
      }
    }
  }

  /**
   * The next key, and two secondary results, summed over the measurement iterations: {@code ops}
   * and {@code cpuNanos}, the benchmark thread's CPU time. Their quotient is what this process's
   * thread spends on an operation whatever else runs on the machine, so it shows work a shared
   * store adds (a key dropped after another process's commit is loaded again by the calling thread)
   * apart from competition for the CPU.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cursor {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    int next;
    long cpuStart;
    public long ops;
    public long cpuNanos;

    @Setup(Level.Iteration)
    public void start() {
      ops = 0;
      cpuNanos = 0;
      cpuStart = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void stop() {
      cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
    }
  }

  @Benchmark
  public byte[] signAndEncrypt(Cursor c, Blackhole bh) {
    int i = c.next;
    c.next = i + 1 == KEYS ? 0 : i + 1;
    c.ops++;
    bh.consume(workload.sign(i));
    return workload.encrypt(i);
  }

  /** What one operation does, in both processes: key i signs 256 bytes and encrypts 1 KiB. */
  static final class Workload {
    final KeyHandle[] ecdsa = new KeyHandle[KEYS];
    final KeyHandle[] aes = new KeyHandle[KEYS];
    final byte[] data = Support.random(256);
    final byte[] plaintext = Support.random(1024);

    /** Looks every key up, which loads it into the client's cache. */
    Workload(HsmClient client) {
      for (int i = 0; i < KEYS; i++) {
        ecdsa[i] = client.key(ecdsaName(i));
        aes[i] = client.key(aesName(i));
      }
    }

    byte[] sign(int i) {
      return ecdsa[i].sign(data);
    }

    byte[] encrypt(int i) {
      return aes[i].encrypt(plaintext);
    }
  }
}
