package dev.hsm.bench;

import dev.hsm.HsmClient;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.spi.KeyRecordStore;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Change propagation between two instances on one PostgreSQL store (issue 13): how long after one
 * instance committed a change to a key the other instance's cached handle of that key acts on it.
 * Two clients of the same schema, each with its own pool and listening connection, default
 * configuration (1 s refresh interval as the fallback; the notification is what is measured here).
 * 64 AES-256-GCM keys, each cached in both; per invocation, outside the timed part (an
 * invocation-level set-up), the writer makes the next change on the next key, cycling per key
 * through rotate, disable and enable, and returns once it is committed. The timed part then uses
 * the observer's handle of that key (encrypt 1 KiB) about every 20 µs until the result shows the
 * change: an envelope naming the new version after a rotation, {@link KeyDisabledException} after
 * disabling, an envelope again after enabling. So each sample is commit-to-seen: the notification's
 * trip through the server, the observer dropping the key and its next operation loading it again.
 * Sample-time mode: the score is the mean; the report takes p50 and p99 from JMH's percentiles.
 */
@State(Scope.Benchmark)
@Threads(1)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PgPropagation {
  static final int KEYS = 64;
  static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(10);
  static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

  final byte[] plaintext = Support.random(1024);
  Path dir;
  HsmClient writer;
  HsmClient observer;
  KeyHandle[] written = new KeyHandle[KEYS];
  KeyHandle[] observed = new KeyHandle[KEYS];

  /** Per key, the next change: 0 rotate, 1 disable, 2 enable. */
  int[] nextChange = new int[KEYS];

  int next;

  /** What the timed part waits for: the version an envelope must name, or -1 for "disabled". */
  int expectedVersion;

  int key;

  @Setup
  public void setup() throws Exception {
    dir = Files.createTempDirectory(Support.workDir(), "pg-store-");
    Path keyFile = Support.newKeyFile(dir.resolve("store.key"));
    KeyRecordStore.Factory store = PgSupport.newStore();
    writer = HsmClient.open(PgSupport.config(store, keyFile, 1000));
    observer = HsmClient.open(PgSupport.config(store, keyFile, 1000));
    for (int i = 0; i < KEYS; i++) {
      written[i] = writer.createKey("changing-" + i, KeySpec.aes256Gcm());
    }
    Thread.sleep(500); // the observer has seen the creations
    for (int i = 0; i < KEYS; i++) {
      observed[i] = observer.key("changing-" + i);
      observed[i].encrypt(plaintext); // cached
    }
  }

  @TearDown
  public void tearDown() {
    writer.close();
    observer.close();
    Support.deleteTree(dir);
  }

  /** Not timed: the writer commits the next change; the timed part waits for the observer. */
  @Setup(Level.Invocation)
  public void change() {
    key = next;
    next = next + 1 == KEYS ? 0 : next + 1;
    KeyHandle handle = written[key];
    switch (nextChange[key]) {
      case 0:
        expectedVersion = handle.rotate();
        break;
      case 1:
        handle.disable();
        expectedVersion = -1;
        break;
      default:
        handle.enable();
        expectedVersion = version(handle.encrypt(plaintext));
        break;
    }
    nextChange[key] = (nextChange[key] + 1) % 3;
  }

  /** The key version an envelope names (bytes 1-4, big-endian). */
  static int version(byte[] envelope) {
    return ByteBuffer.wrap(envelope, 1, 4).getInt();
  }

  @Benchmark
  public int untilSeen() {
    KeyHandle handle = observed[key];
    long started = System.nanoTime();
    int checks = 0;
    while (true) {
      checks++;
      int seen;
      try {
        seen = version(handle.encrypt(plaintext));
      } catch (KeyDisabledException e) {
        seen = -1;
      }
      if (seen == expectedVersion) {
        return checks;
      }
      if (System.nanoTime() - started > GIVE_UP_NANOS) {
        throw new IllegalStateException(
            "the observer still did not see the change of key " + key + " after 10 s");
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
