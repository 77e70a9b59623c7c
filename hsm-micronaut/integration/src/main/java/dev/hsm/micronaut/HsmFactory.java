package dev.hsm.micronaut;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import java.util.List;

/**
 * The {@link HsmClient} bean, opened from {@code hsm.*} at start-up with every declared key
 * ensured, and one {@link KeyHandle} bean per declared key, qualified {@code @Named("<name>")}.
 */
@Factory
public class HsmFactory {

  /**
   * Opens the store and ensures each {@code hsm.keys.<name>}: created if missing, else checked
   * against the store. Eager, so a wrong setting or a declared key that differs from the stored
   * one fails start-up; closed when the application context stops.
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
        hsm.ensureKey(key.getName(), key.toKeySpec());
      }
    } catch (RuntimeException e) {
      hsm.close();
      throw e;
    }
    return hsm;
  }

  /** The declared key {@code <name>}, injectable as {@code @Named("<name>") KeyHandle}. */
  @EachBean(HsmKeyConfiguration.class)
  public KeyHandle keyHandle(HsmKeyConfiguration key, HsmClient hsm) {
    return hsm.key(key.getName());
  }
}
