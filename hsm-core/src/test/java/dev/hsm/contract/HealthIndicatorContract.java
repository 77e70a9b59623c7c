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
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code hsm} health indicator both starters contribute: the same statuses with the same
 * details, and a switch to turn it off in each framework's own way. A starter's test extends this
 * class and reads its framework's indicator.
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

  @Test
  void healthyStore_isUp_withTheNumberOfKeysAsItsOnlyDetail() {
    AtomicInteger keys = new AtomicInteger();

    Report report = check(properties, hsm -> keys.set(hsm.listKeys().size())).orElseThrow();

    assertThat(keys.get()).isGreaterThanOrEqualTo(2);
    assertThat(report).isEqualTo(new Report("UP", Map.of("keys", keys.get())));
  }

  @Test
  void closedClient_isDown_withTheErrorAsItsOnlyDetail() {
    Report report = check(properties, HsmClient::close).orElseThrow();

    assertThat(report.status()).isEqualTo("DOWN");
    assertThat(report.details()).containsOnlyKeys("error");
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
