package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decryptStandardOaep}: RSA-OAEP ciphertexts that outside parties make with a key's public
 * key (no envelope) decrypt with the version they name and the label they used; every failure gives
 * one message; the reserved namespace keeps a key export's ephemeral key out of reach; the policy
 * gate refuses (and audits) keys that may not decrypt.
 */
class StandardOaepDecryptionTest {
  private static final byte[] SECRET = "a session key from a partner".getBytes(UTF_8);
  private static final byte[] NO_LABEL = new byte[0];

  @TempDir Path dir;
  private HsmClient hsm;
  private KeyHandle oaep;

  /** One RSA key for every test, imported: generating one per test costs seconds. */
  private static byte[] pkcs8;

  @BeforeAll
  static void generateOnce() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
  }

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "oaep.db");
    oaep = hsm.importKey("inbox", KeySpec.rsaOaepSha256(2048), KeyMaterial.privateKeyPkcs8(pkcs8));
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  /** What an outside sender does: JDK RSA-OAEP (SHA-256, MGF1-SHA-256) with the public PEM. */
  private static byte[] outsideEncrypt(String publicKeyPem, byte[] plaintext, byte[] label)
      throws Exception {
    PublicKey key =
        KeyFactory.getInstance("RSA")
            .generatePublic(new X509EncodedKeySpec(ExportBlobs.der(publicKeyPem)));
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
    cipher.init(
        Cipher.ENCRYPT_MODE,
        key,
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label)));
    return cipher.doFinal(plaintext);
  }

  private AuditEntry lastEntry() {
    List<AuditEntry> entries = hsm.auditLog().entries(1, 1000);
    return entries.get(entries.size() - 1);
  }

  @Test
  void aCiphertextAnOutsiderMadeWithThePublicKey_decryptsWithItsVersionAndLabel() throws Exception {
    byte[] unlabelled = outsideEncrypt(oaep.publicKeyPem(), SECRET, NO_LABEL);
    byte[] labelled = outsideEncrypt(oaep.publicKeyPem(), SECRET, "partner-42".getBytes(UTF_8));

    assertThat(oaep.decryptStandardOaep(unlabelled, NO_LABEL, 1)).isEqualTo(SECRET);
    assertThat(oaep.decryptStandardOaep(labelled, "partner-42".getBytes(UTF_8), 1))
        .isEqualTo(SECRET);
    assertThat(hsm.auditLog().usage().get("inbox")).containsEntry(Operation.DECRYPT, 2L);
  }

  @Test
  void everyFailure_wrongLabel_alteredOrTruncated_sharesOneMessage_andOtherVersionsFail()
      throws Exception {
    byte[] ciphertext = outsideEncrypt(oaep.publicKeyPem(), SECRET, NO_LABEL);
    oaep.rotate();
    byte[] altered = ciphertext.clone();
    altered[100] ^= 1;

    List<Object[]> failures =
        List.of(
            new Object[] {ciphertext, "x".getBytes(UTF_8)},
            new Object[] {altered, NO_LABEL},
            new Object[] {Arrays.copyOf(ciphertext, 255), NO_LABEL},
            new Object[] {Arrays.copyOf(ciphertext, 257), NO_LABEL},
            new Object[] {new byte[0], NO_LABEL});
    for (Object[] failure : failures) {
      assertThatThrownBy(
              () -> oaep.decryptStandardOaep((byte[]) failure[0], (byte[]) failure[1], 1))
          .isExactlyInstanceOf(InvalidCiphertextException.class)
          .hasMessage(
              "standard-form ciphertext does not decrypt with key 'inbox' version 1: it was"
                  + " altered or truncated, made for another key, or the label differs")
          .satisfies(e -> assertThat(e).hasNoCause());
    }
    assertThatThrownBy(() -> oaep.decryptStandardOaep(ciphertext, NO_LABEL, 2))
        .isExactlyInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("version 2");
    assertThatThrownBy(() -> oaep.decryptStandardOaep(ciphertext, NO_LABEL, 9))
        .isExactlyInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("names version 9 of key 'inbox', which it does not have");
    assertThat(oaep.decryptStandardOaep(ciphertext, NO_LABEL, 1)).isEqualTo(SECRET);
  }

  /** Why no restriction like verifyStandardSignature's: an envelope's payload is this form. */
  @Test
  void anEnvelopesPayload_isAStandardCiphertextUnderTheContextAsLabel() {
    byte[] context = "order:7".getBytes(UTF_8);
    byte[] envelope = oaep.encrypt(SECRET, context);

    byte[] payload = Arrays.copyOfRange(envelope, 5, envelope.length);
    assertThat(oaep.decryptStandardOaep(payload, context, 1)).isEqualTo(SECRET);
  }

  @Test
  void aLabelInTheReservedNamespace_isRefused_soAnExportsEphemeralKeyStaysClosed()
      throws Exception {
    try (HsmClient source = TestStores.open(dir, "source.db")) {
      source.createKey("shared", KeySpec.aes256Gcm().withExtractable(true));
      source.createKey("exporter", KeySpec.ecdsaP256());
      byte[] export = source.admin().exportKey("shared", oaep.publicKeyPem(), "exporter");
      ExportBlobs.Layout layout = ExportBlobs.Layout.of(export);
      byte[] wrappedEphemeral =
          ExportBlobs.Layout.slice(export, layout.wrappedKey(), layout.wrappedKeyLength());

      assertThatThrownBy(
              () -> oaep.decryptStandardOaep(wrappedEphemeral, ExportBlobs.OAEP_LABEL, 1))
          .isExactlyInstanceOf(OperationNotPermittedException.class)
          .hasMessageContaining("dev.hsm/");
      assertThat(lastEntry().action()).isEqualTo("key.decrypt-standard-oaep");
      assertThat(lastEntry().outcome()).isEqualTo("refused");
      assertThatThrownBy(() -> oaep.decryptStandardOaep(wrappedEphemeral, NO_LABEL, 1))
          .isExactlyInstanceOf(InvalidCiphertextException.class);
    }
  }

  @Test
  void aKeyThatMayNotDecrypt_isRefusedAndAudited_andOtherKindsAreTheWrongType() throws Exception {
    KeyHandle encryptOnly =
        hsm.createKey(
            "encrypt-only", KeySpec.rsaOaepSha256(2048).withOperations(Operation.ENCRYPT));
    byte[] ciphertext = outsideEncrypt(encryptOnly.publicKeyPem(), SECRET, NO_LABEL);

    assertThatThrownBy(() -> encryptOnly.decryptStandardOaep(ciphertext, NO_LABEL, 1))
        .isExactlyInstanceOf(OperationNotPermittedException.class)
        .hasMessageContaining("does not allow DECRYPT");
    assertThat(lastEntry().action()).isEqualTo("key.decrypt-standard-oaep");
    assertThat(lastEntry().keyName()).isEqualTo("encrypt-only");
    assertThat(lastEntry().outcome()).isEqualTo("refused");

    KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
    assertThatThrownBy(() -> aes.decryptStandardOaep(ciphertext, NO_LABEL, 1))
        .isExactlyInstanceOf(WrongKeyTypeException.class);
  }

  @Test
  void aDisabledVersion_isRefusedLikeAnyUseOfIt() throws Exception {
    byte[] ciphertext = outsideEncrypt(oaep.publicKeyPem(), SECRET, NO_LABEL);
    oaep.rotate();
    oaep.disableVersion(1);

    assertThatThrownBy(() -> oaep.decryptStandardOaep(ciphertext, NO_LABEL, 1))
        .isExactlyInstanceOf(KeyDisabledException.class)
        .hasMessageContaining("version 1 is disabled");
  }

  @Test
  void aCiphertextMadeByOpenssl_decrypts() throws Exception {
    Path publicPem = Files.writeString(dir.resolve("inbox.pem"), oaep.publicKeyPem());
    Path plain = Files.write(dir.resolve("plain.bin"), SECRET);
    Path encrypted = dir.resolve("encrypted.bin");
    Process process;
    try {
      process =
          new ProcessBuilder(
                  "openssl",
                  "pkeyutl",
                  "-encrypt",
                  "-pubin",
                  "-inkey",
                  publicPem.toString(),
                  "-pkeyopt",
                  "rsa_padding_mode:oaep",
                  "-pkeyopt",
                  "rsa_oaep_md:sha256",
                  "-pkeyopt",
                  "rsa_mgf1_md:sha256",
                  "-in",
                  plain.toString(),
                  "-out",
                  encrypted.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("openssl.out").toFile())
              .start();
    } catch (IOException notInstalled) {
      process = null;
    }
    assumeThat(process)
        .as("openssl is not installed: the OpenSSL interop check is skipped")
        .isNotNull();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(dir.resolve("openssl.out"))).isZero();

    assertThat(oaep.decryptStandardOaep(Files.readAllBytes(encrypted), NO_LABEL, 1))
        .isEqualTo(SECRET);
  }
}
