package dev.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code hsm} health indicator both starters contribute: the same statuses with the same
 * details (the number of keys, which store it is, the error when down), and a switch to turn it off
 * in each framework's own way. A starter's test extends this class and reads its framework's
 * indicator; to run the cases on another store than the SQLite file, it overrides {@link
 * #storeProperties} and {@link #assertStoreDetail}.
 */
public abstract class HealthIndicatorContract {
  @TempDir private Path dir;

  /** What an indicator reported: its status code ({@code UP}, {@code DOWN}) and details. */
  public record Report(String status, Map<String, Object> details) {}

  /**
   * Starts the starter's application with {@code properties}, passes its {@code HsmClient} bean to
   * {@code beforeCheck}, then returns the {@code hsm} indicator's report; empty if the application
   * has no {@code hsm} indicator. A starter may add properties its test beans need, such as more
   * declared keys.
   */
  protected abstract Optional<Report> check(
      Map<String, String> properties, Consumer<HsmClient> beforeCheck);

  /** The property that switches the indicator off when {@code false}, in this framework. */
  protected abstract String switchProperty();

  private final Map<String, String> properties = new LinkedHashMap<>();

  /**
   * The {@code hsm.store.*} properties of a new, empty store for one case: by default an SQLite
   * file in {@code dir}; a starter's test on another store overrides it.
   */
  protected Map<String, String> storeProperties(Path dir) {
    return Map.of("hsm.store.path", dir.resolve("hsm.db").toString());
  }

  @BeforeEach
  void store() throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.write(dir.resolve("hsm.key"), key);
    properties.putAll(storeProperties(dir));
    properties.put("hsm.unlock.key-file", dir.resolve("hsm.key").toString());
    properties.put("hsm.keys.receipts.algorithm", "ECDSA_P256_SHA256");
    properties.put("hsm.keys.pii.algorithm", "AES_256_GCM");
  }

  @Test
  void healthyStore_isUp_withTheNumberOfKeysAndTheStoreAsDetails() {
    AtomicInteger keys = new AtomicInteger();
    AtomicReference<String> store = new AtomicReference<>();

    Report report =
        check(
                properties,
                hsm -> {
                  keys.set(hsm.listKeys().size());
                  store.set(hsm.storeDescription());
                })
            .orElseThrow();

    assertThat(keys.get()).isGreaterThanOrEqualTo(2);
    assertThat(report)
        .isEqualTo(new Report("UP", Map.of("keys", keys.get(), "store", store.get())));
    assertStoreDetail(store.get());
  }

  /**
   * Checks the {@code store} detail of the store {@link #storeProperties} made: by default, that it
   * names the SQLite file.
   */
  protected void assertStoreDetail(String store) {
    assertThat(store).isEqualTo("SQLite file " + properties.get("hsm.store.path"));
  }

  @Test
  void closedClient_isDown_withTheErrorAndTheStoreAsDetails() {
    AtomicReference<String> store = new AtomicReference<>();

    Report report =
        check(
                properties,
                hsm -> {
                  store.set(hsm.storeDescription());
                  hsm.close();
                })
            .orElseThrow();

    assertThat(report.status()).isEqualTo("DOWN");
    assertThat(report.details()).containsOnlyKeys("error", "store");
    assertThat(report.details()).containsEntry("store", store.get());
    assertThat(report.details().get("error").toString())
        .startsWith("dev.hsm.")
        .contains("Exception: ")
        .contains("closed");
  }

  @Test
  void indicator_isOn_unlessSwitchedOff() {
    properties.put(switchProperty(), "true");
    assertThat(check(properties, hsm -> {})).isPresent();

    properties.put(switchProperty(), "false");
    assertThat(check(properties, hsm -> {})).isEmpty();
  }
}
