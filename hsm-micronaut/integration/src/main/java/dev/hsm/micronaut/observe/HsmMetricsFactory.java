package dev.hsm.micronaut.observe;

import dev.hsm.HsmClient;
import dev.hsm.config.HsmConfigCustomizer;
import dev.hsm.config.HsmMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;

/**
 * Micrometer metrics of the HSM ({@link HsmMeters}: operations, latency, refusals, key cache, keys
 * by state, next due rotation and destruction), the same as the Spring Boot starter's, in the
 * application's {@link MeterRegistry} bean (micronaut-micrometer's, or the application's own), when
 * Micrometer is on the classpath; each operation is also an {@code hsm.operation} observation when
 * the context has an {@link ObservationRegistry} bean. Off with {@code hsm.metrics.enabled=false};
 * {@code hsm.metrics.key-tags=false} leaves out the key names, {@code hsm.metrics.overview-refresh}
 * (default 30s) bounds how often the gauges list the keys, {@code hsm.metrics.observations=false}
 * turns the observations off.
 */
@Factory
@Requires(classes = MeterRegistry.class)
@Requires(property = "hsm.metrics.enabled", notEquals = StringUtils.FALSE)
public class HsmMetricsFactory {

  /** Adds the metrics observer to the client's config; the gauges read the client when scraped. */
  @Singleton
  @Requires(beans = MeterRegistry.class)
  HsmConfigCustomizer hsmMetricsCustomizer(
      MeterRegistry registry,
      Optional<ObservationRegistry> observations,
      BeanProvider<HsmClient> client,
      @Value("${hsm.metrics.key-tags:true}") boolean keyTags,
      @Value("${hsm.metrics.overview-refresh:30s}") Duration overviewRefresh,
      @Value("${hsm.metrics.observations:true}") boolean observe) {
    return config ->
        config.observe(
            new HsmMeters(
                registry,
                keyTags,
                observe ? observations.orElse(null) : null,
                client::get,
                overviewRefresh,
                config.clock()));
  }
}
