package dev.hsm.examples.micronaut;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Registers and finds customers. Transactional, so each call runs in one read-write transaction (on
 * SQLite, Micronaut Data's per-finder read-only transactions would fail: sqlite-jdbc refuses {@code
 * Connection.setReadOnly} on an open connection).
 */
@Singleton
@Transactional
public class CustomerService {
  private final CustomerRepository customers;
  private final ReceiptSigner signer;

  public CustomerService(CustomerRepository customers, ReceiptSigner signer) {
    this.customers = customers;
    this.signer = signer;
  }

  /**
   * Stores the customer under a new random id and returns the signed receipt (a JWS). The id is
   * chosen here, before the write, because the encrypted address is bound to its row.
   */
  public Registered register(String name, String email, String address) {
    Customer customer = new Customer();
    customer.setId(UUID.randomUUID().toString());
    customer.setName(name);
    customer.setEmail(email);
    customer.setAddress(address);
    Customer saved = customers.save(customer);
    String receipt =
        "{\"customerId\":\"" + saved.getId() + "\",\"registeredAt\":\"" + Instant.now() + "\"}";
    return new Registered(saved.getId(), signer.sign(receipt));
  }

  public Optional<Customer> findByEmail(String email) {
    return customers.findByEmail(email);
  }

  /** A stored customer's id and its signed receipt. */
  @Serdeable
  public record Registered(String id, String receipt) {}
}
