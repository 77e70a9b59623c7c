package dev.hsm.examples.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.hsm.HsmClient;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The example as a client sees it, over HTTP on a real server: it registers a customer, checks the
 * signed receipt with nimbus-jose-jwt and the published JWK set, finds the customer by e-mail, and
 * looks at the database file to see that the encrypted columns hold no plaintext.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExampleServiceTest implements TestPropertyProvider {
  private Path dir;

  /** The application's clock in this test: {@code Clocks}' customizer hands it to the HSM. */
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @Inject
  @Client("/")
  HttpClient http;

  @Inject HsmClient hsm;

  @Factory
  static class FixedClock {
    @Singleton
    @Replaces(value = Clock.class, factory = Clocks.class)
    Clock fixedClock() {
      return Clock.fixed(START, ZoneOffset.UTC);
    }
  }

  @Override
  public Map<String, String> getProperties() {
    try {
      dir = Files.createTempDirectory("hsm-example-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Map.of(
        "hsm.store.path",
        dir.resolve("hsm.db").toString(),
        "hsm.unlock.passphrase",
        "test passphrase for the example",
        "datasources.default.url",
        "jdbc:sqlite:" + dir.resolve("customers.db") + "?journal_mode=WAL&busy_timeout=5000");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> register(String name, String email, String address) {
    HttpResponse<Map> response =
        http.toBlocking()
            .exchange(
                HttpRequest.POST(
                    "/customers", Map.of("name", name, "email", email, "address", address)),
                Map.class);
    assertThat(response.code()).isEqualTo(HttpStatus.CREATED.getCode());
    return response.body();
  }

  @Test
  void receipt_isAJws_thatNimbusVerifiesWithThePublishedJwkSet() throws Exception {
    Map<String, Object> registered = register("Ada", "ada@example.com", "1 Main St");

    JWSObject receipt = JWSObject.parse((String) registered.get("receipt"));
    JWKSet jwks = JWKSet.parse(http.toBlocking().retrieve("/.well-known/jwks.json"));
    ECKey key = (ECKey) jwks.getKeyByKeyId(receipt.getHeader().getKeyID());

    assertThat(receipt.getHeader().getKeyID()).startsWith("receipts:");
    assertThat(key).as("the receipt's kid is in the published set").isNotNull();
    assertThat(receipt.verify(new ECDSAVerifier(key))).isTrue();
    assertThat(receipt.getPayload().toJSONObject())
        .containsEntry("customerId", registered.get("id"));
  }

  @Test
  void alteredReceipt_failsVerification() throws Exception {
    String jws = (String) register("Bo", "bo@example.com", "2 Side St").get("receipt");
    String[] parts = jws.split("\\.");
    String otherPayload =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"customerId\":999}".getBytes(StandardCharsets.UTF_8));
    JWSObject forged = JWSObject.parse(parts[0] + "." + otherPayload + "." + parts[2]);
    ECKey key =
        (ECKey) JWKSet.parse(http.toBlocking().retrieve("/.well-known/jwks.json")).getKeys().get(0);

    assertThat(forged.verify(new ECDSAVerifier(key))).isFalse();
  }

  @Test
  @SuppressWarnings("unchecked")
  void customer_isFoundByEmail_andStoredWithoutPlaintext() throws Exception {
    String id = (String) register("Cy", "cy@example.com", "3 High St").get("id");

    Map<String, Object> found =
        http.toBlocking().retrieve(HttpRequest.GET("/customers?email=cy@example.com"), Map.class);

    assertThat(found).containsEntry("name", "Cy").containsEntry("address", "3 High St");
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("customers.db"));
        PreparedStatement query =
            db.prepareStatement("SELECT name, email, address FROM customer WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString("name")).isEqualTo("Cy");
        assertThat(new String(row.getBytes("email"), StandardCharsets.ISO_8859_1))
            .doesNotContain("cy@example.com");
        assertThat(new String(row.getBytes("address"), StandardCharsets.ISO_8859_1))
            .doesNotContain("High St");
      }
    }
  }

  @Test
  void addressCopiedIntoAnotherCustomersRow_isRefused_insteadOfShowingTheirAddress()
      throws Exception {
    String alice = (String) register("Alice", "alice@example.com", "1 Alice Road").get("id");
    String bob = (String) register("Bob", "bob@example.com", "2 Bob Street").get("id");
    try (Connection db =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve("customers.db") + "?busy_timeout=5000");
        PreparedStatement copy =
            db.prepareStatement(
                "UPDATE customer SET address = (SELECT address FROM customer WHERE id = ?)"
                    + " WHERE id = ?")) {
      copy.setString(1, alice);
      copy.setString(2, bob);
      assertThat(copy.executeUpdate()).isEqualTo(1);
    }

    HttpClientResponseException thrown =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () -> http.toBlocking().retrieve("/customers?email=bob@example.com"),
            HttpClientResponseException.class);

    assertThat(thrown.code()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR.getCode());
    assertThat(thrown.getResponse().getBody(String.class).orElse("")).doesNotContain("Alice Road");
  }

  @Test
  void unknownEmail_isNotFound() {
    HttpClientResponseException thrown =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () -> http.toBlocking().retrieve("/customers?email=nobody@example.com"),
            HttpClientResponseException.class);

    assertThat(thrown.code()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
  }

  @Test
  void hsm_keepsTimeByTheApplicationsClock() {
    assertThat(hsm.key("receipts").info().createdAt()).isEqualTo(START);
  }

  @Test
  @SuppressWarnings("unchecked")
  void health_reportsTheStoreUpWithItsKeys() {
    Map<String, Object> health = http.toBlocking().retrieve("/health", Map.class);

    Map<String, Object> hsm =
        (Map<String, Object>) ((Map<String, Object>) health.get("details")).get("hsm");
    assertThat(hsm).containsEntry("status", "UP");
    assertThat((Map<String, Object>) hsm.get("details")).containsEntry("keys", 3);
  }
}
