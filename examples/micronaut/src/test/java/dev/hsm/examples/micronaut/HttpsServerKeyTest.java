package dev.hsm.examples.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.jca.CertificateSpec;
import dev.hsm.jca.Certificates;
import dev.hsm.jca.HsmProvider;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The example serves HTTPS with its server key in the HSM: Micronaut's server SSL with a key store
 * of type {@code DevHsm} (docs/JCA.md, "Micronaut"), whose key signs each handshake inside the HSM.
 * One HTTPS request, from a client that trusts only that key's certificate.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpsServerKeyTest implements TestPropertyProvider {
  private static final String PASSPHRASE = "test passphrase for the example";
  private X509Certificate certificate;

  static {
    // As Application.main does: JSSE looks its signatures up among installed providers.
    Security.addProvider(new HsmProvider());
  }

  @Inject EmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    Path dir;
    Path properties;
    try {
      dir = Files.createTempDirectory("hsm-micronaut-https-");
      Path store = dir.resolve("hsm.db");
      // Once, as an operator would: the server key and its certificate (here self-signed).
      try (HsmClient hsm = HsmClient.open(HsmConfig.sqlite(store).passphrase(PASSPHRASE))) {
        KeySpec tls = KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD);
        KeyHandle key = hsm.createKey("tls", tls);
        CertificateSpec spec =
            CertificateSpec.subject("CN=localhost")
                .withDnsNames("localhost")
                .withExtendedKeyUsage(CertificateSpec.Purpose.SERVER_AUTH);
        certificate = Certificates.selfSigned(key, 1, spec);
        key.attachCertificateChain(1, List.of(certificate));
      }
      properties = dir.resolve("hsm-tls.properties");
      Files.writeString(
          properties, "hsm.store.path=" + store + "\nhsm.unlock.passphrase=" + PASSPHRASE + "\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Map.of(
        "hsm.store.path",
        dir.resolve("hsm.db").toString(),
        "hsm.unlock.passphrase",
        PASSPHRASE,
        "datasources.default.url",
        "jdbc:sqlite:" + dir.resolve("customers.db") + "?journal_mode=WAL&busy_timeout=5000",
        "micronaut.server.ssl.enabled",
        "true",
        "micronaut.server.ssl.port",
        "-1",
        "micronaut.server.ssl.key-store.path",
        "file:" + properties,
        "micronaut.server.ssl.key-store.type",
        "DevHsm",
        "micronaut.server.ssl.key.alias",
        "tls");
  }

  @AfterAll
  void removeProvider() {
    Security.removeProvider(HsmProvider.NAME);
  }

  @Test
  void anHttpsRequest_isServedWithTheKeyInTheHsm() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", certificate);
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trustManagers.getTrustManagers(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(tls).build();

    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + server.getPort() + "/health"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(server.getScheme()).isEqualTo("https");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.sslSession()).isPresent();
    assertThat(health.sslSession().get().getPeerCertificates()[0]).isEqualTo(certificate);
  }

  @Test
  void docsJca_showsTheseProperties() throws IOException {
    String page = Files.readString(Path.of("..", "..", "docs", "JCA.md"));
    assertThat(page)
        .contains(
            "micronaut.server.ssl.enabled=true",
            "micronaut.server.ssl.key-store.path=file:hsm-tls.properties",
            "micronaut.server.ssl.key-store.type=DevHsm",
            "micronaut.server.ssl.key.alias=tls");
  }
}
