package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verifyStandardSignature} and {@code verifyStandardMac}: signatures and tags made outside,
 * over bare data, checked by keys that can never sign here, and refused (and audited) on keys that
 * can.
 */
class StandardFormVerificationTest {
  private static final byte[] DATA = "a partner's signed file".getBytes(UTF_8);

  @TempDir Path dir;
  private HsmClient hsm;
  private KeyPair partner;
  private byte[] partnerSignature;

  @BeforeEach
  void open() throws Exception {
    hsm = TestStores.open(dir, "standard.db");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    partner = generator.generateKeyPair();
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(partner.getPrivate());
    signer.update(DATA);
    partnerSignature = signer.sign();
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  private KeyHandle partnerKey() {
    return hsm.importKey(
        "partner",
        KeySpec.ecdsaP256(),
        KeyMaterial.publicKeyX509(partner.getPublic().getEncoded()));
  }

  private static byte[] jdkHmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  @Test
  void anImportedPublicKey_acceptsTheOutsideSignersStandardSignature() {
    KeyHandle key = partnerKey();

    key.verifyStandardSignature(DATA, partnerSignature, 1);

    assertThat(key.info().operations()).containsExactly(Operation.VERIFY);
  }

  @Test
  void anImportedPublicKey_refusesAnAlteredSignature_otherData_andAVersionItDoesNotHave() {
    KeyHandle key = partnerKey();
    byte[] altered = partnerSignature.clone();
    altered[10] ^= 1;

    assertThatThrownBy(() -> key.verifyStandardSignature(DATA, altered, 1))
        .isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("does not verify with key 'partner' version 1");
    assertThatThrownBy(
            () -> key.verifyStandardSignature("other".getBytes(UTF_8), partnerSignature, 1))
        .isInstanceOf(VerificationFailedException.class);
    assertThatThrownBy(() -> key.verifyStandardSignature(DATA, partnerSignature, 2))
        .isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("names version 2 of key 'partner', which it does not have");
    assertThatThrownBy(() -> key.verifyStandardSignature(DATA, new byte[0], 1))
        .isInstanceOf(VerificationFailedException.class);
  }

  @Test
  void aSignatureEnvelope_isNotAStandardSignature() {
    KeyHandle key = partnerKey();
    byte[] enveloped = new byte[5 + partnerSignature.length];
    enveloped[0] = 0x02;
    enveloped[4] = 1;
    System.arraycopy(partnerSignature, 0, enveloped, 5, partnerSignature.length);

    assertThatThrownBy(() -> key.verifyStandardSignature(DATA, enveloped, 1))
        .isInstanceOf(VerificationFailedException.class);
  }

  @Test
  void aKeyThatCanSign_refusesStandardFormSignatures_andTheRefusalIsAudited() {
    KeyHandle signer = hsm.createKey("signer", KeySpec.ed25519());

    assertThatThrownBy(() -> signer.verifyStandardSignature(DATA, new byte[64], 1))
        .isInstanceOf(OperationNotPermittedException.class)
        .hasMessageContaining("key 'signer' allows SIGN")
        .hasMessageContaining("verify()")
        .hasMessageContaining("only VERIFY");
    List<AuditEntry> entries = hsm.auditLog().entries(1, 100);
    AuditEntry last = entries.get(entries.size() - 1);
    assertThat(last.action()).isEqualTo("key.verify-standard-signature");
    assertThat(last.keyName()).isEqualTo("signer");
    assertThat(last.outcome()).isEqualTo("refused");
  }

  @Test
  void aGeneratedKeyThatMayOnlyVerify_isAllowedStandardFormSignatures() {
    KeyHandle key =
        hsm.createKey("verify-only", KeySpec.ecdsaP256().withOperations(Operation.VERIFY));

    assertThatThrownBy(() -> key.verifyStandardSignature(DATA, partnerSignature, 1))
        .isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void aVerifyOnlyHmacKey_acceptsAStandardTagComputedOutside_andRefusesOthers() throws Exception {
    byte[] secret = hsm.randomBytes(32);
    KeyHandle key =
        hsm.importKey(
            "webhook-in",
            KeySpec.hmacSha256().withOperations(Operation.VERIFY),
            KeyMaterial.secretKey(secret));
    byte[] tag = jdkHmac(secret, DATA);

    key.verifyStandardMac(DATA, tag, 1);

    byte[] truncated = Arrays.copyOf(tag, 16);
    assertThatThrownBy(() -> key.verifyStandardMac(DATA, truncated, 1))
        .isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("does not verify with key 'webhook-in' version 1");
    assertThatThrownBy(() -> key.verifyStandardMac("other".getBytes(UTF_8), tag, 1))
        .isInstanceOf(VerificationFailedException.class);
    assertThatThrownBy(() -> key.mac(DATA)).isInstanceOf(OperationNotPermittedException.class);
  }

  @Test
  void anHmacKeyThatCanComputeTags_refusesStandardFormTags_andTheRefusalIsAudited()
      throws Exception {
    byte[] secret = hsm.randomBytes(32);
    KeyHandle key =
        hsm.importKey("webhook-out", KeySpec.hmacSha256(), KeyMaterial.secretKey(secret));

    assertThatThrownBy(() -> key.verifyStandardMac(DATA, jdkHmac(secret, DATA), 1))
        .isInstanceOf(OperationNotPermittedException.class)
        .hasMessageContaining("key 'webhook-out' allows SIGN")
        .hasMessageContaining("verifyMac()");
    List<AuditEntry> entries = hsm.auditLog().entries(1, 100);
    assertThat(entries.get(entries.size() - 1))
        .extracting(AuditEntry::action, AuditEntry::keyName, AuditEntry::outcome)
        .containsExactly("key.verify-standard-mac", "webhook-out", "refused");
  }

  @Test
  void eachStandardFormCall_takesOnlyItsOwnKindOfKey() {
    KeyHandle publicKey = partnerKey();
    KeyHandle hmac =
        hsm.importKey(
            "hmac-verify-only",
            KeySpec.hmacSha256().withOperations(Operation.VERIFY),
            KeyMaterial.secretKey(hsm.randomBytes(32)));

    assertThatThrownBy(() -> publicKey.verifyStandardMac(DATA, new byte[32], 1))
        .isInstanceOf(WrongKeyTypeException.class)
        .hasMessageContaining("'partner'");
    assertThatThrownBy(() -> hmac.verifyStandardSignature(DATA, new byte[64], 1))
        .isInstanceOf(WrongKeyTypeException.class)
        .hasMessageContaining("'hmac-verify-only'");
  }

  @Test
  void aDisabledKey_refusesStandardFormSignatures() {
    KeyHandle key = partnerKey();
    key.disable();

    assertThatThrownBy(() -> key.verifyStandardSignature(DATA, partnerSignature, 1))
        .isInstanceOf(KeyDisabledException.class);
  }
}
