package dev.hsm.config;

import dev.hsm.HsmConfig;
import dev.hsm.InvalidArgumentException;

/**
 * Adjusts the {@link HsmConfig} a starter builds from {@code hsm.*} before it opens the {@code
 * HsmClient}: what properties cannot express (a {@link java.time.Clock}, Argon2 cost), without
 * replacing the starter's {@code HsmClient} bean. Declare one or more as beans; both starters apply
 * them in their framework's order ({@code @Order} or {@code Ordered}), each receiving the previous
 * one's result.
 *
 * <pre>{@code
 * HsmConfigCustomizer fixedClock = config -> config.clock(Clock.fixed(instant, ZoneOffset.UTC));
 * }</pre>
 *
 * <p>{@code HsmConfig} is immutable, so a customizer returns the adjusted copy (or the config it
 * was given, unchanged).
 */
@FunctionalInterface
public interface HsmConfigCustomizer {

  /**
   * The adjusted configuration.
   *
   * @param config the configuration so far: from {@code hsm.*}, then from earlier customizers
   * @return the configuration to use from here on; never {@code null}
   */
  HsmConfig customize(HsmConfig config);

  /**
   * Applies {@code customizers} to {@code config} in iteration order, each to the previous one's
   * result.
   *
   * @throws InvalidArgumentException naming the customizer, if one returns {@code null}
   */
  static HsmConfig applyAll(HsmConfig config, Iterable<? extends HsmConfigCustomizer> customizers) {
    HsmConfig result = InvalidArgumentException.requireNonNull(config, "config");
    for (HsmConfigCustomizer customizer : customizers) {
      result = customizer.customize(result);
      if (result == null) {
        throw new InvalidArgumentException(
            "HsmConfigCustomizer "
                + customizer
                + " returned null; return the config it was given, or an adjusted copy");
      }
    }
    return result;
  }
}
