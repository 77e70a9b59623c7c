package dev.hsm.examples.spring;

import dev.hsm.KeyHandle;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /customers}, {@code GET /customers/{id}}, {@code GET /customers?email=...}, {@code
 * POST /customers/{id}/receipts} (a JWS), and {@code GET /.well-known/jwks.json}.
 */
@RestController
public class CustomerController {
  /** The media type of a JWS in compact serialization (RFC 7515). */
  static final String JOSE = "application/jose";

  /** The media type of a JWK set (RFC 7517). */
  static final String JWK_SET = "application/jwk-set+json";

  private final CustomerRepository customers;
  private final ReceiptService receipts;
  private final KeyHandle receiptsKey;

  public CustomerController(
      CustomerRepository customers,
      ReceiptService receipts,
      @Qualifier("receipts") KeyHandle receiptsKey) {
    this.customers = customers;
    this.receipts = receipts;
    this.receiptsKey = receiptsKey;
  }

  /** What a client sends to create a customer. */
  public record NewCustomer(String name, String email, String phone) {}

  /** What a client sends to be given a receipt. */
  public record Purchase(String item, long amountCents) {}

  @PostMapping("/customers")
  public ResponseEntity<Customer> create(@RequestBody NewCustomer customer) {
    Customer saved =
        customers.save(new Customer(null, customer.name(), customer.email(), customer.phone()));
    return ResponseEntity.status(HttpStatus.CREATED).body(saved);
  }

  @GetMapping("/customers/{id}")
  public Customer byId(@PathVariable String id) {
    return customers
        .findById(id)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
  }

  @GetMapping("/customers")
  public Customer byEmail(@RequestParam String email) {
    return customers
        .findByEmail(email)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
  }

  @PostMapping(path = "/customers/{id}/receipts", produces = JOSE)
  public String receipt(@PathVariable String id, @RequestBody Purchase purchase) {
    return receipts.issue(byId(id), purchase.item(), purchase.amountCents());
  }

  /** The receipt key's public JWK, with {@code kid} naming key and version. */
  @GetMapping(
      path = "/.well-known/jwks.json",
      produces = {JWK_SET, MediaType.APPLICATION_JSON_VALUE})
  public String jwks() {
    return "{\"keys\":[" + receiptsKey.publicJwk() + "]}";
  }
}
