package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code signStandard} and {@code standardSigner}: plain signatures of caller-chosen data, which a
 * JDK {@code Signature} checks with the exported public key, made only by keys created for them
 * alone, and refused (and audited) on every other key, so that no key whose envelopes or JWS are
 * trusted can be made to sign a JWS signing input or an envelope's signed bytes.
 */
class StandardSignatureTest {
  private static final byte[] DATA = "release-1.0.tar.gz contents".getBytes(UTF_8);
  private static final KeySpec STANDARD_P256 =
      KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD);

  @TempDir Path dir;
  private HsmClient hsm;

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "standard-sign.db");
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  private static PublicKey publicKey(String pem, String algorithm) throws Exception {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance(algorithm)
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
  }

  private static boolean jdkVerifies(String jcaName, PublicKey key, byte[] data, byte[] signature)
      throws Exception {
    Signature verifier = Signature.getInstance(jcaName);
    if (jcaName.equals("RSASSA-PSS")) {
      verifier.setParameter(
          new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    }
    verifier.initVerify(key);
    verifier.update(data);
    return verifier.verify(signature);
  }

  @Test
  void ecdsa_standardSignature_isThePlainSignatureOfTheData_asTheJdkChecksIt() throws Exception {
    KeyHandle key = hsm.createKey("release", STANDARD_P256);

    byte[] signature = key.signStandard(DATA);

    PublicKey publicKey = publicKey(key.publicKeyPem(), "EC");
    assertThat(signature).hasSize(64); // P1363 r||s, as verifyStandardSignature takes
    assertThat(jdkVerifies("SHA256withECDSAinP1363Format", publicKey, DATA, signature)).isTrue();
    assertThat(
            jdkVerifies(
                "SHA256withECDSAinP1363Format", publicKey, "other".getBytes(UTF_8), signature))
        .isFalse();
  }

  @Test
  void rsa_ed25519_andPss_standardSignatures_verifyWithTheJdk() throws Exception {
    KeyHandle pkcs1 =
        hsm.createKey(
            "pkcs1", KeySpec.rsaPkcs1Sha256(2048).withOperations(Operation.SIGN_STANDARD));
    KeyHandle pss =
        hsm.createKey("pss", KeySpec.rsaPssSha256(2048).withOperations(Operation.SIGN_STANDARD));
    KeyHandle ed = hsm.createKey("ed", KeySpec.ed25519().withOperations(Operation.SIGN_STANDARD));

    assertThat(
            jdkVerifies(
                "SHA256withRSA",
                publicKey(pkcs1.publicKeyPem(), "RSA"),
                DATA,
                pkcs1.signStandard(DATA)))
        .isTrue();
    assertThat(
            jdkVerifies(
                "RSASSA-PSS", publicKey(pss.publicKeyPem(), "RSA"), DATA, pss.signStandard(DATA)))
        .isTrue();
    assertThat(
            jdkVerifies(
                "Ed25519", publicKey(ed.publicKeyPem(), "Ed25519"), DATA, ed.signStandard(DATA)))
        .isTrue();
  }

  @Test
  void standardSigner_fedInParts_givesASignatureOfTheWhole_andNamesItsVersion() throws Exception {
    KeyHandle key = hsm.createKey("release", STANDARD_P256);
    key.rotate();

    StandardSigner signer = key.standardSigner();
    signer.update(DATA, 0, 3);
    signer.update(DATA, 3, DATA.length - 3);
    byte[] signature = signer.sign();

    assertThat(signer.version()).isEqualTo(2);
    assertThat(signer.keyName()).isEqualTo("release");
    assertThat(
            jdkVerifies(
                "SHA256withECDSAinP1363Format",
                publicKey(key.publicKeyPem(2), "EC"),
                DATA,
                signature))
        .isTrue();
    assertThat(
            jdkVerifies(
                "SHA256withECDSAinP1363Format",
                publicKey(key.publicKeyPem(1), "EC"),
                DATA,
                signature))
        .isFalse();
    assertThatThrownBy(signer::sign)
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("already signed");
    assertThat(hsm.auditLog().usage().get("release")).containsEntry(Operation.SIGN_STANDARD, 1L);
  }

  @Test
  void aKeyForEnvelopesAndJws_refusesStandardSignatures_withTheSpecificException_audited() {
    KeyHandle jwsKey = hsm.createKey("tokens", KeySpec.ecdsaP256());

    assertThatThrownBy(() -> jwsKey.signStandard(DATA))
        .isInstanceOf(StandardSignatureNotAllowedException.class)
        .isInstanceOf(OperationNotPermittedException.class)
        .hasMessageContaining("key 'tokens' does not allow SIGN_STANDARD")
        .hasMessageContaining("withOperations(Operation.SIGN_STANDARD)");
    assertThatThrownBy(jwsKey::standardSigner)
        .isInstanceOf(StandardSignatureNotAllowedException.class);
    List<AuditEntry> entries = hsm.auditLog().entries(1, 100);
    AuditEntry last = entries.get(entries.size() - 1);
    assertThat(last.action()).isEqualTo("key.sign-standard");
    assertThat(last.keyName()).isEqualTo("tokens");
    assertThat(last.outcome()).isEqualTo("refused");
  }

  @Test
  void aJwsSigningInput_cannotBeSignedInStandardForm_byTheKeyThatMadeTheJws() {
    KeyHandle key = hsm.createKey("tokens", KeySpec.ecdsaP256());
    String jws = key.signJws("{\"sub\":\"alice\"}".getBytes(UTF_8));
    byte[] signingInput = jws.substring(0, jws.lastIndexOf('.')).getBytes(UTF_8);

    assertThatThrownBy(() -> key.signStandard(signingInput))
        .isInstanceOf(StandardSignatureNotAllowedException.class);
  }

  @Test
  void aStandardSignatureKey_makesNoEnvelopesNoJws_andVerifiesNothing() {
    KeyHandle key = hsm.createKey("release", STANDARD_P256);

    assertThatThrownBy(() -> key.sign(DATA)).isInstanceOf(OperationNotPermittedException.class);
    assertThatThrownBy(() -> key.signJws(DATA)).isInstanceOf(OperationNotPermittedException.class);
    assertThatThrownBy(() -> key.verify(DATA, new byte[69]))
        .isInstanceOf(OperationNotPermittedException.class);
    assertThatThrownBy(() -> key.verifyJws("a.b.c"))
        .isInstanceOf(OperationNotPermittedException.class);
    assertThat(key.info().operations()).containsExactly(Operation.SIGN_STANDARD);
  }

  @Test
  void signStandard_cannotBeCombinedWithOtherOperations_norGivenToOtherKinds() {
    assertThatThrownBy(
            () -> KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD, Operation.SIGN))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("allows nothing else");
    assertThatThrownBy(
            () -> KeySpec.ed25519().withOperations(Operation.SIGN_STANDARD, Operation.VERIFY))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> KeySpec.aes256Gcm().withOperations(Operation.SIGN_STANDARD))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("only signature keys");
    assertThatThrownBy(() -> KeySpec.rsaOaepSha256(2048).withOperations(Operation.SIGN_STANDARD))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(KeySpec.ecdsaP256().operations()).doesNotContain(Operation.SIGN_STANDARD);
  }

  @Test
  void dataInTheReservedNamespace_isRefused_whole_orStreamed() {
    KeyHandle key = hsm.createKey("release", STANDARD_P256);
    byte[] reserved = "dev.hsm/v2/key-export-signature...".getBytes(UTF_8);

    assertThatThrownBy(() -> key.signStandard(reserved))
        .isInstanceOf(OperationNotPermittedException.class)
        .hasMessageContaining("reserved");
    StandardSigner signer = key.standardSigner();
    signer.update(reserved, 0, 3);
    signer.update(reserved, 3, reserved.length - 3);
    assertThatThrownBy(signer::sign)
        .isInstanceOf(OperationNotPermittedException.class)
        .hasMessageContaining("reserved");
  }

  @Test
  void aKeyDisabledWhileStreaming_refusesToSign() {
    KeyHandle key = hsm.createKey("release", STANDARD_P256);
    StandardSigner signer = key.standardSigner();
    signer.update(DATA);

    key.disable();

    assertThatThrownBy(signer::sign).isInstanceOf(KeyDisabledException.class);
  }

  @Test
  void theOperationIsKeptAcrossReopening() {
    hsm.createKey("release", STANDARD_P256);
    hsm.close();
    hsm = TestStores.open(dir, "standard-sign.db");

    KeyHandle key = hsm.key("release");

    assertThat(key.info().operations()).containsExactly(Operation.SIGN_STANDARD);
    assertThat(key.signStandard(DATA)).hasSize(64);
  }
}
