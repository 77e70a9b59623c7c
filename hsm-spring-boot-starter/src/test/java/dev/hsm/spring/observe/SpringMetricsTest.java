package dev.hsm.spring.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.contract.MetricsContract;
import dev.hsm.spring.HsmAutoConfiguration;
import dev.hsm.spring.HsmMetricsAutoConfiguration;
import dev.hsm.spring.TestStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** hsm-core's metrics cases (the same as the Micronaut module's), and when metrics stay off. */
class SpringMetricsTest extends MetricsContract {
  @TempDir Path dir;

  private static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(HsmAutoConfiguration.class, HsmMetricsAutoConfiguration.class));
  }

  @Override
  protected void run(Map<String, String> properties, List<Object> beans, Consumer<HsmClient> body) {
    ApplicationContextRunner runner = runner();
    for (Object bean : beans) {
      runner = withBean(runner, bean);
    }
    runner
        .withPropertyValues(
            properties.entrySet().stream()
                .map(property -> property.getKey() + "=" + property.getValue())
                .toArray(String[]::new))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              body.accept(context.getBean(HsmClient.class));
            });
  }

  @SuppressWarnings("unchecked")
  private static <T> ApplicationContextRunner withBean(ApplicationContextRunner runner, T bean) {
    return runner.withBean((Class<T>) bean.getClass(), () -> bean);
  }

  @Test
  void metrics_stayOff_withoutARegistry_withoutMicrometer_orWhenDisabled() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    runner()
        .withPropertyValues(TestStores.storeIn(dir))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(HsmClient.class));
    runner()
        .withBean(MeterRegistry.class, () -> registry)
        .withPropertyValues(TestStores.storeIn(dir))
        .withPropertyValues("hsm.metrics.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(HsmClient.class));
    runner()
        .withBean(MeterRegistry.class, () -> registry)
        .withPropertyValues(TestStores.storeIn(dir))
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(HsmClient.class)
                    .doesNotHaveBean(dev.hsm.spring.HsmMetricsProperties.class));
    assertThat(registry.getMeters()).isEmpty();
  }
}
