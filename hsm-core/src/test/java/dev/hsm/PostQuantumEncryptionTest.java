package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The post-quantum encryption keys (HPKE with X-Wing, and with ML-KEM-1024) through {@link
 * KeyHandle}, checked against two outside implementations: Bouncy Castle's own HPKE (which has its
 * own X-Wing and ML-KEM KEMs), and {@link IndependentHpke}, composed in the test from low-level
 * primitives following docs/FORMATS.md.
 */
class PostQuantumEncryptionTest {
  private static final byte[] PLAIN = "card 4111 1111 1111 1111".getBytes(UTF_8);
  private static final byte[] CONTEXT = "customer:42".getBytes(UTF_8);
  static final ASN1ObjectIdentifier X_WING = new ASN1ObjectIdentifier("1.3.6.1.4.1.62253.25722");
  static final ASN1ObjectIdentifier COMPOSITE = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.6.58");

  @TempDir static Path dir;
  static HsmClient hsm;

  @BeforeAll
  static void open() {
    hsm = TestStores.open(dir, "pq-enc.db");
  }

  @AfterAll
  static void close() {
    hsm.close();
  }

  static Stream<KeySpec> specs() {
    return Stream.of(KeySpec.mlKem768X25519(), KeySpec.mlKem1024());
  }

  private static int encapsulationBytes(Algorithm algorithm) {
    return algorithm == Algorithm.ML_KEM_1024 ? 1568 : 1120;
  }

  private static String name(String prefix, KeySpec spec) {
    return prefix + "-" + spec.algorithm().name().toLowerCase();
  }

  private static byte[] random(int n) {
    byte[] out = new byte[n];
    new SecureRandom().nextBytes(out);
    return out;
  }

  /** PKCS#8 of an X-Wing seed, as draft-connolly-cfrg-xwing-kem encodes it. */
  static byte[] xWingPkcs8(byte[] seed) throws Exception {
    return pkcs8(X_WING, seed);
  }

  /** PKCS#8 of the composite form: ML-KEM-768 seed, then the X25519 private key. */
  static byte[] compositePkcs8(byte[] mlKemSeed, byte[] x25519Private) throws Exception {
    return pkcs8(COMPOSITE, IndependentHpke.concat(mlKemSeed, x25519Private));
  }

  /** PKCS#8 v1 whose privateKey OCTET STRING holds {@code raw} itself. */
  static byte[] pkcs8(ASN1ObjectIdentifier oid, byte[] raw) throws Exception {
    return new DERSequence(
            new ASN1Encodable[] {
              new ASN1Integer(0), new AlgorithmIdentifier(oid), new DEROctetString(raw)
            })
        .getEncoded();
  }

  /** PKCS#8 of an ML-KEM-1024 seed (the {@code seed [0]} choice). */
  static byte[] mlKem1024Pkcs8(byte[] seed) throws Exception {
    return PrivateKeyInfoFactory.createPrivateKeyInfo(
            new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_1024, seed)
                .withPreferredFormat(MLKEMPrivateKeyParameters.SEED_ONLY))
        .getEncoded();
  }

  @ParameterizedTest
  @MethodSource("specs")
  void encrypt_decrypt_roundTrip_withTheContextAsAssociatedData(KeySpec spec) {
    KeyHandle key = hsm.createKey(name("rt", spec), spec);
    byte[] envelope = key.encrypt(PLAIN, CONTEXT);

    assertThat(envelope)
        .hasSize(5 + encapsulationBytes(spec.algorithm()) + PLAIN.length + 16)
        .startsWith(1, 0, 0, 0, 1);
    assertThat(key.decrypt(envelope, CONTEXT)).isEqualTo(PLAIN);
    assertThat(key.encrypt(PLAIN, CONTEXT)).as("randomized").isNotEqualTo(envelope);
    assertThat(key.decrypt(key.encrypt(new byte[0], new byte[0]), new byte[0])).isEmpty();
    byte[] large = random(200_000);
    assertThat(key.decrypt(key.encrypt(large, CONTEXT), CONTEXT)).isEqualTo(large);

    assertThatThrownBy(() -> key.decrypt(envelope, "customer:43".getBytes(UTF_8)))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("the context differs");
    for (int at :
        new int[] {5, 5 + encapsulationBytes(spec.algorithm()) - 1, envelope.length - 1}) {
      byte[] altered = envelope.clone();
      altered[at] ^= 1;
      assertThatThrownBy(() -> key.decrypt(altered, CONTEXT))
          .as("byte %d altered", at)
          .isInstanceOf(InvalidCiphertextException.class);
    }
    assertThatThrownBy(() -> key.decrypt(Arrays.copyOf(envelope, 5 + 40), CONTEXT))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @ParameterizedTest
  @MethodSource("specs")
  void dataKeys_reencryption_andRotation_workAsWithAnAeadKey(KeySpec spec) {
    KeyHandle key = hsm.createKey(name("dk", spec), spec);
    DataKey dataKey = key.generateDataKey(CONTEXT);

    assertThat(dataKey.plaintextKey()).hasSize(32);
    assertThat(key.decrypt(dataKey.encryptedKey(), CONTEXT)).isEqualTo(dataKey.plaintextKey());
    byte[] old = key.encrypt(PLAIN, CONTEXT);
    key.rotate();
    byte[] upgraded = key.reencrypt(old, CONTEXT);
    assertThat(upgraded[4]).isEqualTo((byte) 2);
    assertThat(key.decrypt(upgraded, CONTEXT)).isEqualTo(PLAIN);
    assertThat(key.decrypt(old, CONTEXT)).isEqualTo(PLAIN);
  }

  @ParameterizedTest
  @MethodSource("specs")
  void publicKey_isPemWithItsOid_andAnImportedPublicKeyEncryptsForTheKeyHolder(KeySpec spec) {
    KeyHandle key = hsm.createKey(name("pub", spec), spec);
    byte[] spki = PostQuantumTestSupport.spki(key.publicKeyPem());
    SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(spki);

    assertThat(info.getAlgorithm().getAlgorithm())
        .isEqualTo(
            spec.algorithm() == Algorithm.ML_KEM_1024
                ? NISTObjectIdentifiers.id_alg_ml_kem_1024
                : X_WING);
    assertThat(info.getPublicKeyData().getOctets())
        .hasSize(spec.algorithm() == Algorithm.ML_KEM_1024 ? 1568 : 1216);
    assertThatThrownBy(key::publicJwk).isInstanceOf(WrongKeyTypeException.class);

    try (HsmClient sender = TestStores.open(dir, name("sender", spec) + ".db")) {
      KeyHandle encryptOnly =
          sender.importKey("recipient", spec, KeyMaterial.publicKeyPem(key.publicKeyPem()));
      assertThat(encryptOnly.info().operations()).containsExactly(Operation.ENCRYPT);
      byte[] envelope = encryptOnly.encrypt(PLAIN, CONTEXT);
      assertThat(key.decrypt(envelope, CONTEXT)).isEqualTo(PLAIN);
      DataKey dataKey = encryptOnly.generateDataKey(CONTEXT);
      assertThat(key.decrypt(dataKey.encryptedKey(), CONTEXT)).isEqualTo(dataKey.plaintextKey());
      assertThatThrownBy(() -> encryptOnly.decrypt(envelope, CONTEXT))
          .isInstanceOf(OperationNotPermittedException.class);
    }
  }

  @Test
  void xWing_envelopesAreBouncyCastleHpke_bothWays() throws Exception {
    byte[] seed = random(32);
    KeyHandle key =
        hsm.importKey(
            "xwing-bc", KeySpec.mlKem768X25519(), KeyMaterial.privateKeyPkcs8(xWingPkcs8(seed)));
    HPKE hpke =
        new HPKE(HPKE.mode_base, HPKE.kem_X_WING, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    byte[] publicKey =
        PostQuantumTestSupport.rawPublicKey(PostQuantumTestSupport.spki(key.publicKeyPem()));
    AsymmetricCipherKeyPair pair = hpke.deserializePrivateKey(seed, publicKey);
    assertThat(hpke.serializePublicKey(pair.getPublic())).isEqualTo(publicKey);

    byte[] ours = key.encrypt(PLAIN, CONTEXT);
    byte[] enc = Arrays.copyOfRange(ours, 5, 5 + 1120);
    byte[] ct = Arrays.copyOfRange(ours, 5 + 1120, ours.length);
    assertThat(hpke.open(enc, pair, new byte[0], CONTEXT, ct, null, null, null)).isEqualTo(PLAIN);

    byte[][] theirs =
        hpke.seal(
            hpke.deserializePublicKey(publicKey), new byte[0], CONTEXT, PLAIN, null, null, null);
    byte[] envelope =
        IndependentHpke.concat(
            IndependentHpke.concat(new byte[] {1, 0, 0, 0, 1}, theirs[1]), theirs[0]);
    assertThat(key.decrypt(envelope, CONTEXT)).isEqualTo(PLAIN);
  }

  @Test
  void mlKem1024_envelopesAreBouncyCastleHpke_bothWays() throws Exception {
    byte[] seed = random(64);
    KeyHandle key =
        hsm.importKey(
            "mlkem-bc", KeySpec.mlKem1024(), KeyMaterial.privateKeyPkcs8(mlKem1024Pkcs8(seed)));
    HPKE hpke =
        new HPKE(HPKE.mode_base, HPKE.kem_ML_KEM_1024, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    byte[] publicKey =
        PostQuantumTestSupport.rawPublicKey(PostQuantumTestSupport.spki(key.publicKeyPem()));
    AsymmetricCipherKeyPair pair = hpke.deserializePrivateKey(seed, publicKey);

    byte[] ours = key.encrypt(PLAIN, CONTEXT);
    byte[] enc = Arrays.copyOfRange(ours, 5, 5 + 1568);
    byte[] ct = Arrays.copyOfRange(ours, 5 + 1568, ours.length);
    assertThat(hpke.open(enc, pair, new byte[0], CONTEXT, ct, null, null, null)).isEqualTo(PLAIN);

    byte[][] theirs =
        hpke.seal(
            hpke.deserializePublicKey(publicKey), new byte[0], CONTEXT, PLAIN, null, null, null);
    byte[] envelope =
        IndependentHpke.concat(
            IndependentHpke.concat(new byte[] {1, 0, 0, 0, 1}, theirs[1]), theirs[0]);
    assertThat(key.decrypt(envelope, CONTEXT)).isEqualTo(PLAIN);
  }

  @Test
  void xWing_seedAndCompositeForms_areOneKem_matchingTheComputationComposedInTheTest()
      throws Exception {
    byte[] seed = random(32);
    IndependentHpke.Recipient recipient = IndependentHpke.xWing(seed);
    KeyHandle fromSeed =
        hsm.importKey(
            "xwing-seed", KeySpec.mlKem768X25519(), KeyMaterial.privateKeyPkcs8(xWingPkcs8(seed)));
    KeyHandle fromParts =
        hsm.importKey(
            "xwing-parts",
            KeySpec.mlKem768X25519(),
            KeyMaterial.privateKeyPkcs8(
                compositePkcs8(recipient.mlKemSeed(), recipient.x25519Private())));

    assertThat(fromParts.publicKeyPem()).isEqualTo(fromSeed.publicKeyPem());
    assertThat(
            PostQuantumTestSupport.rawPublicKey(
                PostQuantumTestSupport.spki(fromSeed.publicKeyPem())))
        .isEqualTo(recipient.publicKey());
    byte[] outside = IndependentHpke.seal(recipient, 1, PLAIN, CONTEXT);
    assertThat(fromSeed.decrypt(outside, CONTEXT)).isEqualTo(PLAIN);
    assertThat(fromParts.decrypt(outside, CONTEXT)).isEqualTo(PLAIN);
    assertThat(IndependentHpke.open(recipient, fromSeed.encrypt(PLAIN, CONTEXT), CONTEXT))
        .isEqualTo(PLAIN);
    assertThat(IndependentHpke.open(recipient, fromParts.encrypt(PLAIN, CONTEXT), CONTEXT))
        .isEqualTo(PLAIN);
  }

  @Test
  void mlKem1024_matchesTheComputationComposedInTheTest() throws Exception {
    IndependentHpke.Recipient recipient =
        new IndependentHpke.Recipient(IndependentHpke.ML_KEM_1024, random(64), null);
    KeyHandle key =
        hsm.importKey(
            "mlkem-outside",
            KeySpec.mlKem1024(),
            KeyMaterial.privateKeyPkcs8(mlKem1024Pkcs8(recipient.mlKemSeed())));

    assertThat(key.decrypt(IndependentHpke.seal(recipient, 1, PLAIN, CONTEXT), CONTEXT))
        .isEqualTo(PLAIN);
    assertThat(IndependentHpke.open(recipient, key.encrypt(PLAIN, CONTEXT), CONTEXT))
        .isEqualTo(PLAIN);
  }
}
