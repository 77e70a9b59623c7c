package dev.hsm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code hsm} health indicator: on with Actuator's health support, off without it. */
class HsmHealthAutoConfigurationTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(HsmAutoConfiguration.class, HsmHealthAutoConfiguration.class))
        .withPropertyValues(TestStores.storeIn(dir))
        .withPropertyValues(
            "hsm.keys.receipts.algorithm=ED25519", "hsm.keys.pii.algorithm=AES_256_GCM");
  }

  @Test
  void healthIndicator_reportsUpWithTheKeyCount() {
    runner()
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(HsmHealthIndicator.class)
                  .hasBean("hsmHealthIndicator");
              Health health = context.getBean(HsmHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsEntry("keys", 2);
            });
  }

  @Test
  void healthIndicator_reportsDownWhenTheStoreIsClosed() {
    runner()
        .run(
            context -> {
              context.getBean(HsmClient.class).close();
              Health health = context.getBean(HsmHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.getDetails().get("error").toString()).contains("closed");
            });
  }

  @Test
  void healthIndicator_staysOff_withoutActuatorHealthOnTheClasspath() {
    runner()
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(HsmClient.class);
              assertThat(context)
                  .doesNotHaveBean(HsmHealthIndicator.class)
                  .doesNotHaveBean("hsmHealthIndicator");
            });
  }

  @Test
  void healthIndicator_staysOff_whenDisabledByProperty() {
    runner()
        .withPropertyValues("management.health.hsm.enabled=false")
        .run(
            context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(HsmHealthIndicator.class));
  }
}
