package dev.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import dev.hsm.HsmClient;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.VerificationFailedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The behaviour both framework starters must have, run against each: a starter's test extends this
 * class and supplies its framework's {@link ContractService} bean, the {@link HsmClient} bean and
 * the {@code KeyHandle} bean named {@code receipts}. The store must declare the keys {@code
 * receipts} (ECDSA_P256_SHA256) and {@code pii} (AES_256_GCM).
 */
public abstract class AnnotatedServiceContract {

  /** The annotated service, as the framework injects it (proxied). */
  protected abstract ContractService service();

  /** The starter's {@code HsmClient} bean. */
  protected abstract HsmClient hsm();

  /** The starter's {@code KeyHandle} bean qualified {@code receipts}. */
  protected abstract KeyHandle receiptsKey();

  @Test
  void signedReturn_isAJws_verifiedByNimbusWithThePublishedJwk() throws Exception {
    String jws = service().receipt("42");

    JWSObject parsed = JWSObject.parse(jws);
    assertThat(parsed.getHeader().getKeyID())
        .isEqualTo("receipts:" + receiptsKey().info().primaryVersion());
    assertThat(parsed.verify(new ECDSAVerifier(ECKey.parse(receiptsKey().publicJwk())))).isTrue();
    assertThat(parsed.getPayload().toString()).isEqualTo("paid 42");
  }

  @Test
  void signedBytesReturn_isTheJwsInAscii() throws Exception {
    byte[] jws = service().receiptBytes(new byte[] {1, 2, 3});

    assertThat(receiptsKey().verifyJws(new String(jws, StandardCharsets.US_ASCII)))
        .containsExactly(1, 2, 3);
  }

  @Test
  void signedParameter_reachesTheBodyAsPayload() {
    String jws = receiptsKey().signJws("order 7".getBytes(StandardCharsets.UTF_8));

    assertThat(service().acceptSigned(jws)).isEqualTo("order 7");
  }

  @Test
  void forgedSignedParameter_isRefusedBeforeTheBodyRuns() {
    String jws = receiptsKey().signJws("order 7".getBytes(StandardCharsets.UTF_8));
    String forged = jws.substring(0, jws.lastIndexOf('.') + 1) + "AAAA";
    int before = service().bodyRuns();

    assertThatThrownBy(() -> service().acceptSigned(forged))
        .isInstanceOf(VerificationFailedException.class);
    assertThat(service().bodyRuns()).isEqualTo(before);
  }

  @Test
  void encryptedReturn_isCiphertextBoundToItsContext() {
    String ciphertext = service().encryptEmail("alice@example.com");

    assertThat(ciphertext).doesNotContain("alice");
    byte[] envelope = Base64.getUrlDecoder().decode(ciphertext);
    assertThat(
            hsm().key("pii").decrypt(envelope, "customer.email".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("alice@example.com".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encryptedParameter_reachesTheBodyAsPlaintext() {
    String ciphertext = service().encryptEmail("bob@example.com");

    assertThat(service().acceptEncrypted(ciphertext)).isEqualTo("bob@example.com");
  }

  @Test
  void encryptedBytesParameter_reachesTheBodyAsPlaintext() {
    byte[] envelope =
        hsm().key("pii").encrypt(new byte[] {9, 8}, "blob".getBytes(StandardCharsets.UTF_8));

    assertThat(service().acceptEncryptedBytes(envelope)).containsExactly(9, 8);
  }

  @Test
  void tamperedEncryptedParameter_isRefusedBeforeTheBodyRuns() {
    byte[] envelope = Base64.getUrlDecoder().decode(service().encryptEmail("carol@example.com"));
    envelope[envelope.length - 1] ^= 1;
    String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(envelope);
    int before = service().bodyRuns();

    assertThatThrownBy(() -> service().acceptEncrypted(tampered))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThat(service().bodyRuns()).isEqualTo(before);
  }

  @Test
  void nullsPassThroughUnchanged() {
    assertThat(service().encryptEmail(null)).isNull();
    assertThat(service().acceptEncrypted(null)).isNull();
  }
}
