package dev.hsm.wycheproof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.IndependentHpke;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.PostQuantumTestSupport;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;

/**
 * X25519 (RFC 7748) as the hybrid {@code ML_KEM_768_X25519} key's classical half, every vector
 * through import and decryption: the vector's private key is imported in the composite form beside
 * a fixed ML-KEM-768 seed; an envelope whose X25519 encapsulation is the vector's {@code public},
 * sealed outside under the X-Wing combination of a fixed ML-KEM secret with the vector's {@code
 * shared}, must decrypt. So the key's X25519 result is checked byte for byte for every vector,
 * twist points, low-order and non-canonical public values included.
 *
 * <p>X-Wing does not reject an all-zero X25519 result (its combiner hashes the X25519 ciphertext
 * and public key, and ML-KEM keeps the secret), so the {@code acceptable} vectors whose shared
 * secret is zero decrypt as well.
 */
class X25519WycheproofTest extends WycheproofSuite {
  static final List<String> FILES = List.of("x25519_test.json");

  /** The hybrid key's fixed ML-KEM-768 half: seed 0x00..0x3f. */
  private static final byte[] ML_KEM_SEED = new byte[64];

  private static final byte[] ML_KEM_CIPHERTEXT;
  private static final byte[] ML_KEM_SECRET;

  static {
    for (int i = 0; i < 64; i++) {
      ML_KEM_SEED[i] = (byte) i;
    }
    SecretWithEncapsulation fixed =
        MLKEMGenerator.internalGenerateEncapsulated(
            new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_768, ML_KEM_SEED)
                .getPublicKeyParameters(),
            new byte[32]);
    ML_KEM_CIPHERTEXT = fixed.getEncapsulation();
    ML_KEM_SECRET = fixed.getSecret();
  }

  @Override
  List<String> files() {
    return FILES;
  }

  @Override
  Plan plan(Vector v) {
    return Plan.RUN;
  }

  @Override
  void run(Vector v) {
    byte[] privateKey = v.bytes("private");
    byte[] peer = v.bytes("public");
    KeyHandle key =
        importOnce(
            v,
            KeySpec.mlKem768X25519(),
            KeyMaterial.privateKeyPkcs8(
                MlKemWycheproofTest.compositePkcs8(ML_KEM_SEED, privateKey)));
    byte[] publicKey =
        PostQuantumTestSupport.rawPublicKey(PostQuantumTestSupport.spki(key.publicKeyPem()));
    byte[] x25519Public = Arrays.copyOfRange(publicKey, 1184, 1216);
    assertThat(x25519Public).isEqualTo(MlKemWycheproofTest.x25519Public(privateKey));

    byte[] shared =
        IndependentHpke.xWingCombine(ML_KEM_SECRET, v.bytes("shared"), peer, x25519Public);
    byte[] envelope =
        IndependentHpke.envelope(
            IndependentHpke.X_WING,
            1,
            IndependentHpke.concat(ML_KEM_CIPHERTEXT, peer),
            shared,
            MlKemWycheproofTest.PLAIN,
            MlKemWycheproofTest.CONTEXT);
    Wycheproof.expect(
        v,
        () -> key.decrypt(envelope, MlKemWycheproofTest.CONTEXT),
        MlKemWycheproofTest.PLAIN,
        InvalidCiphertextException.class);
  }

  @Override
  Map<String, Integer> expectedCounts() {
    return Map.of("run valid", 264, "run acceptable", 254);
  }
}
