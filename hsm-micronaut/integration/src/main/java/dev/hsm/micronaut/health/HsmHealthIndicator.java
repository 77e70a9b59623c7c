package dev.hsm.micronaut.health;

import dev.hsm.HsmClient;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.HealthIndicator;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Health of the key store, under the name {@code hsm}: UP with the number of keys ({@code keys})
 * when the store can be read through the unlocked client; DOWN with the error ({@code error}) when
 * it cannot (file gone or unreadable, database unreachable, client closed). Both name the store
 * ({@code store}: the SQLite file, or the PostgreSQL database and schema). The same details as the
 * Spring Boot starter's indicator. Never reports key material, passwords or other secrets.
 *
 * <p>Active when micronaut-management's health endpoint is; switched off, like Micronaut's own
 * indicators, with {@code endpoints.health.hsm.enabled=false}.
 */
@Singleton
@Requires(classes = HealthIndicator.class)
@Requires(property = HsmHealthIndicator.ENABLED, notEquals = StringUtils.FALSE)
@Requires(beans = HealthEndpoint.class)
public class HsmHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
  /** The indicator's name in the health report. */
  public static final String NAME = "hsm";

  /** The property that switches the indicator off when {@code false}. */
  public static final String ENABLED = HealthEndpoint.PREFIX + "." + NAME + ".enabled";

  private final HsmClient hsm;

  /** Created by Micronaut. */
  public HsmHealthIndicator(HsmClient hsm) {
    this.hsm = hsm;
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    String store = hsm.storeDescription();
    try {
      int keys = hsm.listKeys().size(); // reads the store: fails if unreachable, locked or closed
      healthStatus = HealthStatus.UP;
      return Map.of("keys", keys, "store", store);
    } catch (RuntimeException e) {
      // DOWN, with the store beside the error (as Spring Boot's Health.Builder.down(e) words it)
      healthStatus = HealthStatus.DOWN;
      return Map.of("error", e.getClass().getName() + ": " + e.getMessage(), "store", store);
    }
  }

  @Override
  protected String getName() {
    return NAME;
  }
}
