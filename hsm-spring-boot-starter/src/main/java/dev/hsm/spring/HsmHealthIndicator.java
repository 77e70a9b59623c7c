package dev.hsm.spring;

import dev.hsm.HsmClient;
import dev.hsm.KeyInfo;
import java.util.List;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the key store {@code UP} when the client is open and unlocked and its database answers
 * (it lists the keys), with the number of keys ({@code keys}) and which store it is ({@code store}:
 * the SQLite file, or the PostgreSQL database and schema) as details; {@code DOWN} with the error
 * ({@code error}) and the store otherwise. Shown as {@code hsm} under {@code /actuator/health}.
 * Never reports key material, passwords or other secrets.
 */
public class HsmHealthIndicator extends AbstractHealthIndicator {
  private final HsmClient hsm;

  /** An indicator for {@code hsm}. */
  public HsmHealthIndicator(HsmClient hsm) {
    super("Key store health check failed");
    this.hsm = hsm;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.withDetail("store", hsm.storeDescription()); // kept when the check below fails
    List<KeyInfo> keys = hsm.listKeys();
    builder.up().withDetail("keys", keys.size());
  }
}
