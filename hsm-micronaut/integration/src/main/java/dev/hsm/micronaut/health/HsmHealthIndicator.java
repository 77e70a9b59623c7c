package dev.hsm.micronaut.health;

import dev.hsm.HsmClient;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.HealthIndicator;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Health of the key store, under the name {@code hsm}: UP with the number of keys when the store
 * can be read through the unlocked client; DOWN with the error when it cannot (file gone or
 * unreadable, client closed). Active when micronaut-management is on the classpath.
 */
@Singleton
@Requires(classes = HealthIndicator.class)
public class HsmHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
  /** The indicator's name in the health report. */
  public static final String NAME = "hsm";

  private final HsmClient hsm;

  /** Created by Micronaut. */
  public HsmHealthIndicator(HsmClient hsm) {
    this.hsm = hsm;
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    int keys = hsm.listKeys().size(); // reads the store: fails if unreachable, locked or closed
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("unlocked", true);
    details.put("keys", keys);
    healthStatus = HealthStatus.UP;
    return details;
  }

  @Override
  protected String getName() {
    return NAME;
  }
}
