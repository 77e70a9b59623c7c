package dev.hsm.spring.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.spring.TestStores;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Real HTTP requests to a controller with a {@code @Signed} parameter: a good JWS is 200, a bad one
 * 400, a refused key 403, and a controller's own handler wins.
 */
@SpringBootTest(
    classes = OrdersApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringHttpErrorsTest {
  private static final Path DIR = newDirectory();

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    for (String property : TestStores.storeIn(DIR)) {
      String[] pair = property.split("=", 2);
      registry.add(pair[0], () -> pair[1]);
    }
    registry.add("hsm.keys.partner.algorithm", () -> "ECDSA_P256_SHA256");
  }

  private static Path newDirectory() {
    try {
      Path dir = Files.createTempDirectory("hsm-spring-web-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @LocalServerPort int port;
  @Autowired HsmClient hsm;

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void goodJws_isTaken_badJwsIs400_refusedKeyIs403_andAControllersOwnHandlerWins()
      throws Exception {
    String jws = hsm.key("partner").signJws("2 apples".getBytes(UTF_8));
    String forged = jws.substring(0, jws.length() - 4) + (jws.endsWith("AAAA") ? "BBBB" : "AAAA");

    HttpResponse<String> ok = post("/orders", jws);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("placed 2 apples");

    HttpResponse<String> bad = post("/orders", forged);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
    assertThat(bad.body()).contains("does not verify").doesNotContain("partner");

    assertThat(post("/orders", "not a JWS").statusCode()).isEqualTo(400);
    assertThat(post("/returns", forged).statusCode()).isEqualTo(418);

    hsm.key("partner").disable();
    HttpResponse<String> refused = post("/orders", jws);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("does not allow").doesNotContain("partner");
  }
}
