package dev.hsm.micronaut;

import dev.hsm.config.HsmConfigCustomizer;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Order;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Two customizers, only in contexts with {@code test.customizers=on}: a fixed clock, then a day
 * later. Declared in the opposite order to their {@code @Order}, so the order is not an accident.
 */
@Factory
@Requires(property = "test.customizers", value = "on")
public class TestCustomizers {
  /** The fixed clock's instant. */
  public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @Singleton
  @Order(2)
  HsmConfigCustomizer oneDayLater() {
    return config -> config.clock(Clock.offset(config.clock(), Duration.ofDays(1)));
  }

  @Singleton
  @Order(1)
  HsmConfigCustomizer fixedClock() {
    return config -> config.clock(Clock.fixed(START, ZoneOffset.UTC));
  }
}
