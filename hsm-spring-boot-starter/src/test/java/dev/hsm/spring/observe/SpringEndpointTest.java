package dev.hsm.spring.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.contract.EndpointContract;
import dev.hsm.spring.HsmAutoConfiguration;
import dev.hsm.spring.HsmEndpoint;
import dev.hsm.spring.HsmEndpointAutoConfiguration;
import dev.hsm.spring.TestStores;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** hsm-core's endpoint cases (the same as the Micronaut module's), and its default exposure. */
class SpringEndpointTest extends EndpointContract {
  @TempDir Path dir;

  private static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(HsmAutoConfiguration.class, HsmEndpointAutoConfiguration.class));
  }

  @Override
  protected Optional<Map<String, Object>> read(
      Map<String, String> properties, Consumer<HsmClient> before) {
    AtomicReference<Optional<Map<String, Object>>> report = new AtomicReference<>();
    runner()
        .withPropertyValues("management.endpoints.web.exposure.include=health,hsm")
        .withPropertyValues(
            properties.entrySet().stream()
                .map(property -> property.getKey() + "=" + property.getValue())
                .toArray(String[]::new))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              before.accept(context.getBean(HsmClient.class));
              report.set(
                  context.getBeanProvider(HsmEndpoint.class).stream()
                      .findFirst()
                      .map(HsmEndpoint::hsm));
            });
    return report.get();
  }

  @Test
  void endpoint_isNotThere_untilTheApplicationExposesIt() {
    runner()
        .withPropertyValues(TestStores.storeIn(dir))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HsmEndpoint.class));
    runner()
        .withPropertyValues(TestStores.storeIn(dir))
        .withPropertyValues("management.endpoints.web.exposure.include=hsm")
        .run(context -> assertThat(context).hasSingleBean(HsmEndpoint.class));
  }
}
