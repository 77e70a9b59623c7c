package dev.hsm.examples.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.HsmClient;
import dev.hsm.postgresql.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What docs/POSTGRESQL.md has a newcomer do: two instances of the example in the {@code postgresql}
 * environment, its own application-postgresql.yml, on one PostgreSQL database (the embedded one, a
 * database of its own). A customer one instance registers, the other finds; the receipt one signs
 * verifies with the key the other publishes; a rotation on one shows on the other at once.
 */
class PostgresqlEnvironmentTest {
  private static final String DATABASE = "example_micronaut_" + ProcessHandle.current().pid();

  private final HttpClient http = HttpClient.newHttpClient();

  private static EmbeddedServer instance() {
    return ApplicationContext.run(
        EmbeddedServer.class,
        Map.of(
            "micronaut.server.port",
            -1,
            "datasources.default.url",
            TestDatabase.jdbcUrl(DATABASE),
            "datasources.default.username",
            TestDatabase.USER,
            "hsm.unlock.passphrase",
            "the same passphrase on every instance"),
        "postgresql");
  }

  @Test
  void twoInstances_shareTheKeysAndTheCustomers() throws Exception {
    TestDatabase.execute("CREATE DATABASE " + DATABASE);
    try (EmbeddedServer one = instance();
        EmbeddedServer two = instance()) {
      assertThat(one.getApplicationContext().getBean(HsmClient.class).storeDescription())
          .isEqualTo("PostgreSQL through the application's DataSource, schema hsm");

      HttpResponse<String> registered =
          post(
              one,
              "/customers",
              "{\"name\":\"Alice\",\"email\":\"alice@example.com\",\"address\":\"1 Rue de la"
                  + " Paix\"}");
      assertThat(registered.statusCode()).isEqualTo(201);
      Map<String, Object> receipt = JSONObjectUtils.parse(registered.body());

      HttpResponse<String> found = get(two, "/customers?email=alice@example.com");
      assertThat(found.statusCode()).isEqualTo(200);
      assertThat(JSONObjectUtils.parse(found.body()))
          .containsEntry("id", receipt.get("id"))
          .containsEntry("address", "1 Rue de la Paix");

      JWSObject jws = JWSObject.parse(receipt.get("receipt").toString());
      ECKey key =
          (ECKey)
              JWKSet.parse(get(two, "/.well-known/jwks.json").body())
                  .getKeyByKeyId(jws.getHeader().getKeyID());
      assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();

      one.getApplicationContext().getBean(HsmClient.class).key("receipts").rotate();
      long deadline = System.nanoTime() + 2_000_000_000L; // LISTEN/NOTIFY: milliseconds
      String published = get(two, "/.well-known/jwks.json").body();
      while (!published.contains("\"kid\":\"receipts:2\"") && System.nanoTime() < deadline) {
        Thread.sleep(20);
        published = get(two, "/.well-known/jwks.json").body();
      }
      assertThat(published).contains("\"kid\":\"receipts:2\"");

      Map<String, Object> health = JSONObjectUtils.parse(get(two, "/health").body());
      Map<String, Object> hsm =
          JSONObjectUtils.getJSONObject(JSONObjectUtils.getJSONObject(health, "details"), "hsm");
      assertThat(hsm).containsEntry("status", "UP");
      assertThat(JSONObjectUtils.getJSONObject(hsm, "details"))
          .containsEntry("store", "PostgreSQL through the application's DataSource, schema hsm");
    }
  }

  private HttpResponse<String> get(EmbeddedServer instance, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(instance, path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(EmbeddedServer instance, String path, String json)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(instance, path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(EmbeddedServer instance, String path) {
    return URI.create("http://localhost:" + instance.getPort() + path);
  }
}
