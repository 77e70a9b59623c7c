package dev.hsm.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link HsmMeters} records for real operations on a real SQLite store: the duration timer's
 * sample (every call first, then about one in {@value HsmMeters#SAMPLE_ONE_IN}) beside the counter
 * of every call. The meters' names and tags are checked in both starters ({@code MetricsContract}).
 */
class HsmMetersTest {
  private static final byte[] DATA = new byte[16];

  @TempDir Path dir;

  @Test
  void theDurationTimer_timesAKeysFirstCalls_thenARandomSample_whileTheCounterCountsEveryCall() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicReference<HsmClient> client = new AtomicReference<>();
    HsmMeters meters =
        new HsmMeters(registry, true, null, client::get, Duration.ofSeconds(30), Clock.systemUTC());
    try (HsmClient hsm = HsmClient.open(TestStores.keyFileConfig(dir, "s.db").observe(meters))) {
      client.set(hsm);
      KeyHandle key = hsm.createKey("pii", KeySpec.aes256Gcm());
      encrypt(key, HsmMeters.TIME_EVERY_CALL_UNTIL);
      assertThat(timer(registry, "pii").count()).isEqualTo(HsmMeters.TIME_EVERY_CALL_UNTIL);

      int more = 16_000;
      encrypt(key, more);
      // Binomial(16,000, 1/16): mean 1,000, standard deviation 31; outside 800-1,200 about once
      // in 10^10 runs.
      double sampled = timer(registry, "pii").count() - HsmMeters.TIME_EVERY_CALL_UNTIL;
      assertThat(sampled).isBetween(800.0, 1_200.0);
      assertThat(timer(registry, "pii").mean(TimeUnit.NANOSECONDS)).isPositive();
      assertThat(
              registry
                  .get("hsm.operations")
                  .tags("key", "pii", "operation", "encrypt", "outcome", "ok")
                  .functionCounter()
                  .count())
          .isEqualTo(HsmMeters.TIME_EVERY_CALL_UNTIL + more);

      // Another key's calls are timed from its own first call on.
      KeyHandle other = hsm.createKey("other", KeySpec.aes256Gcm());
      encrypt(other, 10);
      assertThat(timer(registry, "other").count()).isEqualTo(10);
    }
  }

  private static void encrypt(KeyHandle key, int times) {
    for (int i = 0; i < times; i++) {
      key.encrypt(DATA, DATA);
    }
  }

  private static FunctionTimer timer(SimpleMeterRegistry registry, String key) {
    return registry
        .get("hsm.operation.duration")
        .tags("key", key, "operation", "encrypt", "outcome", "ok")
        .functionTimer();
  }
}
