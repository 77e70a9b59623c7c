package dev.hsm.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.HsmClient;
import dev.hsm.postgresql.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What docs/POSTGRESQL.md has a newcomer do: two instances of the example with the {@code
 * postgresql} profile, its own application properties, on one PostgreSQL database (the embedded
 * one, a database of its own). A customer one instance stores, the other reads and finds; a receipt
 * one signs verifies with the key the other publishes; a rotation on one shows on the other at
 * once.
 */
class PostgresqlProfileTest {
  private static final String DATABASE = "example_spring_" + ProcessHandle.current().pid();

  private final HttpClient http = HttpClient.newHttpClient();

  private static ConfigurableApplicationContext instance() {
    return new SpringApplicationBuilder(CustomerApplication.class)
        .profiles("postgresql")
        .run( // as command-line arguments, which win over the profile's file
            "--server.port=0",
            "--spring.datasource.url=" + TestDatabase.jdbcUrl(DATABASE),
            "--spring.datasource.username=" + TestDatabase.USER,
            "--hsm.unlock.passphrase=the same passphrase on every instance");
  }

  @Test
  void twoInstances_shareTheKeysAndTheCustomers() throws Exception {
    TestDatabase.execute("CREATE DATABASE " + DATABASE);
    try (ConfigurableApplicationContext one = instance();
        ConfigurableApplicationContext two = instance()) {
      assertThat(one.getBean(HsmClient.class).storeDescription())
          .isEqualTo("PostgreSQL through the application's DataSource, schema hsm");

      HttpResponse<String> created =
          post(
              one,
              "/customers",
              "{\"name\":\"Alice\",\"email\":\"alice@example.com\",\"phone\":\"+33 1 23 45 67"
                  + " 89\"}");
      assertThat(created.statusCode()).isEqualTo(201);
      Map<String, Object> alice = JSONObjectUtils.parse(created.body());
      HttpResponse<String> found = get(two, "/customers?email=alice@example.com");
      assertThat(found.statusCode()).isEqualTo(200);
      assertThat(JSONObjectUtils.parse(found.body())).isEqualTo(alice);

      HttpResponse<String> receipt =
          post(
              two,
              "/customers/" + alice.get("id") + "/receipts",
              "{\"item\":\"book\",\"amountCents\":1250}");
      JWSObject jws = JWSObject.parse(receipt.body());
      ECKey key =
          (ECKey)
              JWKSet.parse(get(one, "/.well-known/jwks.json").body())
                  .getKeyByKeyId(jws.getHeader().getKeyID());
      assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();

      one.getBean(HsmClient.class).key("receipts").rotate();
      long deadline = System.nanoTime() + 2_000_000_000L; // LISTEN/NOTIFY: milliseconds
      String published = get(two, "/.well-known/jwks.json").body();
      while (!published.contains("\"kid\":\"receipts:2\"") && System.nanoTime() < deadline) {
        Thread.sleep(20);
        published = get(two, "/.well-known/jwks.json").body();
      }
      assertThat(published).contains("\"kid\":\"receipts:2\"");

      HttpResponse<String> health = get(two, "/actuator/health");
      Map<String, Object> hsm =
          JSONObjectUtils.getJSONObject(
              JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(health.body()), "components"),
              "hsm");
      assertThat(hsm).containsEntry("status", "UP");
      assertThat(JSONObjectUtils.getJSONObject(hsm, "details"))
          .containsEntry("store", "PostgreSQL through the application's DataSource, schema hsm");
    }
  }

  private HttpResponse<String> get(ConfigurableApplicationContext instance, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(instance, path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(
      ConfigurableApplicationContext instance, String path, String json)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(instance, path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(ConfigurableApplicationContext instance, String path) {
    int port = ((WebServerApplicationContext) instance).getWebServer().getPort();
    return URI.create("http://localhost:" + port + path);
  }
}
