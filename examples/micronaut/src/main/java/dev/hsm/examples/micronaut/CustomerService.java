package dev.hsm.examples.micronaut;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;

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

  /** Stores the customer and returns the signed receipt (a JWS). */
  public Registered register(String name, String email, String address) {
    Customer customer = new Customer();
    customer.setName(name);
    customer.setEmail(email);
    customer.setAddress(address);
    Customer saved = customers.save(customer);
    String receipt =
        "{\"customerId\":" + saved.getId() + ",\"registeredAt\":\"" + Instant.now() + "\"}";
    return new Registered(saved.getId(), signer.sign(receipt));
  }

  public Optional<Customer> findByEmail(String email) {
    return customers.findByEmail(email);
  }

  /** A stored customer's id and its signed receipt. */
  @Serdeable
  public record Registered(long id, String receipt) {}
}
