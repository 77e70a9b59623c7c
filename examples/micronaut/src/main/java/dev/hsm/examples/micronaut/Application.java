package dev.hsm.examples.micronaut;

import dev.hsm.jca.HsmProvider;
import io.micronaut.runtime.Micronaut;
import java.security.Security;

/**
 * A small HTTP service on hsm-micronaut: customers are stored with encrypted fields (Micronaut Data
 * JDBC on SQLite), and each registration returns a receipt signed as a JWS that anyone can check
 * with the public key published at {@code /.well-known/jwks.json}.
 *
 * <p>In the environment {@code postgresql} ({@code MICRONAUT_ENVIRONMENTS=postgresql}) the
 * customers and the key store live in a PostgreSQL database instead ({@code DATABASE_URL}, {@code
 * DATABASE_USER}, {@code DATABASE_PASSWORD}), which several instances share: see
 * docs/POSTGRESQL.md.
 */
public final class Application {
  private Application() {}

  public static void main(String[] args) {
    // For HTTPS with the server key in the HSM (docs/JCA.md): a key store of type DevHsm needs the
    // provider installed, since JSSE looks its signatures up by name.
    Security.addProvider(new HsmProvider());
    Micronaut.run(Application.class, args);
  }
}
