package dev.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.PostQuantumTestSupport;
import dev.hsm.VerificationFailedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The behaviour both framework starters must have, run against each: a starter's test extends this
 * class and supplies its framework's {@link ContractService} bean, the {@link HsmClient} bean and
 * the {@code KeyHandle} bean named {@code receipts}. The store must declare the keys {@code
 * receipts} (ECDSA_P256_SHA256), {@code pii} (AES_256_GCM), {@code pq-receipts} (ML_DSA_65) and
 * {@code pq-pii} (ML_KEM_768_X25519).
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
  void signedReturn_withAnMlDsaKey_isAJwsThatAnOutsideVerifierAcceptsWithTheAkpJwk()
      throws Exception {
    String jws = service().pqReceipt("42");
    KeyHandle key = hsm().key("pq-receipts");

    JWSObject parsed = JWSObject.parse(jws);
    assertThat(parsed.getHeader().getAlgorithm().getName()).isEqualTo("ML-DSA-65");
    byte[] spki = PostQuantumTestSupport.spki(key.publicKeyPem());
    assertThat(JSONObjectUtils.parse(key.publicJwk()))
        .containsEntry("kty", "AKP")
        .containsEntry(
            "pub", Base64URL.encode(PostQuantumTestSupport.rawPublicKey(spki)).toString());
    assertThat(
            PostQuantumTestSupport.verifies(
                Algorithm.ML_DSA_65,
                spki,
                parsed.getSigningInput(),
                parsed.getSignature().decode()))
        .isTrue();
    assertThat(key.verifyJws(jws)).isEqualTo("paid 42".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encrypted_withAPostQuantumKey_isCiphertextBothWays() {
    String ciphertext = service().pqEncrypt("4111 1111 1111 1111");

    byte[] envelope = Base64.getUrlDecoder().decode(ciphertext);
    assertThat(envelope.length).isGreaterThan(5 + 1120 + 16);
    assertThat(
            hsm().key("pq-pii").decrypt(envelope, "customer.card".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("4111 1111 1111 1111".getBytes(StandardCharsets.UTF_8));
    assertThat(service().acceptPqEncrypted(ciphertext)).isEqualTo("4111 1111 1111 1111");
    assertThatThrownBy(() -> service().acceptPqEncrypted(service().encryptEmail("x@y")))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void nullsPassThroughUnchanged() {
    assertThat(service().encryptEmail(null)).isNull();
    assertThat(service().acceptEncrypted(null)).isNull();
  }
}
