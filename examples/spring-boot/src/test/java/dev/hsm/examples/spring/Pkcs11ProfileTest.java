package dev.hsm.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.pkcs11.SoftHsm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What docs/PKCS11.md has a newcomer do: the example with the {@code pkcs11} profile, its own
 * application properties, on a SoftHSM2 token (HSM_PKCS11_PIN comes from the environment, as the
 * page says; surefire sets it). Customers are stored and found, receipts are signed in the token
 * and verify with the published key, and the searchable field's key stays in software as the
 * profile chooses.
 */
class Pkcs11ProfileTest {
  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void token() {
    SoftHsm.assumeAvailable();
  }

  @Test
  void theExample_runsOnTheToken_byConfigurationOnly() throws Exception {
    try (ConfigurableApplicationContext app =
        new SpringApplicationBuilder(CustomerApplication.class)
            .profiles("pkcs11")
            .run( // as command-line arguments, which win over the profile's file
                "--server.port=0",
                "--spring.datasource.url=jdbc:sqlite:" + dir.resolve("customers.db"),
                "--hsm.store.path=" + dir.resolve("hsm.db"),
                "--hsm.pkcs11.library=" + SoftHsm.library(),
                "--hsm.pkcs11.token-label=" + SoftHsm.LABEL)) {
      HsmClient hsm = app.getBean(HsmClient.class);
      assertThat(hsm.cryptoProvider(Algorithm.ECDSA_P256_SHA256)).contains("SunPKCS11");
      assertThat(hsm.cryptoProvider(Algorithm.AES_256_GCM)).contains("SunPKCS11");
      assertThat(hsm.cryptoProvider(Algorithm.AES_256_GCM_SIV)).contains("software custody");

      HttpResponse<String> created =
          post(
              app,
              "/customers",
              "{\"name\":\"Alice\",\"email\":\"alice@example.com\",\"phone\":\"+33 1 23 45 67 89\"}");
      assertThat(created.statusCode()).isEqualTo(201);
      Map<String, Object> alice = JSONObjectUtils.parse(created.body());
      HttpResponse<String> found = get(app, "/customers?email=alice@example.com");
      assertThat(found.statusCode()).isEqualTo(200);
      assertThat(JSONObjectUtils.parse(found.body())).isEqualTo(alice);

      HttpResponse<String> receipt =
          post(
              app,
              "/customers/" + alice.get("id") + "/receipts",
              "{\"item\":\"book\",\"amountCents\":1250}");
      JWSObject jws = JWSObject.parse(receipt.body());
      ECKey key =
          (ECKey)
              JWKSet.parse(get(app, "/.well-known/jwks.json").body())
                  .getKeyByKeyId(jws.getHeader().getKeyID());
      assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
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
