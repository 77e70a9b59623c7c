package dev.hsm.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.VerificationFailedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Micrometer metrics both starters contribute when the application has a {@link MeterRegistry}:
 * the same meter names, tags and counts after real operations, and {@code hsm.metrics.key-tags}. A
 * starter's test extends this class and starts its framework with the registry as a bean.
 */
public abstract class MetricsContract {
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);

  @TempDir private Path dir;

  private final Map<String, String> properties = new LinkedHashMap<>();

  /**
   * Starts the starter's application with {@code properties} and {@code beans} (a meter registry,
   * maybe an observation registry) as beans of their own classes, passes its {@code HsmClient} bean
   * to {@code body}, then stops it.
   */
  protected abstract void run(
      Map<String, String> properties, List<Object> beans, Consumer<HsmClient> body);

  @BeforeEach
  void store() throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.write(dir.resolve("hsm.key"), key);
    properties.put("hsm.store.path", dir.resolve("hsm.db").toString());
    properties.put("hsm.unlock.key-file", dir.resolve("hsm.key").toString());
    properties.put("hsm.keys.receipts.algorithm", "ECDSA_P256_SHA256");
    properties.put("hsm.keys.pii.algorithm", "AES_256_GCM");
  }

  private static double count(MeterRegistry registry, String name, String... tags) {
    // hsm.operations and hsm.key.cache are function counters, hsm.refusals a counter
    return registry.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum()
        + registry.find(name).tags(tags).functionCounters().stream()
            .mapToDouble(c -> c.count())
            .sum();
  }

  @Test
  void operations_areCountedAndTimed_byKeyOperationAndOutcome_andRefusalsByReason() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    run(
        properties,
        List.of(registry),
        hsm -> {
          KeyHandle receipts = hsm.key("receipts");
          for (int i = 0; i < 3; i++) {
            receipts.verify(DATA, receipts.sign(DATA));
          }
          byte[] bad = receipts.sign(DATA);
          bad[bad.length - 1] ^= 1;
          assertThatThrownBy(() -> receipts.verify(DATA, bad))
              .isInstanceOf(VerificationFailedException.class);
          KeyHandle pii = hsm.key("pii");
          byte[] ciphertext = pii.encrypt(DATA, DATA);
          pii.disable();
          assertThatThrownBy(() -> hsm.key("pii").decrypt(ciphertext, DATA))
              .isInstanceOf(KeyDisabledException.class);
        });

    assertThat(count(registry, "hsm.operations", "key", "receipts", "operation", "sign"))
        .isEqualTo(4);
    assertThat(
            count(
                registry,
                "hsm.operations",
                "key",
                "receipts",
                "operation",
                "verify",
                "outcome",
                "ok"))
        .isEqualTo(3);
    assertThat(count(registry, "hsm.operations", "operation", "verify", "outcome", "failed"))
        .isEqualTo(1);
    assertThat(count(registry, "hsm.operations", "key", "pii", "outcome", "refused")).isEqualTo(1);
    assertThat(
            count(
                registry,
                "hsm.refusals",
                "key",
                "pii",
                "operation",
                "decrypt",
                "reason",
                "disabled"))
        .isEqualTo(1);
    assertThat(
            registry
                .get("hsm.operation.duration")
                .tags("key", "receipts", "operation", "sign", "outcome", "ok")
                .functionTimer()
                .count())
        .isEqualTo(4);
    assertThat(
            registry
                .get("hsm.operation.duration")
                .tags("operation", "sign")
                .functionTimer()
                .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
        .isPositive();
    assertThat(count(registry, "hsm.key.cache", "result", "hit")).isPositive();
  }

  @Test
  void keyTags_canBeTurnedOff_forStoresWithManyKeys() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    properties.put("hsm.metrics.key-tags", "false");
    run(
        properties,
        List.of(registry),
        hsm -> {
          hsm.key("receipts").sign(DATA);
          hsm.key("pii").encrypt(DATA, DATA);
        });

    assertThat(registry.getMeters())
        .filteredOn(meter -> meter.getId().getName().startsWith("hsm."))
        .isNotEmpty()
        .allSatisfy(meter -> assertThat(meter.getId().getTag("key")).isNull());
    assertThat(count(registry, "hsm.operations", "operation", "sign", "outcome", "ok"))
        .isEqualTo(1);
  }

  @Test
  void gauges_showKeysByState_andSecondsUntilTheNextRotationAndDestruction() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    properties.put("hsm.metrics.overview-refresh", "0s"); // read afresh at every look
    run(
        properties,
        List.of(registry),
        hsm -> {
          double enabled = gauge(registry, "hsm.keys", "state", "enabled");
          double disabled = gauge(registry, "hsm.keys", "state", "disabled");
          double versions = gauge(registry, "hsm.key.versions", "state", "enabled");
          assertThat(enabled).isEqualTo(hsm.listKeys().size());
          assertThat(gauge(registry, "hsm.rotation.next")).isNaN();

          hsm.createKey("weekly", KeySpec.hmacSha256().withRotationPeriod(Duration.ofDays(7)));
          hsm.key("pii").rotate();
          hsm.key("pii").disableVersion(1);
          hsm.admin().scheduleDestruction("pii", 1, Duration.ofDays(3));
          hsm.key("receipts").disable();

          assertThat(gauge(registry, "hsm.keys", "state", "enabled")).isEqualTo(enabled);
          assertThat(gauge(registry, "hsm.keys", "state", "disabled")).isEqualTo(disabled + 1);
          assertThat(gauge(registry, "hsm.key.versions", "state", "enabled"))
              .isEqualTo(versions + 1);
          assertThat(gauge(registry, "hsm.key.versions", "state", "scheduled-for-destruction"))
              .isEqualTo(1);
          assertThat(gauge(registry, "hsm.rotation.next")).isBetween(7 * 86400.0 - 60, 7 * 86400.0);
          assertThat(gauge(registry, "hsm.destruction.next"))
              .isBetween(3 * 86400.0 - 60, 3 * 86400.0);
          assertThat(registry.get("hsm.rotation.next").gauge().getId().getBaseUnit())
              .isEqualTo("seconds");
        });
  }

  private static double gauge(MeterRegistry registry, String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void withAnObservationRegistry_eachOperationIsAnObservation_withKeyOperationAndOutcome() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ObservationRegistry observations = ObservationRegistry.create();
    List<String> seen = new CopyOnWriteArrayList<>();
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler<Observation.Context>() {
              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }

              @Override
              public void onStop(Observation.Context context) {
                seen.add(
                    context.getName()
                        + " "
                        + context.getLowCardinalityKeyValue("key").getValue()
                        + " "
                        + context.getLowCardinalityKeyValue("operation").getValue()
                        + " "
                        + context.getLowCardinalityKeyValue("outcome").getValue());
              }
            });
    run(
        properties,
        List.of(registry, observations),
        hsm -> {
          hsm.key("receipts").sign(DATA);
          hsm.key("pii").disable();
          assertThatThrownBy(() -> hsm.key("pii").encrypt(DATA, DATA))
              .isInstanceOf(KeyDisabledException.class);
        });

    assertThat(seen)
        .containsExactly("hsm.operation receipts sign ok", "hsm.operation pii encrypt refused");
    assertThat(count(registry, "hsm.operations", "key", "receipts")).isEqualTo(1);
  }
}
