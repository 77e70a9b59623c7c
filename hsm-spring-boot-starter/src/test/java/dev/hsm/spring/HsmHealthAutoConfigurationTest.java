package dev.hsm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.contract.HealthIndicatorContract;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The {@code hsm} health indicator: hsm-core's health cases (the same as the Micronaut module's),
 * and off without Actuator's health support.
 */
class HsmHealthAutoConfigurationTest extends HealthIndicatorContract {
  @TempDir Path dir;

  private static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(HsmAutoConfiguration.class, HsmHealthAutoConfiguration.class));
  }

  @Override
  protected String switchProperty() {
    return "management.health.hsm.enabled";
  }

  @Override
  protected Optional<Report> check(
      Map<String, String> properties, Consumer<HsmClient> beforeCheck) {
    AtomicReference<Optional<Report>> report = new AtomicReference<>();
    runner()
        .withPropertyValues(
            properties.entrySet().stream()
                .map(property -> property.getKey() + "=" + property.getValue())
                .toArray(String[]::new))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              beforeCheck.accept(context.getBean(HsmClient.class));
              report.set(
                  context.getBeanProvider(HsmHealthIndicator.class).stream()
                      .findFirst()
                      .map(
                          indicator -> {
                            Health health = indicator.health();
                            return new Report(health.getStatus().getCode(), health.getDetails());
                          }));
            });
    return report.get();
  }

  @Test
  void healthIndicator_isTheBeanNamedHsmHealthIndicator() {
    runner()
        .withPropertyValues(TestStores.storeIn(dir))
        .run(
            context ->
                assertThat(context)
                    .hasSingleBean(HsmHealthIndicator.class)
                    .hasBean("hsmHealthIndicator"));
  }

  @Test
  void healthIndicator_staysOff_withoutActuatorHealthOnTheClasspath() {
    runner()
        .withPropertyValues(TestStores.storeIn(dir))
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(HsmClient.class);
              assertThat(context)
                  .doesNotHaveBean(HsmHealthIndicator.class)
                  .doesNotHaveBean("hsmHealthIndicator");
            });
  }
}
