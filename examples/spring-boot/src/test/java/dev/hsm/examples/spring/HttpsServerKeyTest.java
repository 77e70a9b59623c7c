package dev.hsm.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.jca.CertificateSpec;
import dev.hsm.jca.Certificates;
import dev.hsm.jca.HsmProvider;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example serves HTTPS with its server key in the HSM: a Spring Boot SSL bundle of key store
 * type {@code DevHsm} (docs/JCA.md, "Spring Boot"), whose key signs each handshake inside the HSM.
 * One HTTPS request, from a client that trusts only that key's certificate.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HttpsServerKeyTest {
  private static final Path DIR = createDir();
  private static final String PASSPHRASE = "test passphrase, not the development one";
  private static X509Certificate certificate;

  static {
    // As CustomerApplication.main does: JSSE looks its signatures up among installed providers.
    Security.addProvider(new HsmProvider());
  }

  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    Path store = DIR.resolve("hsm.db");
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
    Path properties = DIR.resolve("hsm-tls.properties");
    Files.writeString(
        properties, "hsm.store.path=" + store + "\nhsm.unlock.passphrase=" + PASSPHRASE + "\n");

    registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + DIR.resolve("customers.db"));
    registry.add("hsm.store.path", store::toString);
    registry.add("hsm.unlock.passphrase", () -> PASSPHRASE);
    registry.add("server.ssl.bundle", () -> "web");
    registry.add("spring.ssl.bundle.jks.web.keystore.type", () -> "DevHsm");
    registry.add("spring.ssl.bundle.jks.web.keystore.provider", () -> "DevHsm");
    registry.add("spring.ssl.bundle.jks.web.keystore.location", () -> "file:" + properties);
    registry.add("spring.ssl.bundle.jks.web.key.alias", () -> "tls");
  }

  @AfterAll
  static void removeProvider() {
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
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/actuator/health"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.sslSession()).isPresent();
    assertThat(health.sslSession().get().getPeerCertificates()[0]).isEqualTo(certificate);
  }

  @Test
  void docsJca_showsTheseProperties() throws IOException {
    String page = Files.readString(Path.of("..", "..", "docs", "JCA.md"));
    assertThat(page)
        .contains(
            "server.ssl.bundle=web",
            "spring.ssl.bundle.jks.web.keystore.type=DevHsm",
            "spring.ssl.bundle.jks.web.keystore.provider=DevHsm",
            "spring.ssl.bundle.jks.web.keystore.location=file:hsm-tls.properties",
            "spring.ssl.bundle.jks.web.key.alias=tls",
            "Security.addProvider(new HsmProvider());");
  }

  private static Path createDir() {
    try {
      return Files.createTempDirectory("hsm-spring-https");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
