package dev.hsm.spring;

import dev.hsm.contract.StartupFailureContract;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** hsm-core's start-up failure cases, run through the auto-configuration. */
class SpringBootStartupFailureTest extends StartupFailureContract {

  @Override
  protected Throwable startupFailure(Map<String, String> properties) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(HsmAutoConfiguration.class, HsmHealthAutoConfiguration.class))
        .withPropertyValues(
            properties.entrySet().stream()
                .map(property -> property.getKey() + "=" + property.getValue())
                .toArray(String[]::new))
        .run(context -> failure.set(context.getStartupFailure()));
    return failure.get();
  }
}
