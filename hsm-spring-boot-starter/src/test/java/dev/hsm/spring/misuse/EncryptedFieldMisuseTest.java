package dev.hsm.spring.misuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.annotation.InvalidAnnotationException;
import dev.hsm.spring.Failures;
import dev.hsm.spring.HsmAutoConfiguration;
import dev.hsm.spring.HsmDataJdbcAutoConfiguration;
import dev.hsm.spring.TestStores;
import dev.hsm.spring.data.SqliteDialect;
import dev.hsm.spring.misuse.scanned.Unreferenced;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
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

/**
 * Wrong uses of {@code @Encrypted} on Spring Data JDBC entities and queries fail context start-up
 * with a message naming the field or query method and the key.
 */
class EncryptedFieldMisuseTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
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
            "hsm.keys.lookup.algorithm=AES_256_GCM_SIV",
            "hsm.keys.receipts.algorithm=ED25519");
  }

  static Stream<Arguments> misuses() {
    return Stream.of(
        Arguments.of(QueriesARandomizedField.class, "findByNotes", "pii", "deterministic = false"),
        Arguments.of(
            QueriesWithLike.class, "findByEmailLike", "lookup", "LIKE cannot work on ciphertext"),
        Arguments.of(QueriesIgnoringCase.class, "findByEmailIgnoreCase", "lookup", "ignoring case"),
        Arguments.of(OrdersByAnEncryptedField.class, "findAllByOrderByEmail", "lookup", "ordering"),
        Arguments.of(QueriesWithAnotherType.class, "findByEmail", "lookup", "java.lang.Integer"),
        Arguments.of(SigningKeyField.class, "SigningKeyField.secret", "receipts", "AEAD key"),
        Arguments.of(IntField.class, "IntField.pin", "pii", "only String and byte[]"),
        Arguments.of(
            SequenceIdField.class,
            "SequenceId.secret",
            "pii",
            "the database generates the id when the row is written"),
        Arguments.of(NestedField.class, "Child.secret", "pii", "aggregate root"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misuses")
  void misuse_failsStartup_namingTheFieldOrMethodAndTheKey(
      Class<?> configuration, String where, String key, String why) {
    runner()
        .withUserConfiguration(configuration)
        .run(
            context ->
                assertThat(
                        Failures.find(
                            context.getStartupFailure(), InvalidAnnotationException.class))
                    .hasMessageContaining(where)
                    .hasMessageContaining("\"" + key + "\"")
                    .hasMessageContaining(why));
  }

  @Test
  void correctQueries_start() {
    runner()
        .withUserConfiguration(Fine.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(AccountRepositories.Fine.class);
            });
  }

  @Test
  void entityKnownOnlyThroughTableScanning_isCheckedAtStartup() {
    runner()
        .withUserConfiguration(DialectOnly.class)
        .withInitializer(
            context ->
                AutoConfigurationPackages.register(
                    (BeanDefinitionRegistry) context, Unreferenced.class.getPackageName()))
        .run(
            context ->
                assertThat(
                        Failures.find(
                            context.getStartupFailure(), InvalidAnnotationException.class))
                    .hasMessageContaining("Unreferenced.secret")
                    .hasMessageContaining("\"nope\""));
  }

  @Configuration(proxyBeanMethods = false)
  static class DialectOnly {
    @Bean
    JdbcDialect sqliteDialect() {
      return SqliteDialect.INSTANCE;
    }
  }

  @EnableJdbcRepositories(
      basePackageClasses = AccountRepositories.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = AccountRepositories.Fine.class))
  static class Fine extends DialectOnly {}

  @EnableJdbcRepositories(
      basePackageClasses = AccountRepositories.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = AccountRepositories.QueriesARandomizedField.class))
  static class QueriesARandomizedField extends DialectOnly {}

  @EnableJdbcRepositories(
      basePackageClasses = AccountRepositories.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = AccountRepositories.QueriesWithLike.class))
  static class QueriesWithLike extends DialectOnly {}

  @EnableJdbcRepositories(
      basePackageClasses = AccountRepositories.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = AccountRepositories.QueriesIgnoringCase.class))
  static class QueriesIgnoringCase extends DialectOnly {}

  @EnableJdbcRepositories(
      basePackageClasses = AccountRepositories.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = AccountRepositories.OrdersByAnEncryptedField.class))
  static class OrdersByAnEncryptedField extends DialectOnly {}

  @EnableJdbcRepositories(
      basePackageClasses = AccountRepositories.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = AccountRepositories.QueriesWithAnotherType.class))
  static class QueriesWithAnotherType extends DialectOnly {}

  @EnableJdbcRepositories(
      basePackageClasses = BadEntities.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = BadEntities.SigningKeyFieldRepository.class))
  static class SigningKeyField extends DialectOnly {}

  @EnableJdbcRepositories(
      basePackageClasses = BadEntities.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = BadEntities.IntFieldRepository.class))
  static class IntField extends DialectOnly {}

  @EnableJdbcRepositories(
      basePackageClasses = BadEntities.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = BadEntities.ParentRepository.class))
  static class NestedField extends DialectOnly {}

  @EnableJdbcRepositories(
      basePackageClasses = BadEntities.class,
      considerNestedRepositories = true,
      includeFilters =
          @ComponentScan.Filter(
              type = FilterType.ASSIGNABLE_TYPE,
              classes = BadEntities.SequenceIdRepository.class))
  static class SequenceIdField extends DialectOnly {}
}
