package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worked examples in docs/FORMATS.md, run through the engine, so the page cannot drift; and the
 * page's description of what a raw signature signs, checked by verifiers that are not ours: the
 * JDK's providers with the exported public key, and the page's own Python and OpenSSL checks.
 */
class FormatsDocTest {
  private static final Path FORMATS = Path.of("..", "docs", "FORMATS.md");
  private static final HexFormat HEX = HexFormat.of();

  @TempDir static Path dir;
  static HsmClient hsm;

  /** The Ed25519 example's key, which several checks use. */
  static KeyHandle ed25519Example;

  @BeforeAll
  static void open() throws IOException {
    hsm = TestStores.open(dir, "formats.db");
    ed25519Example =
        hsm.importKey(
            "doc-ed25519",
            KeySpec.ed25519(),
            KeyMaterial.privateKeyPkcs8(hex(example("ed25519").get("pkcs8"))));
  }

  @AfterAll
  static void close() {
    hsm.close();
  }

  /** The {@code name value} lines of the text block that starts with {@code # example: id}. */
  private static Map<String, String> example(String id) throws IOException {
    String doc = Files.readString(FORMATS, StandardCharsets.UTF_8);
    int start = doc.indexOf("# example: " + id + "\n");
    assertThat(start).as("example %s in %s", id, FORMATS).isNotNegative();
    String block = doc.substring(start, doc.indexOf("```", start));
    Map<String, String> fields = new HashMap<>();
    for (String line : block.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] parts = line.split("\\s+", 2);
        fields.put(parts[0], parts[1].trim());
      }
    }
    return fields;
  }

  private static byte[] hex(String spaced) {
    return HEX.parseHex(spaced.replace(" ", ""));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aesGcmExample_decryptsToTheDocumentedPlaintext() throws IOException {
    Map<String, String> example = example("aes-256-gcm");
    KeyHandle key =
        hsm.importKey(
            "doc-aes", KeySpec.aes256Gcm(), KeyMaterial.secretKey(hex(example.get("key"))));

    byte[] plaintext = key.decrypt(hex(example.get("envelope")), utf8(example.get("context")));

    assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo(example.get("plaintext"));
  }

  @Test
  void ed25519Example_signsToTheDocumentedEnvelope_andExportsTheDocumentedKey() throws Exception {
    Map<String, String> example = example("ed25519");
    KeyHandle key = ed25519Example;
    byte[] envelope = hex(example.get("envelope"));
    byte[] message = utf8(example.get("message"));

    assertThat(key.sign(message)).isEqualTo(envelope);
    key.verify(message, envelope);
    assertThat(key.publicKeyPem()).contains(example.get("public"));
    assertThat(concat(Arrays.copyOf(envelope, 5), message))
        .as("signed: the envelope's header, then the message")
        .isEqualTo(hex(example.get("signed")));
    assertThat(jdkVerifies(key, "Ed25519", hex(example.get("signed")), signatureOf(envelope)))
        .isTrue();
  }

  @Test
  void xWingExample_isRebuiltFromItsValues_andDecryptsThroughTheLibrary() throws Exception {
    Map<String, String> example = example("x-wing");
    byte[] seed = hex(example.get("seed"));
    KeyHandle key =
        hsm.importKey(
            "doc-x-wing",
            KeySpec.mlKem768X25519(),
            KeyMaterial.privateKeyPkcs8(PostQuantumEncryptionTest.xWingPkcs8(seed)));
    IndependentHpke.Recipient recipient = IndependentHpke.xWing(seed);
    byte[] publicKey =
        PostQuantumTestSupport.rawPublicKey(PostQuantumTestSupport.spki(key.publicKeyPem()));
    assertThat(publicKey).isEqualTo(recipient.publicKey());
    assertThat(java.security.MessageDigest.getInstance("SHA-256").digest(publicKey))
        .isEqualTo(hex(example.get("public")));
    assertThat(Arrays.copyOfRange(publicKey, 1184, 1216)).isEqualTo(hex(example.get("pk_X")));

    org.bouncycastle.crypto.SecretWithEncapsulation mlKem =
        org.bouncycastle.crypto.kems.MLKEMGenerator.internalGenerateEncapsulated(
            recipient.mlKem().getPublicKeyParameters(), hex(example.get("m")));
    assertThat(java.security.MessageDigest.getInstance("SHA-256").digest(mlKem.getEncapsulation()))
        .isEqualTo(hex(example.get("ct_M-sha256")));
    assertThat(mlKem.getSecret()).isEqualTo(hex(example.get("ss_M")));
    byte[] ephemeral = hex(example.get("ek_X"));
    byte[] ctX = new byte[32];
    org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(ephemeral, 0, ctX, 0);
    assertThat(ctX).isEqualTo(hex(example.get("ct_X")));
    byte[] ssX = new byte[32];
    org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(
        ephemeral, 0, hex(example.get("pk_X")), 0, ssX, 0);
    assertThat(ssX).isEqualTo(hex(example.get("ss_X")));
    byte[] shared =
        IndependentHpke.xWingCombine(mlKem.getSecret(), ssX, ctX, hex(example.get("pk_X")));
    assertThat(shared).isEqualTo(hex(example.get("shared")));
    byte[][] keyAndNonce = IndependentHpke.keySchedule(IndependentHpke.X_WING, shared);
    assertThat(keyAndNonce[0]).isEqualTo(hex(example.get("key")));
    assertThat(keyAndNonce[1]).isEqualTo(hex(example.get("base_nonce")));

    byte[] envelope =
        concat(
            concat(new byte[] {1, 0, 0, 0, 1}, concat(mlKem.getEncapsulation(), ctX)),
            hex(example.get("sealed")));
    assertThat(
            new String(key.decrypt(envelope, utf8(example.get("context"))), StandardCharsets.UTF_8))
        .isEqualTo(example.get("plaintext"));
  }

  @Test
  void hmacExample_macsToTheDocumentedEnvelope() throws IOException {
    Map<String, String> example = example("hmac-sha256");
    KeyHandle key =
        hsm.importKey(
            "doc-hmac", KeySpec.hmacSha256(), KeyMaterial.secretKey(hex(example.get("key"))));

    assertThat(key.mac(utf8(example.get("message")))).isEqualTo(hex(example.get("envelope")));
    key.verifyMac(utf8(example.get("message")), hex(example.get("envelope")));
  }

  @Test
  void format1Example_isTheBareSignatureOfTheMessage_andIsRefusedAsRetired() throws Exception {
    KeyHandle key = ed25519Example;
    byte[] format1 = hex(example("ed25519-format-1").get("envelope"));
    byte[] message = utf8(example("ed25519").get("message"));

    assertThat(jdkVerifies(key, "Ed25519", message, signatureOf(format1))).isTrue();
    assertThatThrownBy(() -> key.verify(message, format1))
        .isInstanceOf(RetiredEnvelopeFormatException.class)
        .hasMessageContaining("format-1")
        .hasMessageContaining("sign()");
  }

  static Stream<Arguments> signatureAlgorithms() {
    return Stream.of(
        Arguments.of(KeySpec.ecdsaP256(), "SHA256withECDSAinP1363Format"),
        Arguments.of(KeySpec.ecdsaP384(), "SHA384withECDSAinP1363Format"),
        Arguments.of(KeySpec.ecdsaP521(), "SHA512withECDSAinP1363Format"),
        Arguments.of(KeySpec.ed25519(), "Ed25519"),
        Arguments.of(KeySpec.rsaPkcs1Sha256(2048), "SHA256withRSA"),
        Arguments.of(KeySpec.rsa(Algorithm.RSA_PKCS1_SHA512, 2048), "SHA512withRSA"),
        Arguments.of(KeySpec.rsaPssSha256(2048), "RSASSA-PSS/SHA-256"),
        Arguments.of(KeySpec.rsa(Algorithm.RSA_PSS_SHA384, 2048), "RSASSA-PSS/SHA-384"));
  }

  @ParameterizedTest
  @MethodSource("signatureAlgorithms")
  void rawSignatures_verifyInTheJdk_withTheExportedKey_overTheHeaderThenTheData(
      KeySpec spec, String jdkAlgorithm) throws Exception {
    KeyHandle key = hsm.createKey("raw-" + spec.algorithm().name().toLowerCase(), spec);
    byte[] data = utf8("an invoice");

    byte[] envelope = key.sign(data);

    assertThat(envelope[0]).as("format byte").isEqualTo((byte) 0x04);
    assertThat(Arrays.copyOfRange(envelope, 1, 5)).as("key version 1").containsExactly(0, 0, 0, 1);
    byte[] signed = concat(Arrays.copyOf(envelope, 5), data);
    assertThat(jdkVerifies(key, jdkAlgorithm, signed, signatureOf(envelope))).isTrue();
    assertThat(jdkVerifies(key, jdkAlgorithm, data, signatureOf(envelope)))
        .as("the bare data is not what was signed")
        .isFalse();
  }

  @Test
  void gcmSivExample_isWhatEncryptMakes_andDecrypts() throws IOException {
    Map<String, String> example = example("aes-256-gcm-siv");
    KeyHandle key =
        hsm.importKey(
            "doc-siv", KeySpec.aes256GcmSiv(), KeyMaterial.secretKey(hex(example.get("key"))));
    byte[] context = utf8(example.get("context"));
    byte[] envelope = hex(example.get("envelope"));

    assertThat(key.encrypt(utf8(example.get("plaintext")), context))
        .as("the documented nonce derivation is the one encrypt uses")
        .isEqualTo(envelope);
    assertThat(new String(key.decrypt(envelope, context), StandardCharsets.UTF_8))
        .isEqualTo(example.get("plaintext"));
  }

  @Test
  void pythonGcmSivWriter_producesTheExampleEnvelope() throws Exception {
    Assumptions.assumeTrue(
        exitCode(
                dir,
                "python3",
                "-c",
                "from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV")
            == 0,
        "python3 with cryptography 42 or later is not installed");
    String check = snippet("python", "gcm-siv-python");
    String envelope = example("aes-256-gcm-siv").get("envelope").replace(" ", "");
    assertThat(check).contains(envelope);

    assertThat(exitCode(dir, "python3", "-c", check)).isZero();
    assertThat(exitCode(dir, "python3", "-c", check.replace("b\"customer.email\"", "b\"x\"")))
        .as("the check fails for another context")
        .isNotZero();
  }

  @Test
  void pythonCheck_acceptsTheExampleSignature_andRefusesOtherData() throws Exception {
    Assumptions.assumeTrue(
        exitCode(dir, "python3", "-c", "import cryptography") == 0,
        "python3 with the cryptography package is not installed");
    String check = snippet("python", "ed25519-python");
    assertThat(check).contains("b\"hello\"");

    assertThat(exitCode(dir, "python3", "-c", check)).isZero();
    assertThat(exitCode(dir, "python3", "-c", check.replace("b\"hello\"", "b\"hellp\"")))
        .isNotZero();
  }

  @Test
  void opensslCheck_acceptsTheExampleSignature_andRefusesOtherData() throws Exception {
    Assumptions.assumeTrue(
        exitCode(dir, "sh", "-c", "openssl version | grep -q '^OpenSSL [3-9]'") == 0,
        "OpenSSL 3 is not installed");
    Path work = Files.createDirectories(dir.resolve("openssl"));
    Files.writeString(work.resolve("public.pem"), ed25519Example.publicKeyPem());
    Files.write(work.resolve("envelope.bin"), hex(example("ed25519").get("envelope")));
    Files.write(work.resolve("data.bin"), utf8(example("ed25519").get("message")));
    String check = snippet("sh", "ed25519-openssl");

    assertThat(exitCode(work, "sh", "-e", "-c", check)).isZero();
    Files.write(work.resolve("data.bin"), utf8("hellp"));
    assertThat(exitCode(work, "sh", "-e", "-c", check)).isNotZero();
  }

  /** The fenced {@code language} block of FORMATS.md whose first line is {@code # check: id}. */
  private static String snippet(String language, String id) throws IOException {
    String doc = Files.readString(FORMATS, StandardCharsets.UTF_8);
    String opening = "```" + language + "\n# check: " + id + "\n";
    int start = doc.indexOf(opening);
    assertThat(start).as("%s check %s in %s", language, id, FORMATS).isNotNegative();
    start += ("```" + language + "\n").length();
    return doc.substring(start, doc.indexOf("```", start));
  }

  private static int exitCode(Path workingDir, String... command) throws Exception {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(workingDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException notInstalled) {
      return -1;
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
    }
    return process.exitValue();
  }

  /** Whether the JDK's own provider accepts {@code signature} of {@code signed}, with the PEM. */
  private static boolean jdkVerifies(
      KeyHandle key, String jdkAlgorithm, byte[] signed, byte[] signature) throws Exception {
    String[] nameAndHash = jdkAlgorithm.split("/");
    Signature jdk = Signature.getInstance(nameAndHash[0]);
    if (nameAndHash.length > 1) {
      String hash = nameAndHash[1];
      int saltBytes = Integer.parseInt(hash.substring(4)) / 8;
      jdk.setParameter(
          new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), saltBytes, 1));
    }
    jdk.initVerify(publicKeyFromPem(key.publicKeyPem(), jdkAlgorithm));
    jdk.update(signed);
    return jdk.verify(signature);
  }

  private static PublicKey publicKeyFromPem(String pem, String jdkAlgorithm) throws Exception {
    byte[] spki =
        Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    String keyType =
        jdkAlgorithm.contains("ECDSA") ? "EC" : jdkAlgorithm.equals("Ed25519") ? "Ed25519" : "RSA";
    return KeyFactory.getInstance(keyType).generatePublic(new X509EncodedKeySpec(spki));
  }

  private static byte[] signatureOf(byte[] envelope) {
    return Arrays.copyOfRange(envelope, 5, envelope.length);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] out = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, out, first.length, second.length);
    return out;
  }
}
