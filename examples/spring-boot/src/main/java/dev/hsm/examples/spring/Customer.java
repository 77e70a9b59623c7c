package dev.hsm.examples.spring;

import dev.hsm.annotation.Encrypted;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A customer. The e-mail is encrypted deterministically (AES-256-GCM-SIV), so {@code findByEmail}
 * still works; the phone number with a random nonce (AES-256-GCM), bound to its row, so a phone
 * number copied into another customer's row does not decrypt there. That binding needs the id
 * before the row is written: a new customer gets a random UUID from {@code CustomerApplication}'s
 * {@code BeforeConvertCallback}, not from the database. The columns hold only ciphertext; this
 * record only ever holds plaintext.
 */
@Table("customer")
public record Customer(
    @Id String id,
    String name,
    @Encrypted(key = "lookup", deterministic = true, context = "customer.email") String email,
    @Encrypted(key = "pii", context = "customer.phone") String phone) {

  /** The same customer under {@code id}. */
  public Customer withId(String id) {
    return new Customer(id, name, email, phone);
  }
}
