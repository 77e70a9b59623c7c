package dev.hsm.micronaut;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeySpec;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HsmClient} bean, opened from {@code hsm.*} at start-up with every declared key
 * ensured, and one {@link KeyHandle} bean per declared key, qualified {@code @Named("<name>")}.
 */
@Factory
public class HsmFactory {
  private static final Logger LOG = LoggerFactory.getLogger(HsmFactory.class);

  /**
   * Opens the store and ensures each {@code hsm.keys.<name>}: created if missing, else checked
   * against the store. Eager, so a wrong setting or a declared key that differs from the stored one
   * fails start-up; closed when the application context stops.
   *
   * @throws dev.hsm.KeyAlreadyExistsException naming the key, if a declared key differs from the
   *     stored one
   */
  @Context
  @Bean(preDestroy = "close")
  public HsmClient hsmClient(HsmConfiguration configuration, List<HsmKeyConfiguration> keys) {
    HsmClient hsm = HsmClient.open(configuration.toHsmConfig());
    try {
      for (HsmKeyConfiguration key : keys) {
        KeySpec spec = key.toKeySpec();
        warnIfDifferent(key.getName(), spec, hsm.ensureKey(key.getName(), spec).info());
      }
    } catch (RuntimeException e) {
      hsm.close();
      throw e;
    }
    return hsm;
  }

  /**
   * Labels and the rotation period apply when a key is created ({@code ensureKey} does not compare
   * them); say so if the stored key's differ, with the Spring Boot starter's wording.
   */
  private static void warnIfDifferent(String name, KeySpec spec, KeyInfo stored) {
    if (!spec.rotationPeriod().equals(stored.rotationPeriod())) {
      LOG.warn(
          "hsm.keys."
              + name
              + ".rotation-period asks for "
              + describe(spec.rotationPeriod())
              + " but the stored key '"
              + name
              + "' has "
              + describe(stored.rotationPeriod())
              + "; declared settings apply when a key is created: use HsmAdmin.setRotationPeriod"
              + " to change it");
    }
    if (!spec.labels().equals(stored.labels())) {
      LOG.warn(
          "hsm.keys."
              + name
              + ".labels are "
              + spec.labels()
              + " but the stored key '"
              + name
              + "' has "
              + stored.labels()
              + "; declared labels apply when a key is created");
    }
  }

  private static String describe(Duration period) {
    return period.isZero() ? "no rotation" : "rotation every " + period;
  }

  /** The declared key {@code <name>}, injectable as {@code @Named("<name>") KeyHandle}. */
  @EachBean(HsmKeyConfiguration.class)
  public KeyHandle keyHandle(HsmKeyConfiguration key, HsmClient hsm) {
    return hsm.key(key.getName());
  }
}
