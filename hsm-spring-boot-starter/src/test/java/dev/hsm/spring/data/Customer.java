package dev.hsm.spring.data;

import dev.hsm.annotation.Encrypted;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An immutable aggregate: the e-mail is encrypted deterministically (so it can be looked up), the
 * notes with random nonces, bound to the row. New customers get their id from {@link
 * DataApplication}'s {@code BeforeConvertCallback}, before the starter encrypts.
 */
@Table("customer")
public record Customer(
    @Id String id,
    String name,
    @Encrypted(key = "lookup", deterministic = true, context = "customer.email") String email,
    @Encrypted(key = "pii", context = "customer.notes") String notes) {

  public static Customer of(String name, String email, String notes) {
    return new Customer(null, name, email, notes);
  }

  public Customer withId(String id) {
    return new Customer(id, name, email, notes);
  }
}
