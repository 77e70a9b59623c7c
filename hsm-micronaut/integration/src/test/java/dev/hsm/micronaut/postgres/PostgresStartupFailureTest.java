package dev.hsm.micronaut.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.contract.PostgresRoles;
import dev.hsm.contract.StoreStartupFailureContract;
import dev.hsm.micronaut.TestHsm;
import dev.hsm.postgresql.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** hsm-core's start-up failure cases for a PostgreSQL store, run through Micronaut's context. */
class PostgresStartupFailureTest extends StoreStartupFailureContract {

  private static Throwable failure(ClassLoader classLoader, Map<String, String> properties) {
    Map<String, Object> all = TestHsm.declaredKeys(); // the test beans need them
    all.putAll(properties);
    try (ApplicationContext context =
        ApplicationContext.builder().classLoader(classLoader).properties(all).start()) {
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Override
  protected Throwable startupFailure(Map<String, String> properties) {
    return failure(getClass().getClassLoader(), properties);
  }

  @Override
  protected Throwable startupFailureWithoutPostgresqlModule(Map<String, String> properties) {
    return failure(new Hiding(getClass().getClassLoader(), "dev.hsm.postgresql."), properties);
  }

  @Override
  protected String postgresqlUrl() {
    return TestDatabase.jdbcUrl();
  }

  @Override
  protected PostgresRoles.Superuser superuser() {
    return () -> TestDatabase.server().getPostgresDatabase().getConnection();
  }

  /** Its parent's classes, except those of one package. */
  private static final class Hiding extends ClassLoader {
    private final String hidden;

    Hiding(ClassLoader parent, String hidden) {
      super(parent);
      this.hidden = hidden;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith(hidden)) {
        throw new ClassNotFoundException(name);
      }
      return super.loadClass(name, resolve);
    }
  }

  @Test
  void environmentVariablesUnderHsmStore_areNotChecked() {
    Map<String, Object> properties = TestHsm.properties(TestHsm.newDirectory());
    PropertySource kubernetes =
        PropertySource.of(
            "kubernetes",
            Map.of("HSM_STORE_SERVICE_HOST", "10.0.0.7"),
            PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE);
    try (ApplicationContext context =
        ApplicationContext.builder().properties(properties).propertySources(kubernetes).start()) {
      assertThat(context.getBean(HsmClient.class).listKeys()).isNotEmpty();
    }
  }
}
