package dev.hsm.micronaut;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.config.DeclaredKeys;
import dev.hsm.config.HsmConfigCustomizer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.EachBean;
import io.micronaut.context.annotation.Factory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HsmClient} bean, opened from {@code hsm.*} at start-up with every declared key
 * ensured, and one {@link KeyHandle} bean per declared key, qualified {@code @Named("<name>")}.
 */
@Factory
public class HsmFactory {
  private static final Logger LOG = LoggerFactory.getLogger(DeclaredKeys.class);

  /**
   * Opens the store from {@code hsm.*}, as adjusted by the context's {@link HsmConfigCustomizer}
   * beans (in {@code @Order}), and ensures each {@code hsm.keys.<name>}: created if missing, else
   * checked against the store. Eager, so a wrong setting or a declared key that differs from the
   * stored one fails start-up; closed when the application context stops. Opened only once {@link
   * ProcessorPathCheck} has found the application's annotations compiled for Micronaut. {@code
   * hsm.store.data-source} names one of the context's DataSources ({@code application}: the one
   * injected without a qualifier).
   *
   * @throws dev.hsm.config.InvalidHsmPropertyException naming the property, if a setting is wrong
   *     or a key property is unknown
   * @throws dev.hsm.KeyAlreadyExistsException naming the key, if a declared key differs from the
   *     stored one
   */
  @Context
  @Bean(preDestroy = "close")
  public HsmClient hsmClient(
      HsmConfiguration configuration,
      List<HsmConfigCustomizer> customizers,
      ProcessorPathCheck processorPath,
      ApplicationContext context) {
    HsmKeyConfiguration.requireKnownProperties(context.getEnvironment());
    HsmClient hsm =
        HsmClient.open(
            HsmConfigCustomizer.applyAll(
                configuration.toConfig(new MicronautStarterContext(context)), customizers));
    try {
      DeclaredKeys.ensure(hsm, configuration.keySpecs(), LOG::warn);
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
