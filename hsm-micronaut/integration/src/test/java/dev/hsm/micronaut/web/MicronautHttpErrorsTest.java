package dev.hsm.micronaut.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.micronaut.TestHsm;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real HTTP requests to a controller with a {@code @Signed} parameter: a good JWS is 200, a bad one
 * 400, a refused key 403, and a controller's own {@code @Error} method wins.
 */
class MicronautHttpErrorsTest {

  private static HttpResponse<String> post(EmbeddedServer server, String path, String body)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void goodJws_isTaken_badJwsIs400_refusedKeyIs403_andAControllersOwnHandlerWins()
      throws Exception {
    Map<String, Object> properties = TestHsm.properties(TestHsm.newDirectory());
    properties.put("micronaut.server.port", -1);
    try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties)) {
      HsmClient hsm = server.getApplicationContext().getBean(HsmClient.class);
      String jws = hsm.key("receipts").signJws("2 apples".getBytes(UTF_8));
      String forged = jws.substring(0, jws.length() - 4) + (jws.endsWith("AAAA") ? "BBBB" : "AAAA");

      HttpResponse<String> ok = post(server, "/orders", jws);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("placed 2 apples");

      HttpResponse<String> bad = post(server, "/orders", forged);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("does not verify").doesNotContain("receipts");

      assertThat(post(server, "/orders", "not a JWS").statusCode()).isEqualTo(400);
      assertThat(post(server, "/returns", forged).statusCode()).isEqualTo(418);

      hsm.key("receipts").disable();
      HttpResponse<String> refused = post(server, "/orders", jws);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("does not allow").doesNotContain("receipts");
    }
  }
}
