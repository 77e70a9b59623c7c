package dev.hsm.bench;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Opening a store (key-file unlock, no Argon2): an empty one and the 100,000-key store that {@link
 * Prepare} built once in $BENCH_WORK. Single-shot: each measurement is one open.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StoreOpen {
  @Param({"0", "100000"})
  int keys;

  HsmConfig config;
  Support.TempStore empty;
  HsmClient opened;

  @Setup
  public void setup() {
    if (keys == 0) {
      empty = Support.tempStore(1000);
      empty.client.close();
      config = empty.config;
    } else {
      config = Prepare.bigStoreConfig(Support.workDir(), keys);
      if (!Files.exists(config.sqliteFile().orElseThrow())) {
        throw new IllegalStateException(
            "no prepared store at " + config.sqliteFile().orElseThrow() + ": run Prepare");
      }
    }
  }

  @TearDown(Level.Invocation)
  public void closeClient() {
    if (opened != null) {
      opened.close();
      opened = null;
    }
  }

  @TearDown
  public void tearDown() {
    if (empty != null) {
      Support.deleteTree(empty.dir);
    }
  }

  @Benchmark
  public HsmClient ours() {
    opened = HsmClient.open(config);
    return opened;
  }
}
