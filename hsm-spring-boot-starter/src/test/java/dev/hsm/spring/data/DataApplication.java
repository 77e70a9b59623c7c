package dev.hsm.spring.data;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;

/** A Boot application with Spring Data JDBC repositories over SQLite and @Encrypted fields. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(CustomerService.class)
public class DataApplication {
  @Bean
  JdbcDialect sqliteDialect() {
    return SqliteDialect.INSTANCE;
  }
}
