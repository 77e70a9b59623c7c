package dev.hsm.micronaut.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.contract.MetricsContract;
import dev.hsm.micronaut.TestHsm;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** hsm-core's metrics cases, run against the Micronaut module, and when metrics stay off. */
class MicronautMetricsTest extends MetricsContract {

  @Override
  protected void run(Map<String, String> properties, List<Object> beans, Consumer<HsmClient> body) {
    Map<String, Object> all = TestHsm.declaredKeys(); // the test beans need them
    all.putAll(properties);
    try (ApplicationContext context =
        ApplicationContext.builder().properties(all).singletons(beans.toArray()).start()) {
      body.accept(context.getBean(HsmClient.class));
    }
  }

  @Test
  void metrics_stayOff_whenDisabled_andWithoutARegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Map<String, Object> properties = new HashMap<>(TestHsm.properties(TestHsm.newDirectory()));
    properties.put("hsm.metrics.enabled", "false");
    try (ApplicationContext context =
        ApplicationContext.builder().properties(properties).singletons(registry).start()) {
      context.getBean(HsmClient.class).key("pii").encrypt(new byte[1], new byte[0]);
    }
    assertThat(registry.getMeters()).isEmpty();
    try (ApplicationContext context =
        ApplicationContext.run(TestHsm.properties(TestHsm.newDirectory()))) {
      assertThat(context.findBean(MeterRegistry.class)).isEmpty();
      assertThat(context.getBean(HsmClient.class).key("pii").getClass().getSimpleName())
          .isEqualTo("DefaultKeyHandle");
    }
  }
}
