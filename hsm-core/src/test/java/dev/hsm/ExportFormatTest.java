package dev.hsm;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * docs/FORMATS.md ("Exported keys") is enough to interoperate: an export this library makes is read
 * and checked with the JDK alone ({@link ExportBlobs}, written from the page), and an export built
 * with the JDK alone is imported here. The transport key's private half is known to the test, which
 * imports it as PKCS#8.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportFormatTest {
  private static final byte[] KNOWN_AES = new byte[32];
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final byte[] CONTEXT = "tenant=7".getBytes(UTF_8);

  static {
    new SecureRandom().nextBytes(KNOWN_AES);
  }

  @TempDir static Path dir;

  private HsmClient hsm;
  private KeyPair transport;
  private String transportPem;

  @BeforeAll
  void createStore() throws Exception {
    hsm = TestStores.open(dir, "store.db");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    transport = rsa.generateKeyPair();
    transportPem =
        hsm.admin()
            .importKey(
                "transport",
                KeySpec.rsaOaepSha256(2048),
                KeyMaterial.privateKeyPkcs8(transport.getPrivate().getEncoded()))
            .publicKeyPem();
    hsm.createKey("exporter", KeySpec.ecdsaP256());
    hsm.admin()
        .importKey(
            "known", KeySpec.aes256Gcm().withExtractable(true), KeyMaterial.secretKey(KNOWN_AES));
  }

  @AfterAll
  void closeStore() {
    if (hsm != null) {
      hsm.close();
    }
  }

  @Test
  void anExportMadeHere_isReadAndCheckedWithTheJdkAlone() throws Exception {
    byte[] blob = hsm.admin().exportKey("known", transportPem, "exporter");
    String exporterPem = hsm.key("exporter").publicKeyPem();
    ExportBlobs.Layout at = ExportBlobs.Layout.of(blob);

    assertThat(new String(blob, 0, 4, US_ASCII)).isEqualTo("HSMX");
    assertThat(blob[4]).isEqualTo((byte) 2);
    assertThat(ExportBlobs.Layout.slice(blob, at.transportKeyId(), 32))
        .isEqualTo(ExportBlobs.keyId(transportPem));
    assertThat(ExportBlobs.Layout.slice(blob, at.signerKeyId(), 32))
        .isEqualTo(ExportBlobs.keyId(exporterPem));
    assertThat(new String(blob, at.algorithm(), at.algorithmLength(), US_ASCII))
        .isEqualTo("ECDSA_P256_SHA256");
    assertThat(at.wrappedKeyLength()).isEqualTo(256);
    assertThat(at.signature() + 64).isEqualTo(blob.length);

    Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
    ecdsa.initVerify(
        java.security.KeyFactory.getInstance("EC")
            .generatePublic(
                new java.security.spec.X509EncodedKeySpec(ExportBlobs.der(exporterPem))));
    ecdsa.update(ExportBlobs.signingInput(Arrays.copyOf(blob, at.signature())));
    assertThat(ecdsa.verify(blob, at.signature(), 64)).as("signature").isTrue();

    Map<String, Object> payload =
        JSONObjectUtils.parse(
            new String(ExportBlobs.openPayload(blob, transport.getPrivate()), UTF_8));
    assertThat(payload)
        .containsEntry("name", "known")
        .containsEntry("algorithm", "AES_256_GCM")
        .containsEntry("materialForm", "SECRET")
        .containsEntry("enabled", true)
        .containsKeys(
            "rsaModulusBits",
            "operations",
            "labels",
            "primaryVersion",
            "minDecryptionVersion",
            "rotationPeriodSeconds",
            "createdAt",
            "versions");
    Map<?, ?> version = (Map<?, ?>) ((List<?>) payload.get("versions")).get(0);
    assertThat(version.get("state")).isEqualTo("ENABLED");
    assertThat(Base64.getDecoder().decode((String) version.get("material"))).isEqualTo(KNOWN_AES);
  }

  @Test
  void anExportBuiltWithTheJdkAlone_andSignedWithEcdsaP256_isImportedHere() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair signer = ec.generateKeyPair();

    KeyHandle imported =
        importBuiltOutside(
            "outside-ec",
            KeySpec.ecdsaP256(),
            signer,
            "ECDSA_P256_SHA256",
            "SHA256withECDSAinP1363Format");

    assertThat(imported.decrypt(gcmEnvelope(KNOWN_AES, DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);
    assertThat(imported.info().imported()).isTrue();
  }

  @Test
  void anExportBuiltWithTheJdkAlone_andSignedWithEd25519_isImportedHere() throws Exception {
    KeyPair signer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

    KeyHandle imported =
        importBuiltOutside("outside-ed", KeySpec.ed25519(), signer, "ED25519", "Ed25519");

    assertThat(imported.decrypt(gcmEnvelope(KNOWN_AES, DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);
  }

  /**
   * Payloads that are no consistent key, each made from a valid one by one change. Found by the
   * export fuzz suite: before the payload was read strictly, most were stored as keys that failed
   * when used, a version listed twice failed with StoreException after 100 retries, and the RSA one
   * threw InvalidArgumentException.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "an enabled version without material | ,\"material\":\"[^\"]*\" | ",
        "versions not numbered from 1 | \"version\":1 | \"version\":2",
        "a minimum decryption version above the primary"
            + " | \"minDecryptionVersion\":1 | \"minDecryptionVersion\":2",
        "a disabled primary version | \"ENABLED\" | \"DISABLED\"",
        "a version listed twice | \\[(\\{.*\\})\\] | [$1,$1]",
        "an RSA key with no modulus size | AES_256_GCM | RSA_OAEP_SHA256",
        "no versions | \\[.*\\] | []",
        "a version number that is not whole | \"version\":1 | \"version\":1.5",
        "a modulus size for an AES key | \"rsaModulusBits\":0 | \"rsaModulusBits\":2048",
        "a label outside the rule | \"labels\":\\{\\} | \"labels\":{\"Bad Label\":\"x\"}",
        "a negative rotation period"
            + " | \"rotationPeriodSeconds\":0 | \"rotationPeriodSeconds\":-3600",
      })
  void anInconsistentPayload_isRefusedAsInvalidKeyMaterial_andStoresNothing(
      String change, String regex, String replacement) throws Exception {
    String valid = new String(ExportBlobs.aesPayload("outside", KNOWN_AES), UTF_8);
    String payload = valid.replaceFirst(regex, replacement == null ? "" : replacement);
    assertThat(payload).as(change).isNotEqualTo(valid);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    String name = "inconsistent-" + Math.abs(change.hashCode());

    assertThatThrownBy(
            () ->
                importBuiltOutside(
                    name,
                    KeySpec.ecdsaP256(),
                    ec.generateKeyPair(),
                    "ECDSA_P256_SHA256",
                    "SHA256withECDSAinP1363Format",
                    payload.getBytes(UTF_8)))
        .isInstanceOf(InvalidKeyMaterialException.class)
        .hasMessageContaining("cannot import key '" + name + "': the exported key");
    assertThat(hsm.findKey(name)).isEmpty();
    AuditEntry last = lastAuditEntry();
    assertThat(List.of(last.action(), last.keyName(), last.outcome()))
        .as("the refusal is audited, as every refused import")
        .containsExactly("key.import-exported", name, "refused");
  }

  private AuditEntry lastAuditEntry() {
    List<AuditEntry> entries = hsm.auditLog().entries(1, 100_000);
    return entries.get(entries.size() - 1);
  }

  /**
   * Trusts {@code signer}'s public key as {@code name + "-signer"}, builds an export of an AES key
   * holding {@link #KNOWN_AES} with {@link ExportBlobs}, signs it with the JDK and imports it.
   */
  private KeyHandle importBuiltOutside(
      String name, KeySpec spec, KeyPair signer, String algorithm, String jdkSignature)
      throws Exception {
    return importBuiltOutside(
        name, spec, signer, algorithm, jdkSignature, ExportBlobs.aesPayload("outside", KNOWN_AES));
  }

  /** The same, with {@code payload} as the export's JSON. */
  private KeyHandle importBuiltOutside(
      String name,
      KeySpec spec,
      KeyPair signer,
      String algorithm,
      String jdkSignature,
      byte[] payload)
      throws Exception {
    String signerPem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(signer.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    hsm.admin()
        .importKey(
            name + "-signer",
            spec.withOperations(Operation.VERIFY),
            KeyMaterial.publicKeyPem(signerPem));
    byte[] unsigned = ExportBlobs.unsigned(transportPem, signerPem, algorithm, payload);
    Signature signature = Signature.getInstance(jdkSignature);
    signature.initSign(signer.getPrivate());
    signature.update(ExportBlobs.signingInput(unsigned));

    return hsm.admin()
        .importExportedKey(
            name, ExportBlobs.concat(unsigned, signature.sign()), "transport", name + "-signer");
  }

  /** An AES-256-GCM ciphertext envelope of key version 1, made with the JDK (FORMATS.md). */
  private static byte[] gcmEnvelope(byte[] key, byte[] plaintext, byte[] context) throws Exception {
    byte[] nonce = new byte[12];
    new SecureRandom().nextBytes(nonce);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    gcm.updateAAD(context);
    return ExportBlobs.concat(new byte[] {1, 0, 0, 0, 1}, nonce, gcm.doFinal(plaintext));
  }
}
