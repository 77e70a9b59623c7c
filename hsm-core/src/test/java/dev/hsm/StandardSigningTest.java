package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the JCA provider adds to standard signatures ({@code StandardSignatureTest} covers the
 * rest): {@code signStandard(data, version)} with a version that is not the primary, and {@code
 * macStandard}, standard HMAC tags from an HMAC key that allows SIGN_STANDARD alone; every refusal
 * is audited.
 */
class StandardSigningTest {
  private static final byte[] DATA = "a TLS handshake transcript".getBytes(UTF_8);
  private static final KeySpec STANDARD_EC =
      KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD);

  @TempDir Path dir;
  private HsmClient hsm;

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "standard-signing.db");
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  private static PublicKey publicKey(String pem) throws Exception {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC")
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
  }

  private static boolean jdkVerifies(PublicKey key, byte[] signature) throws Exception {
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(key);
    verifier.update(DATA);
    return verifier.verify(signature);
  }

  private AuditEntry lastEntry() {
    List<AuditEntry> entries = hsm.auditLog().entries(1, 1000);
    return entries.get(entries.size() - 1);
  }

  @Test
  void signStandard_aKeyThatAlsoVerifies_isRefused_soItsSignaturesCannotPassForItsOwnChecks() {
    assertThatThrownBy(
            () -> KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD, Operation.VERIFY))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("allows nothing else");
    assertThatThrownBy(
            () -> KeySpec.hmacSha256().withOperations(Operation.SIGN_STANDARD, Operation.VERIFY))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("allows nothing else");
  }

  @Test
  void signStandard_withAVersion_signsWithThatVersion_whileItIsEnabled() throws Exception {
    KeyHandle key = hsm.createKey("jca", STANDARD_EC);
    PublicKey v1 = publicKey(key.publicKeyPem());
    int v2 = key.rotate();

    assertThat(jdkVerifies(v1, key.signStandard(DATA, 1))).isTrue();
    assertThat(jdkVerifies(publicKey(key.publicKeyPem(v2)), key.signStandard(DATA, v2))).isTrue();
    assertThat(jdkVerifies(v1, key.signStandard(DATA, v2))).isFalse();
    assertThat(lastEntry().action()).isEqualTo("key.rotate");

    key.disableVersion(1);
    assertThatThrownBy(() -> key.signStandard(DATA, 1))
        .isInstanceOf(KeyDisabledException.class)
        .hasMessageContaining("version 1 is disabled");
    assertThatThrownBy(() -> key.signStandard(DATA, 3))
        .isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("no version 3");
    assertThatThrownBy(() -> key.signStandard("dev.hsm/v2/key-export".getBytes(UTF_8), v2))
        .isInstanceOf(OperationNotPermittedException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> key.signStandard(null, v2))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void signStandard_withAVersion_onAKeyForEnvelopes_isRefusedAndAudited() {
    KeyHandle key = hsm.createKey("envelopes", KeySpec.ecdsaP256());

    assertThatThrownBy(() -> key.signStandard(DATA, 1))
        .isInstanceOf(StandardSignatureNotAllowedException.class);
    assertThat(lastEntry().action()).isEqualTo("key.sign-standard");
    assertThat(lastEntry().outcome()).isEqualTo("refused");
  }

  @Test
  void macStandard_isTheStandardHmacTag_ofAKeyThatAllowsSignStandardAlone() throws Exception {
    byte[] secret = hsm.randomBytes(32);
    KeyHandle key =
        hsm.importKey(
            "hooks",
            KeySpec.hmacSha256().withOperations(Operation.SIGN_STANDARD),
            KeyMaterial.secretKey(secret));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));

    assertThat(key.macStandard(DATA, 1)).isEqualTo(mac.doFinal(DATA));
    assertThatThrownBy(() -> key.mac(DATA)).isInstanceOf(OperationNotPermittedException.class);
    assertThatThrownBy(() -> key.signJws(DATA)).isInstanceOf(OperationNotPermittedException.class);
    assertThatThrownBy(() -> key.verifyMac(DATA, new byte[37]))
        .isInstanceOf(OperationNotPermittedException.class);
    assertThatThrownBy(() -> key.signStandard(DATA)).isInstanceOf(WrongKeyTypeException.class);
  }

  @Test
  void macStandard_onAKeyForEnvelopeTags_isRefusedAndAudited() {
    KeyHandle key = hsm.createKey("tags", KeySpec.hmacSha256());

    assertThatThrownBy(() -> key.macStandard(DATA, 1))
        .isInstanceOf(StandardSignatureNotAllowedException.class);
    assertThat(lastEntry().action()).isEqualTo("key.mac-standard");
    assertThat(lastEntry().outcome()).isEqualTo("refused");
    KeyHandle ec = hsm.createKey("ec", STANDARD_EC);
    assertThatThrownBy(() -> ec.macStandard(DATA, 1)).isInstanceOf(WrongKeyTypeException.class);
  }
}
