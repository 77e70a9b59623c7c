package dev.hsm.spring;

import dev.hsm.HsmClient;
import dev.hsm.config.HsmConfigCustomizer;
import dev.hsm.config.HsmMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics of the HSM ({@link HsmMeters}: operations, latency, refusals, key cache, keys
 * by state, next due rotation and destruction) in the application's {@link MeterRegistry}, when
 * Micrometer is on the classpath and the context has a registry (Actuator's, or the application's
 * own); each operation is also an {@code hsm.operation} observation when the context has an {@link
 * ObservationRegistry}. Off with {@code hsm.metrics.enabled=false}.
 */
@AutoConfiguration(before = HsmAutoConfiguration.class)
@ConditionalOnClass({HsmClient.class, MeterRegistry.class})
@ConditionalOnProperty(prefix = "hsm.metrics", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HsmMetricsProperties.class)
public class HsmMetricsAutoConfiguration {

  /**
   * Adds the metrics observer to the client's config, if the context has a meter registry when the
   * client opens; the gauges read the client when scraped.
   */
  @Bean
  HsmConfigCustomizer hsmMetricsCustomizer(
      ObjectProvider<MeterRegistry> registry,
      ObjectProvider<ObservationRegistry> observations,
      ObjectProvider<HsmClient> client,
      HsmMetricsProperties properties) {
    return config -> {
      MeterRegistry meters = registry.getIfUnique();
      if (meters == null) {
        return config;
      }
      return config.observe(
          new HsmMeters(
              meters,
              properties.keyTags(),
              properties.observations() ? observations.getIfUnique() : null,
              client::getObject,
              properties.overviewRefresh(),
              config.clock()));
    };
  }
}
