package dev.hsm.spring.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.contract.PostgresRoles;
import dev.hsm.contract.StoreStartupFailureContract;
import dev.hsm.postgresql.TestDatabase;
import dev.hsm.spring.HsmAutoConfiguration;
import dev.hsm.spring.HsmHealthAutoConfiguration;
import dev.hsm.spring.TestStores;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** hsm-core's start-up failure cases for a PostgreSQL store, run through the auto-configuration. */
class PostgresStartupFailureTest extends StoreStartupFailureContract {

  private static ApplicationContextRunner runner(Map<String, String> properties) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(HsmAutoConfiguration.class, HsmHealthAutoConfiguration.class))
        .withPropertyValues(
            properties.entrySet().stream()
                .map(property -> property.getKey() + "=" + property.getValue())
                .toArray(String[]::new));
  }

  private static Throwable failure(ApplicationContextRunner runner) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    runner.run(context -> failure.set(context.getStartupFailure()));
    return failure.get();
  }

  @Override
  protected Throwable startupFailure(Map<String, String> properties) {
    return failure(runner(properties));
  }

  @Override
  protected Throwable startupFailureWithoutPostgresqlModule(Map<String, String> properties) {
    return failure(
        runner(properties).withClassLoader(new FilteredClassLoader("dev.hsm.postgresql")));
  }

  @Override
  protected String postgresqlUrl() {
    return TestDatabase.jdbcUrl();
  }

  @Override
  protected PostgresRoles.Superuser superuser() {
    return () -> TestDatabase.server().getPostgresDatabase().getConnection();
  }

  @Test
  void environmentVariablesUnderHsmStore_areNotChecked(@TempDir Path dir) {
    Map<String, Object> kubernetes = Map.of("HSM_STORE_SERVICE_HOST", "10.0.0.7");
    runner(Map.of())
        .withPropertyValues(TestStores.storeIn(dir))
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(new SystemEnvironmentPropertySource("kubernetes", kubernetes)))
        .run(context -> assertThat(context).hasNotFailed());
  }
}
