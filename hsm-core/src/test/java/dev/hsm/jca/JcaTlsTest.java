package dev.hsm.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.AuditEntry;
import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.TestStores;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JDK TLS server ({@code SSLServerSocket}) whose {@code KeyManagerFactory} takes its key from our
 * key store completes handshakes with a JDK client: the server's signature in the handshake is made
 * in the HSM, through the policy gate (counted as the key's SIGN_STANDARD use).
 */
class JcaTlsTest {
  @TempDir Path dir;
  private HsmClient hsm;
  private HsmProvider provider;

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "tls.db");
    provider = new HsmProvider(hsm);
    // JSSE asks for Signature objects without naming a provider: ours must be installed.
    Security.addProvider(provider);
  }

  @AfterEach
  void close() {
    Security.removeProvider(HsmProvider.NAME);
    hsm.close();
  }

  /** A server key with a self-signed certificate for localhost. */
  private X509Certificate serverKey(KeySpec spec) {
    KeyHandle key = hsm.createKey("tls", spec.withOperations(Operation.SIGN_STANDARD));
    X509Certificate certificate =
        Certificates.selfSigned(
            key,
            1,
            CertificateSpec.subject("CN=localhost")
                .withDnsNames("localhost")
                .withExtendedKeyUsage(CertificateSpec.Purpose.SERVER_AUTH));
    key.attachCertificateChain(1, List.of(certificate));
    return certificate;
  }

  /** The handshake's protocol, after the client sent one byte and read it back. */
  private String handshake(X509Certificate trusted, String protocol) throws Exception {
    KeyStore keyStore = KeyStore.getInstance(HsmProvider.KEYSTORE_TYPE, provider);
    keyStore.load(HsmKeyStoreParameter.of(hsm));
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
    keyManagers.init(keyStore, null);
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(keyManagers.getKeyManagers(), null, null);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", trusted);
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, trustManagers.getTrustManagers(), null);

    try (SSLServerSocket listener =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try (SSLSocket connection = (SSLSocket) listener.accept()) {
                  InputStream in = connection.getInputStream();
                  OutputStream out = connection.getOutputStream();
                  out.write(in.read());
                  out.flush();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (SSLSocket socket =
          (SSLSocket)
              client.getSocketFactory().createSocket("localhost", listener.getLocalPort())) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // checks the name, as HTTPS does
        parameters.setProtocols(new String[] {protocol});
        socket.setSSLParameters(parameters);
        socket.getOutputStream().write(42);
        socket.getOutputStream().flush();
        assertThat(socket.getInputStream().read()).isEqualTo(42);
        assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(trusted);
        String negotiated = socket.getSession().getProtocol();
        served.get(30, TimeUnit.SECONDS);
        return negotiated;
      }
    }
  }

  @Test
  void anEcdsaP256ServerKey_completesATls13Handshake() throws Exception {
    X509Certificate certificate = serverKey(KeySpec.ecdsaP256());

    assertThat(handshake(certificate, "TLSv1.3")).isEqualTo("TLSv1.3");
  }

  @Test
  void aDisabledServerKey_failsTheHandshake_becauseTheHsmRefusesToSign() throws Exception {
    X509Certificate certificate = serverKey(KeySpec.ecdsaP256());
    hsm.key("tls").disable();

    assertThatThrownBy(() -> handshake(certificate, "TLSv1.3")).isInstanceOf(Exception.class);
    List<AuditEntry> entries = hsm.auditLog().entries(1, 1000);
    AuditEntry last = entries.get(entries.size() - 1);
    assertThat(last.action()).isEqualTo("key.sign-standard");
    assertThat(last.outcome()).isEqualTo("refused");
  }

  @Test
  void anEcdsaP256ServerKey_completesATls12Handshake() throws Exception {
    X509Certificate certificate = serverKey(KeySpec.ecdsaP256());

    assertThat(handshake(certificate, "TLSv1.2")).isEqualTo("TLSv1.2");
  }

  @Test
  void anRsaPssServerKey_completesATls13Handshake() throws Exception {
    X509Certificate certificate = serverKey(KeySpec.rsaPssSha256(2048));

    assertThat(handshake(certificate, "TLSv1.3")).isEqualTo("TLSv1.3");
  }

  @Test
  void anRsaPkcs1ServerKey_completesATls12Handshake() throws Exception {
    X509Certificate certificate = serverKey(KeySpec.rsaPkcs1Sha256(2048));

    assertThat(handshake(certificate, "TLSv1.2")).isEqualTo("TLSv1.2");
  }
}
