package dev.hsm.spring.data;

import java.util.UUID;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.relational.core.mapping.event.BeforeConvertCallback;

/** A Boot application with Spring Data JDBC repositories over SQLite and @Encrypted fields. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(CustomerService.class)
public class DataApplication {
  @Bean
  JdbcDialect sqliteDialect() {
    return SqliteDialect.INSTANCE;
  }

  /**
   * New customers get a random id before they are written, as Spring Data JDBC suggests for ids the
   * application generates; the starter's callback runs after this one and binds the notes to that
   * id.
   */
  @Bean
  BeforeConvertCallback<Customer> customerIds() {
    return customer ->
        customer.id() == null ? customer.withId(UUID.randomUUID().toString()) : customer;
  }
}
