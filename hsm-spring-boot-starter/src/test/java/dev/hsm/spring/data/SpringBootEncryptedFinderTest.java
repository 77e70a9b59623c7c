package dev.hsm.spring.data;

import dev.hsm.contract.EncryptedFinderContract;
import dev.hsm.spring.HsmAutoConfiguration;
import dev.hsm.spring.HsmDataJdbcAutoConfiguration;
import dev.hsm.spring.TestStores;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.jdbc.repository.config.EnableJdbcRepositories;

/** hsm-core's finder cases, each through Spring Data JDBC with one of {@link ContractFinders}. */
class SpringBootEncryptedFinderTest extends EncryptedFinderContract {
  @TempDir Path dir;

  private static final Map<Finder, Class<?>> CONFIGURATIONS =
      Map.of(
          Finder.DETERMINISTIC_FIELD, ByEmail.class,
          Finder.ROW_BOUND_FIELD, ByAddress.class,
          Finder.RANDOMIZED_FIELD_NOT_BOUND_TO_ITS_ROW, ByBody.class);

  @Override
  protected Throwable startupFailure(Finder finder) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                JdbcTemplateAutoConfiguration.class,
                DataSourceTransactionManagerAutoConfiguration.class,
                DataJdbcRepositoriesAutoConfiguration.class,
                HsmAutoConfiguration.class,
                HsmDataJdbcAutoConfiguration.class))
        .withPropertyValues(TestStores.storeIn(dir))
        .withPropertyValues(
            "spring.datasource.url=jdbc:sqlite:" + dir.resolve("app.db"),
            "hsm.keys.pii.algorithm=AES_256_GCM",
            "hsm.keys.pii-search.algorithm=AES_256_GCM_SIV")
        .withUserConfiguration(CONFIGURATIONS.get(finder))
        .run(context -> failure.set(context.getStartupFailure()));
    return failure.get();
  }

  @Configuration(proxyBeanMethods = false)
  static class Dialect {
    @Bean
    JdbcDialect sqliteDialect() {
      return SqliteDialect.INSTANCE;
    }
  }

  @EnableJdbcRepositories(
      basePackageClasses = ContractFinders.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = ContractFinders.ByEmail.class))
  static class ByEmail extends Dialect {}

  @EnableJdbcRepositories(
      basePackageClasses = ContractFinders.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = ContractFinders.ByAddress.class))
  static class ByAddress extends Dialect {}

  @EnableJdbcRepositories(
      basePackageClasses = ContractFinders.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = ContractFinders.ByBody.class))
  static class ByBody extends Dialect {}
}
