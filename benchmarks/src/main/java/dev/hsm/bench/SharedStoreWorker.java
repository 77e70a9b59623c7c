package dev.hsm.bench;

import dev.hsm.HsmClient;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The second process of {@link SharedStore}'s {@code shared} variant: opens the store in the
 * directory given as first argument with the same configuration and runs the same workload in a
 * loop, as fast as it can, until its standard input closes (the benchmark closes it in its
 * tear-down; it also closes when the benchmark's JVM dies) or it is killed. After the number of
 * seconds given as second argument it prints "ready"; at the end, its own rate since then.
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.hsm.bench.SharedStoreWorker STORE_DIR 5
 * </pre>
 */
public final class SharedStoreWorker {
  private static volatile boolean stop;

  private SharedStoreWorker() {}

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args[0]);
    long warmupNanos = Long.parseLong(args[1]) * 1_000_000_000L;
    Thread stdin =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // nothing is sent; wait for the end of the stream
                }
              } catch (IOException e) {
                // treat as closed
              }
              stop = true;
            },
            "stdin-watch");
    stdin.setDaemon(true);
    stdin.start();
    try (HsmClient client = HsmClient.open(SharedStore.config(dir))) {
      SharedStore.Workload workload = new SharedStore.Workload(client);
      long start = System.nanoTime();
      long readyAt = 0;
      long ops = 0;
      long opsAtReady = 0;
      int i = 0;
      long sink = 0;
      while (!stop) {
        sink += workload.sign(i).length + workload.encrypt(i).length;
        i = i + 1 == SharedStore.KEYS ? 0 : i + 1;
        ops++;
        if (readyAt == 0 && (ops & 0xff) == 0 && System.nanoTime() - start >= warmupNanos) {
          readyAt = System.nanoTime();
          opsAtReady = ops;
          System.out.println("ready");
          System.out.flush();
        }
      }
      long end = System.nanoTime();
      if (readyAt != 0) {
        double seconds = (end - readyAt) / 1e9;
        System.out.printf(
            "child: %.0f ops/s over %.1f s after ready (%d ops in all; %d)%n",
            (ops - opsAtReady) / seconds, seconds, ops, sink & 1);
      }
    }
  }
}
