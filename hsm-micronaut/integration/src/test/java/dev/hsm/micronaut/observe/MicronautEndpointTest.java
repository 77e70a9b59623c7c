package dev.hsm.micronaut.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.contract.EndpointContract;
import dev.hsm.micronaut.TestHsm;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** hsm-core's endpoint cases, run against the Micronaut endpoint, and switching it off. */
class MicronautEndpointTest extends EndpointContract {

  @Override
  protected Optional<Map<String, Object>> read(
      Map<String, String> properties, Consumer<HsmClient> before) {
    Map<String, Object> all = TestHsm.declaredKeys(); // the test beans need them
    all.putAll(properties);
    try (ApplicationContext context = ApplicationContext.run(all)) {
      before.accept(context.getBean(HsmClient.class));
      return context.findBean(HsmEndpoint.class).map(HsmEndpoint::read);
    }
  }

  @Test
  void endpoint_isSensitive_soHttpGetsNoReport_untilTheApplicationSaysSo() throws Exception {
    Map<String, Object> properties = new HashMap<>(TestHsm.properties(TestHsm.newDirectory()));
    properties.put("micronaut.server.port", -1);
    try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties)) {
      HttpResponse<String> response = get(server, "/hsm");
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).doesNotContain("receipts");
    }
    properties.put("endpoints.hsm.sensitive", false);
    try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties)) {
      HttpResponse<String> response = get(server, "/hsm");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"name\":\"receipts\"", "\"verified\":true");
    }
  }

  private static HttpResponse<String> get(EmbeddedServer server, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(server.getURL() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void endpoint_isOff_withEndpointsHsmEnabledFalse() {
    Map<String, Object> properties = new HashMap<>(TestHsm.properties(TestHsm.newDirectory()));
    properties.put("endpoints.hsm.enabled", "false");
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      assertThat(context.findBean(HsmEndpoint.class)).isEmpty();
    }
  }
}
