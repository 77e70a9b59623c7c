package dev.hsm.examples.micronaut;

import dev.hsm.KeyHandle;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import jakarta.inject.Named;

/**
 * Publishes the receipts key's public half as a JWK set (RFC 7517), so that a client can check a
 * receipt with any JOSE library. The JWK's {@code kid} matches the receipts' JWS header.
 */
@Controller("/.well-known/jwks.json")
public class JwksController {
  private final KeyHandle receipts;

  public JwksController(@Named("receipts") KeyHandle receipts) {
    this.receipts = receipts;
  }

  @Get(produces = MediaType.APPLICATION_JSON)
  public String jwks() {
    return "{\"keys\":[" + receipts.publicJwk() + "]}";
  }
}
