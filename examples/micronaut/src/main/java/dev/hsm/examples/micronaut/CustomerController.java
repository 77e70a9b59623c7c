package dev.hsm.examples.micronaut;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;

/** {@code POST /customers} registers a customer; {@code GET /customers?email=} finds one. */
@Controller("/customers")
public class CustomerController {
  private final CustomerService service;

  public CustomerController(CustomerService service) {
    this.service = service;
  }

  @Post
  public HttpResponse<CustomerService.Registered> register(@Body NewCustomer customer) {
    return HttpResponse.created(
        service.register(customer.name(), customer.email(), customer.address()));
  }

  @Get
  public HttpResponse<CustomerView> find(@QueryValue String email) {
    return service
        .findByEmail(email)
        .map(
            c ->
                HttpResponse.ok(
                    new CustomerView(c.getId(), c.getName(), c.getEmail(), c.getAddress())))
        .orElseGet(HttpResponse::notFound);
  }

  /** The registration request. */
  @Serdeable
  public record NewCustomer(String name, String email, String address) {}

  /** A customer as the API shows it (plaintext: the service holds the keys). */
  @Serdeable
  public record CustomerView(String id, String name, String email, String address) {}
}
