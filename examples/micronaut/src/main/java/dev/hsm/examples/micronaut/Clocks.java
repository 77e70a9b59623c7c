package dev.hsm.examples.micronaut;

import dev.hsm.config.HsmConfigCustomizer;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The application's clock, which the HSM keeps time by too. */
@Factory
public class Clocks {

  /** The application's clock; a test can replace it to move time. */
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  /** The HSM keeps time (key creation, rotation, audit entries) by the application's clock. */
  @Singleton
  HsmConfigCustomizer hsmClock(Clock clock) {
    return config -> config.clock(clock);
  }
}
