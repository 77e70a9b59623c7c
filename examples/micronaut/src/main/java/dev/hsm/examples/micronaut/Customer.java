package dev.hsm.examples.micronaut;

import dev.hsm.annotation.Encrypted;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/**
 * A customer row. The e-mail column holds deterministic ciphertext (AES-256-GCM-SIV), so the
 * repository can still find customers by e-mail; the address column holds randomized ciphertext
 * (AES-256-GCM) bound to its row, so an address copied into another customer's row does not decrypt
 * there. That binding needs the id before the row is written: {@link CustomerService} assigns a
 * random UUID, not the database. The object always holds plaintext.
 */
@MappedEntity("customer")
public class Customer {
  @Id private String id;

  private String name;

  @Encrypted(key = "customer-search", deterministic = true, context = "customer.email")
  private String email;

  @Encrypted(key = "customer-pii", context = "customer.address")
  private String address;

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getEmail() {
    return email;
  }

  public void setEmail(String email) {
    this.email = email;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }
}
