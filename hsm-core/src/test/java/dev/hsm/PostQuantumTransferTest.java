package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed key exports between stores with post-quantum keys in every role: the exported key (ML-DSA,
 * X-Wing), the signer (ML-DSA-87, SLH-DSA-SHAKE-128f, whose signatures are far longer than any
 * classical one) and the transport key (X-Wing, ML-KEM-1024, so that an export recorded today stays
 * closed to a future quantum computer). Everything else about exports is {@code KeyTransferTest}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostQuantumTransferTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final byte[] CONTEXT = "tenant=7".getBytes(UTF_8);

  @TempDir static Path dir;
  private HsmClient a;
  private HsmClient b;

  @BeforeAll
  void createStores() {
    a = TestStores.open(dir, "a.db");
    b = TestStores.open(dir, "b.db");
    trust("from-a-mldsa", KeySpec.mlDsa87(), a.createKey("exporter-mldsa", KeySpec.mlDsa87()));
    trust(
        "from-a-slh",
        KeySpec.slhDsaShake_128f(),
        a.createKey("exporter-slh", KeySpec.slhDsaShake_128f()));
    trust("from-a-ed", KeySpec.ed25519(), a.createKey("exporter-ed", KeySpec.ed25519()));
    b.createKey("transport-xwing", KeySpec.mlKem768X25519());
    b.createKey("transport-mlkem", KeySpec.mlKem1024());
    b.createKey("transport-rsa", KeySpec.rsaOaepSha256(2048));
  }

  @AfterAll
  void close() {
    a.close();
    b.close();
  }

  private void trust(String name, KeySpec spec, KeyHandle signer) {
    b.admin()
        .importKey(
            name,
            spec.withOperations(Operation.VERIFY),
            KeyMaterial.publicKeyPem(signer.publicKeyPem()));
  }

  private String transportPem(String name) {
    return b.key(name).publicKeyPem();
  }

  @Test
  void mlDsaKey_signedWithMlDsa_underAnXWingTransportKey_movesWithItsVersions() {
    KeyHandle source = a.createKey("mldsa", KeySpec.mlDsa65().withExtractable(true));
    byte[] v1 = source.sign(DATA);
    source.rotate();
    byte[] v2 = source.sign(DATA);

    byte[] exported =
        a.admin().exportKey("mldsa", transportPem("transport-xwing"), "exporter-mldsa");
    KeyHandle copy =
        b.admin().importExportedKey("mldsa", exported, "transport-xwing", "from-a-mldsa");

    assertThat(copy.info().versions()).hasSize(2);
    assertThat(copy.info().imported()).isTrue();
    copy.verify(DATA, v1);
    copy.verify(DATA, v2);
    source.verify(DATA, copy.sign(DATA));
    assertThat(copy.publicKeyPem()).isEqualTo(source.publicKeyPem());
    assertThat(copy.publicJwk()).isEqualTo(source.publicJwk());
  }

  @Test
  void xWingKey_signedWithSlhDsa_underAnMlKem1024TransportKey_decryptsWhatTheSourceEncrypted() {
    KeyHandle source = a.createKey("xwing", KeySpec.mlKem768X25519().withExtractable(true));
    byte[] ciphertext = source.encrypt(DATA, CONTEXT);

    byte[] exported = a.admin().exportKey("xwing", transportPem("transport-mlkem"), "exporter-slh");
    KeyHandle copy =
        b.admin().importExportedKey("xwing", exported, "transport-mlkem", "from-a-slh");

    assertThat(copy.decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
    assertThat(source.decrypt(copy.encrypt(DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);
    assertThat(exported.length).as("an SLH-DSA-SHAKE-128f signature ends it").isGreaterThan(17088);
  }

  @Test
  void postQuantumExports_thatWereAltered_orSentToAnotherTransportKey_areRefused() {
    a.createKey("kept", KeySpec.mlDsa44().withExtractable(true));
    byte[] exported = a.admin().exportKey("kept", transportPem("transport-xwing"), "exporter-ed");

    byte[] altered = exported.clone();
    altered[200] ^= 1;
    assertThatThrownBy(
            () -> b.admin().importExportedKey("kept-1", altered, "transport-xwing", "from-a-ed"))
        .isInstanceOf(VerificationFailedException.class);
    assertThatThrownBy(
            () -> b.admin().importExportedKey("kept-2", exported, "transport-mlkem", "from-a-ed"))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("which is no version of 'transport-mlkem'");
    assertThatThrownBy(
            () -> b.admin().importExportedKey("kept-3", exported, "transport-xwing", "from-a-slh"))
        .isInstanceOf(VerificationFailedException.class);
    assertThat(b.findKey("kept-1")).isEmpty();
    assertThat(b.findKey("kept-2")).isEmpty();
    assertThat(b.findKey("kept-3")).isEmpty();
    assertThat(
            b.admin()
                .importExportedKey("kept", exported, "transport-xwing", "from-a-ed")
                .info()
                .algorithm())
        .isEqualTo(Algorithm.ML_DSA_44);
  }

  @Test
  void theTransportKeysHandle_cannotOpenTheExportsEphemeralKey() {
    // decrypt() refuses the export's label (the reserved namespace), as for RSA-OAEP
    assertThatThrownBy(
            () ->
                b.key("transport-xwing")
                    .decrypt(new byte[] {1, 0, 0, 0, 1}, "dev.hsm/v2/key-export".getBytes(UTF_8)))
        .isInstanceOf(OperationNotPermittedException.class);
  }
}
