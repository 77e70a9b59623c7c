package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.SLHDSAPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Post-quantum private and public keys brought in with {@code importKey}: every standard PKCS#8
 * form is accepted (seed, expanded, both) and gives the key's own public key; material whose parts
 * disagree, or that does not fit the spec, fails with {@link InvalidKeyMaterialException} and
 * stores nothing.
 */
class PostQuantumImportTest {
  private static final byte[] DATA = "hello".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;
  private HsmClient hsm;
  private int refused;

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "pq-import.db");
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  private static byte[] random(int n) {
    byte[] out = new byte[n];
    new SecureRandom().nextBytes(out);
    return out;
  }

  private static byte[] pkcs8(MLDSAPrivateKeyParameters key, int format) throws Exception {
    return PrivateKeyInfoFactory.createPrivateKeyInfo(key.withPreferredFormat(format)).getEncoded();
  }

  /** PKCS#8 holding an expanded ML-DSA key, the {@code expandedKey} OCTET STRING choice. */
  private static byte[] expandedPkcs8(Algorithm algorithm, byte[] expanded) throws Exception {
    return new PrivateKeyInfo(
            new AlgorithmIdentifier(
                algorithm == Algorithm.ML_DSA_44
                    ? NISTObjectIdentifiers.id_ml_dsa_44
                    : NISTObjectIdentifiers.id_ml_dsa_65),
            new DEROctetString(expanded))
        .getEncoded();
  }

  /** rho || K || tr || s1 || s2 || t0, FIPS 204 skEncode. */
  private static byte[] expanded(MLDSAPrivateKeyParameters key) {
    byte[] out = new byte[0];
    for (byte[] part :
        new byte[][] {
          key.getRho(), key.getK(), key.getTr(), key.getS1(), key.getS2(), key.getT0()
        }) {
      out = IndependentHpke.concat(out, part);
    }
    return out;
  }

  private void assertRefused(KeySpec spec, KeyMaterial material, String message) {
    String name = "refused-" + ++refused;
    assertThatThrownBy(() -> hsm.importKey(name, spec, material))
        .isInstanceOf(InvalidKeyMaterialException.class)
        .hasMessageContaining(message);
    assertThat(hsm.findKey(name)).as("nothing stored for %s", name).isEmpty();
  }

  @Test
  void mlDsa_seedExpandedAndBothForms_importAsTheSameKey() throws Exception {
    MLDSAPrivateKeyParameters key =
        new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, random(32));
    byte[] spki =
        SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key.getPublicKeyParameters())
            .getEncoded();
    int[] formats = {
      MLDSAPrivateKeyParameters.SEED_ONLY,
      MLDSAPrivateKeyParameters.EXPANDED_KEY,
      MLDSAPrivateKeyParameters.BOTH
    };

    for (int format : formats) {
      KeyHandle imported =
          hsm.importKey(
              "mldsa-" + format,
              KeySpec.mlDsa65(),
              KeyMaterial.privateKeyPkcs8(pkcs8(key, format)));
      assertThat(PostQuantumTestSupport.spki(imported.publicKeyPem())).isEqualTo(spki);
      byte[] envelope = imported.sign(DATA);
      assertThat(
              PostQuantumTestSupport.verifies(
                  Algorithm.ML_DSA_65,
                  spki,
                  PostQuantumSignatureTest.concat(Arrays.copyOf(envelope, 5), DATA),
                  Arrays.copyOfRange(envelope, 5, envelope.length)))
          .isTrue();
    }
  }

  @Test
  void mlDsa_inconsistentOrForeignMaterial_isRefused() throws Exception {
    MLDSAPrivateKeyParameters key =
        new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, random(32));
    MLDSAPrivateKeyParameters other =
        new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, random(32));
    byte[] expanded = expanded(key);
    KeySpec spec = KeySpec.mlDsa65();

    // both: a seed with another key's expanded form
    byte[] both = pkcs8(key, MLDSAPrivateKeyParameters.BOTH);
    byte[] otherExpanded = expanded(other);
    int at = indexOf(both, expanded);
    System.arraycopy(otherExpanded, 0, both, at, otherExpanded.length);
    assertRefused(spec, KeyMaterial.privateKeyPkcs8(both), "inconsistent");

    // expanded: s1 with a coefficient out of [-4, 4] (ML-DSA-65 packs eta - c in 4 bits)
    byte[] s1OutOfRange = expanded.clone();
    s1OutOfRange[128] = (byte) 0xff;
    assertRefused(
        spec,
        KeyMaterial.privateKeyPkcs8(expandedPkcs8(Algorithm.ML_DSA_65, s1OutOfRange)),
        "inconsistent");

    // expanded: tr of another public key
    byte[] wrongTr = expanded.clone();
    wrongTr[64] ^= 1;
    assertRefused(
        spec,
        KeyMaterial.privateKeyPkcs8(expandedPkcs8(Algorithm.ML_DSA_65, wrongTr)),
        "inconsistent tr");

    // expanded: t0 replaced by zeros, which only signing uses
    byte[] noT0 = expanded.clone();
    Arrays.fill(noT0, expanded.length - key.getT0().length, expanded.length, (byte) 0);
    assertRefused(
        spec,
        KeyMaterial.privateKeyPkcs8(expandedPkcs8(Algorithm.ML_DSA_65, noT0)),
        "do not verify under its public key");

    // a seed one byte short
    assertRefused(
        spec,
        KeyMaterial.privateKeyPkcs8(
            new PrivateKeyInfo(
                    new AlgorithmIdentifier(NISTObjectIdentifiers.id_ml_dsa_65),
                    new org.bouncycastle.asn1.DERTaggedObject(
                        false, 0, new DEROctetString(random(31))))
                .getEncoded()),
        "ML_DSA_65");

    // PKCS#8 v2 carrying another key's public key
    byte[] carrying =
        new PrivateKeyInfo(
                new AlgorithmIdentifier(NISTObjectIdentifiers.id_ml_dsa_65),
                PrivateKeyInfo.getInstance(pkcs8(key, MLDSAPrivateKeyParameters.SEED_ONLY))
                    .parsePrivateKey(),
                (ASN1Set) null,
                other.getPublicKey())
            .getEncoded();
    assertRefused(spec, KeyMaterial.privateKeyPkcs8(carrying), "public key");

    // another parameter set
    assertRefused(
        KeySpec.mlDsa44(),
        KeyMaterial.privateKeyPkcs8(pkcs8(key, MLDSAPrivateKeyParameters.SEED_ONLY)),
        "needs a key with OID 2.16.840.1.101.3.4.3.17");

    // a public key one byte short, and one of another parameter set
    byte[] spki =
        SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key.getPublicKeyParameters())
            .getEncoded();
    byte[] shortKey =
        new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(NISTObjectIdentifiers.id_ml_dsa_65),
                Arrays.copyOf(key.getPublicKey(), 1951))
            .getEncoded();
    assertRefused(spec.withOperations(Operation.VERIFY), KeyMaterial.publicKeyX509(shortKey), "");
    assertRefused(
        KeySpec.mlDsa87().withOperations(Operation.VERIFY), KeyMaterial.publicKeyX509(spki), "OID");
  }

  @Test
  void slhDsa_keyWhoseRootIsNotItsSeedsRoot_isRefused() throws Exception {
    AsymmetricCipherKeyPair pair = PostQuantumTestSupport.keyPair(Algorithm.SLH_DSA_SHAKE_128F);
    byte[] pkcs8 = PrivateKeyInfoFactory.createPrivateKeyInfo(pair.getPrivate()).getEncoded();
    KeyHandle key =
        hsm.importKey("slh", KeySpec.slhDsaShake_128f(), KeyMaterial.privateKeyPkcs8(pkcs8));
    assertThat(PostQuantumTestSupport.spki(key.publicKeyPem()))
        .isEqualTo(
            SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pair.getPublic()).getEncoded());

    byte[] raw = ((SLHDSAPrivateKeyParameters) pair.getPrivate()).getEncoded();
    byte[] wrongRoot = raw.clone();
    wrongRoot[63] ^= 1;
    assertRefused(
        KeySpec.slhDsaShake_128f(),
        KeyMaterial.privateKeyPkcs8(withBody(pkcs8, wrongRoot)),
        "PK.root is not the root its seeds give");
    assertRefused(
        KeySpec.slhDsaShake_128f(),
        KeyMaterial.privateKeyPkcs8(withBody(pkcs8, Arrays.copyOf(raw, 63))),
        "SLH_DSA_SHAKE_128F");
    assertRefused(
        KeySpec.slhDsaSha2_128s(), KeyMaterial.privateKeyPkcs8(pkcs8), "needs a key with OID");
  }

  @Test
  void mlKem_andXWing_inconsistentOrMalformedMaterial_isRefused() throws Exception {
    MLKEMPrivateKeyParameters key =
        new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_1024, random(64));
    byte[] expanded =
        PrivateKeyInfoFactory.createPrivateKeyInfo(
                key.withPreferredFormat(MLKEMPrivateKeyParameters.EXPANDED_KEY))
            .getEncoded();
    KeyHandle fromExpanded =
        hsm.importKey("mlkem-expanded", KeySpec.mlKem1024(), KeyMaterial.privateKeyPkcs8(expanded));
    byte[] wrongHash = expanded.clone();
    wrongHash[wrongHash.length - 40] ^= 1; // inside H(ek), before z
    assertRefused(KeySpec.mlKem1024(), KeyMaterial.privateKeyPkcs8(wrongHash), "hash check");

    byte[] spki = PostQuantumTestSupport.spki(fromExpanded.publicKeyPem());
    byte[] raw = PostQuantumTestSupport.rawPublicKey(spki);
    byte[] notReduced = raw.clone();
    notReduced[0] = (byte) 0xff;
    notReduced[1] |= 0x0f; // first coefficient 4095 >= q
    assertRefused(
        KeySpec.mlKem1024(),
        KeyMaterial.publicKeyX509(
            new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(NISTObjectIdentifiers.id_alg_ml_kem_1024), notReduced)
                .getEncoded()),
        "Modulus check");

    byte[] parts = random(95);
    assertRefused(
        KeySpec.mlKem768X25519(),
        KeyMaterial.privateKeyPkcs8(
            PostQuantumEncryptionTest.pkcs8(PostQuantumEncryptionTest.COMPOSITE, parts)),
        "96 bytes, not 95");
    assertRefused(
        KeySpec.mlKem768X25519(),
        KeyMaterial.privateKeyPkcs8(
            PostQuantumEncryptionTest.pkcs8(PostQuantumEncryptionTest.X_WING, random(31))),
        "32-byte seed, not 31");
    assertRefused(
        KeySpec.mlKem768X25519(),
        KeyMaterial.publicKeyX509(
            new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(PostQuantumEncryptionTest.X_WING), random(1215))
                .getEncoded()),
        "1216 bytes, not 1215");
    assertRefused(
        KeySpec.mlKem768X25519(), KeyMaterial.privateKeyPkcs8(expanded), "needs a key with OID");
  }

  /** {@code pkcs8} with its privateKey OCTET STRING replaced by {@code body}. */
  private static byte[] withBody(byte[] pkcs8, byte[] body) throws Exception {
    return PostQuantumEncryptionTest.pkcs8(
        PrivateKeyInfo.getInstance(pkcs8).getPrivateKeyAlgorithm().getAlgorithm(), body);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
