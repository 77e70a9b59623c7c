package dev.hsm.examples.spring;

import dev.hsm.config.HsmConfigCustomizer;
import dev.hsm.jca.HsmProvider;
import dev.hsm.spring.data.SqliteDialect;
import java.security.Security;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.relational.core.mapping.event.BeforeConvertCallback;

/**
 * The Spring Boot example: customers whose e-mail and phone are stored encrypted in SQLite, signed
 * receipts, and the signing key's public half at {@code /.well-known/jwks.json}. Everything the HSM
 * does here comes from {@code hsm-spring-boot-starter}, {@code application.properties} and two
 * annotations.
 *
 * <p>Run it from the repository root with {@code mvn -pl examples/spring-boot -am spring-boot:run},
 * or package it with {@code mvn -pl examples/spring-boot -am package -DskipTests} and run {@code
 * java -jar examples/spring-boot/target/hsm-example-spring-boot-0.1.0-SNAPSHOT.jar}. Set {@code
 * HSM_PASSPHRASE} to choose the key store's passphrase; without it a development passphrase is
 * used, with a loud warning. {@code PORT} changes the port from 8080.
 *
 * <p>With the profile {@code postgresql} ({@code SPRING_PROFILES_ACTIVE=postgresql}) the customers
 * and the key store live in a PostgreSQL database instead ({@code DATABASE_URL}, {@code
 * DATABASE_USER}, {@code DATABASE_PASSWORD}), which several instances share: see
 * docs/POSTGRESQL.md.
 */
@SpringBootApplication
public class CustomerApplication {
  private static final Logger log = LoggerFactory.getLogger(CustomerApplication.class);

  public static void main(String[] args) {
    if (System.getenv("HSM_PASSPHRASE") == null) {
      log.warn(
          "HSM_PASSPHRASE is not set; using the development passphrase printed in"
              + " application.properties. Anyone with the store file can unlock it. Never use this"
              + " outside a demo.");
    }
    // For HTTPS with the server key in the HSM (docs/JCA.md): an SSL bundle of key store type
    // DevHsm needs the provider installed, since JSSE looks its signatures up by name.
    Security.addProvider(new HsmProvider());
    SpringApplication.run(CustomerApplication.class, args);
  }

  /** The application's clock; a test can replace it to move time. */
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  /** The HSM keeps time (key creation, rotation, audit entries) by the application's clock. */
  @Bean
  HsmConfigCustomizer hsmClock(Clock clock) {
    return config -> config.clock(clock);
  }

  /**
   * New customers get a random id before they are written (the starter's own callback runs after
   * this one): the encrypted phone number is bound to its row's id, so the id cannot be left to the
   * database.
   */
  @Bean
  BeforeConvertCallback<Customer> customerIds() {
    return customer ->
        customer.id() == null ? customer.withId(UUID.randomUUID().toString()) : customer;
  }

  /**
   * Spring Data JDBC has no SQLite dialect of its own. Only for an SQLite database: on PostgreSQL
   * (the {@code postgresql} profile) Spring Data picks its own.
   */
  @Bean
  @ConditionalOnExpression("'${spring.datasource.url:}'.startsWith('jdbc:sqlite:')")
  JdbcDialect sqliteDialect() {
    return SqliteDialect.INSTANCE;
  }
}
