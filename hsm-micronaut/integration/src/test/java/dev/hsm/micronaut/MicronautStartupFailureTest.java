package dev.hsm.micronaut;

import dev.hsm.contract.StartupFailureContract;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;

/** hsm-core's start-up failure cases, run through Micronaut's application context. */
class MicronautStartupFailureTest extends StartupFailureContract {

  @Override
  protected Throwable startupFailure(Map<String, String> properties) {
    try (ApplicationContext context = ApplicationContext.run(new HashMap<>(properties))) {
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
