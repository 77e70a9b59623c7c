package dev.hsm.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.HsmClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Starts the example on a random port, with its own application.properties and fresh SQLite files,
 * and talks to it over HTTP as a client (or curl) would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CustomerApplicationTest {
  private static final Path DIR = createDir();

  /**
   * The application's clock in this test: {@code CustomerApplication}'s customizer hands it to the
   * HSM.
   */
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired HsmClient hsm;

  private final HttpClient http = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void files(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + DIR.resolve("customers.db"));
    registry.add("hsm.store.path", () -> DIR.resolve("hsm.db").toString());
    registry.add("hsm.unlock.passphrase", () -> "test passphrase, not the development one");
  }

  @Test
  void customer_isStoredEncrypted_andFoundByItsEmail() throws Exception {
    HttpResponse<String> created =
        post(
            "/customers",
            "{\"name\":\"Alice\",\"email\":\"alice@example.com\",\"phone\":\"+33 1 23 45 67 89\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    Map<String, Object> alice = JSONObjectUtils.parse(created.body());
    assertThat(alice).containsEntry("name", "Alice").containsEntry("email", "alice@example.com");

    HttpResponse<String> found = get("/customers?email=alice@example.com");
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(JSONObjectUtils.parse(found.body())).isEqualTo(alice);
    assertThat(get("/customers?email=nobody@example.com").statusCode()).isEqualTo(404);

    Map<String, Object> row =
        jdbc.queryForMap("SELECT email, phone FROM customer WHERE id = ?", alice.get("id"));
    assertThat(row.get("email").toString()).doesNotContain("alice");
    assertThat(row.get("phone").toString()).doesNotContain("23 45");
  }

  @Test
  void receipt_isAJws_thatVerifiesWithThePublishedJwkSet() throws Exception {
    String id =
        JSONObjectUtils.parse(
                post(
                        "/customers",
                        "{\"name\":\"Bob\",\"email\":\"bob@example.com\",\"phone\":null}")
                    .body())
            .get("id")
            .toString();

    HttpResponse<String> receipt =
        post("/customers/" + id + "/receipts", "{\"item\":\"book\",\"amountCents\":1250}");
    assertThat(receipt.statusCode()).isEqualTo(200);
    assertThat(receipt.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/jose"));
    HttpResponse<String> jwks = get("/.well-known/jwks.json");
    assertThat(jwks.statusCode()).isEqualTo(200);

    JWSObject jws = JWSObject.parse(receipt.body());
    ECKey key = (ECKey) JWKSet.parse(jwks.body()).getKeyByKeyId(jws.getHeader().getKeyID());
    assertThat(key).as("the JWK named by the receipt's kid").isNotNull();
    assertThat(key.isPrivate()).isFalse();
    assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
    assertThat(jws.getPayload().toJSONObject())
        .containsEntry("item", "book")
        .containsEntry("amountCents", 1250L)
        .containsEntry("customer", id);
  }

  @Test
  void phoneCopiedIntoAnotherCustomersRow_isRefused_insteadOfShowingTheirNumber() throws Exception {
    String alice =
        JSONObjectUtils.parse(
                post(
                        "/customers",
                        "{\"name\":\"Alice\",\"email\":\"alice@copy.example\",\"phone\":\"+1 555 0101\"}")
                    .body())
            .get("id")
            .toString();
    String bob =
        JSONObjectUtils.parse(
                post(
                        "/customers",
                        "{\"name\":\"Bob\",\"email\":\"bob@copy.example\",\"phone\":\"+1 555 0202\"}")
                    .body())
            .get("id")
            .toString();
    jdbc.update(
        "UPDATE customer SET phone = (SELECT phone FROM customer WHERE id = ?) WHERE id = ?",
        alice,
        bob);

    HttpResponse<String> shown = get("/customers/" + bob);

    assertThat(shown.statusCode()).isEqualTo(500);
    assertThat(shown.body()).doesNotContain("0101");
    assertThat(get("/customers/" + alice).statusCode()).isEqualTo(200);
  }

  @Test
  void hsm_keepsTimeByTheApplicationsClock() {
    assertThat(hsm.key("receipts").info().createdAt()).isEqualTo(START);
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class FixedClock {
    @Bean
    @Primary
    Clock fixedClock() {
      return Clock.fixed(START, ZoneOffset.UTC);
    }
  }

  @Test
  void health_includesTheKeyStore() throws Exception {
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    Map<String, Object> hsm =
        JSONObjectUtils.getJSONObject(
            JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(health.body()), "components"),
            "hsm");
    assertThat(hsm).containsEntry("status", "UP");
    assertThat(JSONObjectUtils.getJSONObject(hsm, "details")).containsEntry("keys", 3L);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String json)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  private static Path createDir() {
    try {
      return Files.createTempDirectory("hsm-spring-example");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
