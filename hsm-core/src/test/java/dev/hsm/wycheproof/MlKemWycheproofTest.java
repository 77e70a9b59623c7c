package dev.hsm.wycheproof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.Algorithm;
import dev.hsm.IndependentHpke;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.PostQuantumTestSupport;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * ML-KEM (FIPS 203) through the engine's encryption keys, every vector through import and use.
 * ML-KEM-1024 vectors run on {@code ML_KEM_1024} keys; ML-KEM-768 vectors on the hybrid {@code
 * ML_KEM_768_X25519} key, imported in its composite form (the vector's ML-KEM seed with a fixed
 * X25519 key, docs/FORMATS.md), so its ML-KEM half is exactly the vector's.
 *
 * <ul>
 *   <li>{@code mlkem_*_test} (seed, ek, c, K): the seed imported as PKCS#8 must give {@code ek}; an
 *       envelope carrying {@code c} (and, for the hybrid, a fixed X25519 encapsulation), sealed
 *       outside ({@code IndependentHpke}) under the secret {@code K} gives (for the hybrid, {@code
 *       K} through the X-Wing combiner), must decrypt to its plaintext. So decapsulation, implicit
 *       rejection included ({@code K} is then the rejection key), is checked byte for byte through
 *       {@code decrypt}. Seeds of the wrong length must be refused at import, ciphertexts of the
 *       wrong length must not decrypt.
 *   <li>{@code mlkem_*_encaps_test} (ek, m, c, K): {@code ek} imported as an encrypt-only key: a
 *       valid one must be accepted and encrypt, one not reduced modulo q or of the wrong length
 *       must be refused at import. The API draws its own randomness, so the vector's {@code m},
 *       {@code c} and {@code K} are not reproduced.
 *   <li>{@code mlkem_*_keygen_seed_test} (seed, ek, dk): the seed must give {@code ek}; for
 *       ML-KEM-1024 the expanded {@code dk}, imported too, must give the same key (what one
 *       encrypts the other decrypts).
 *   <li>{@code mlkem_1024_semi_expanded_decaps_test} (dk, c, K): the expanded key imported and used
 *       as above; a {@code dk} of the wrong length, or carrying a wrong hash of its {@code ek},
 *       must be refused at import. The ML-KEM-768 file is skipped: the hybrid key takes its ML-KEM
 *       half only as a seed (both X-Wing and the composite form carry seeds).
 *   <li>{@code mlkem_512_*}: ML-KEM-512 is not offered; every key in these files must be refused at
 *       import (planned REFUSE).
 * </ul>
 */
class MlKemWycheproofTest extends WycheproofSuite {
  static final List<String> FILES =
      List.of(
          "mlkem_512_test.json",
          "mlkem_512_encaps_test.json",
          "mlkem_512_keygen_seed_test.json",
          "mlkem_512_semi_expanded_decaps_test.json",
          "mlkem_768_test.json",
          "mlkem_768_encaps_test.json",
          "mlkem_768_keygen_seed_test.json",
          "mlkem_768_semi_expanded_decaps_test.json",
          "mlkem_1024_test.json",
          "mlkem_1024_encaps_test.json",
          "mlkem_1024_keygen_seed_test.json",
          "mlkem_1024_semi_expanded_decaps_test.json");

  static final byte[] PLAIN = "a data key, say".getBytes(StandardCharsets.US_ASCII);
  static final byte[] CONTEXT = "wycheproof".getBytes(StandardCharsets.US_ASCII);

  /** RFC 7748, section 6.1: Alice's private key, the hybrid key's fixed X25519 half. */
  static final byte[] X25519_PRIVATE =
      HexFormat.of().parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");

  /** RFC 7748, section 6.1: Bob's private key, the sender's fixed X25519 ephemeral key. */
  static final byte[] X25519_EPHEMERAL =
      HexFormat.of().parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");

  static final ASN1ObjectIdentifier COMPOSITE = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.6.58");
  static final ASN1ObjectIdentifier X_WING = new ASN1ObjectIdentifier("1.3.6.1.4.1.62253.25722");

  @Override
  List<String> files() {
    return FILES;
  }

  private static String parameterSet(Vector v) {
    return v.file()
        .substring(
            "mlkem_".length(), "mlkem_".length() + (v.file().startsWith("mlkem_1024") ? 4 : 3));
  }

  private static boolean hybrid(Vector v) {
    return parameterSet(v).equals("768");
  }

  private static KeySpec spec(Vector v) {
    return hybrid(v) ? KeySpec.mlKem768X25519() : KeySpec.mlKem1024();
  }

  private static String kind(Vector v) {
    String f = v.file();
    return f.contains("_encaps_")
        ? "encaps"
        : f.contains("_keygen_") ? "keygen" : f.contains("_semi_expanded_") ? "semi" : "decaps";
  }

  @Override
  Plan plan(Vector v) {
    if (parameterSet(v).equals("512")) {
      return Plan.refuse("ML-KEM-512 is not offered: its keys must be refused at import");
    }
    if (hybrid(v) && kind(v).equals("semi")) {
      return Plan.skip("the hybrid key takes its ML-KEM-768 half only as a seed");
    }
    return Plan.RUN;
  }

  // ---------------------------------------------------------------- encodings

  private static byte[] der(ASN1Encodable... fields) {
    try {
      return new DERSequence(fields).getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] encoded(ASN1Encodable value) {
    try {
      return value.toASN1Primitive().getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ASN1ObjectIdentifier nistOid(String parameterSet) {
    return parameterSet.equals("512")
        ? NISTObjectIdentifiers.id_alg_ml_kem_512
        : parameterSet.equals("768")
            ? NISTObjectIdentifiers.id_alg_ml_kem_768
            : NISTObjectIdentifiers.id_alg_ml_kem_1024;
  }

  /** PKCS#8 holding an ML-KEM seed ({@code seed [0]}), whatever its length. */
  static byte[] seedPkcs8(String parameterSet, byte[] seed) {
    return der(
        new ASN1Integer(0),
        new AlgorithmIdentifier(nistOid(parameterSet)),
        new DEROctetString(encoded(new DERTaggedObject(false, 0, new DEROctetString(seed)))));
  }

  /** PKCS#8 holding an expanded ML-KEM decapsulation key ({@code expandedKey}). */
  static byte[] expandedPkcs8(String parameterSet, byte[] dk) {
    return der(
        new ASN1Integer(0),
        new AlgorithmIdentifier(nistOid(parameterSet)),
        new DEROctetString(encoded(new DEROctetString(dk))));
  }

  /** The hybrid key's composite PKCS#8: the ML-KEM-768 seed, then the X25519 private key. */
  static byte[] compositePkcs8(byte[] mlKemSeed, byte[] x25519Private) {
    return der(
        new ASN1Integer(0),
        new AlgorithmIdentifier(COMPOSITE),
        new DEROctetString(IndependentHpke.concat(mlKemSeed, x25519Private)));
  }

  static byte[] x25519Public(byte[] privateKey) {
    byte[] out = new byte[32];
    X25519.scalarMultBase(privateKey, 0, out, 0);
    return out;
  }

  private static byte[] spki(ASN1ObjectIdentifier oid, byte[] raw) {
    try {
      return new SubjectPublicKeyInfo(new AlgorithmIdentifier(oid), raw).getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The vector's private key for this file's key: seed (composite for the hybrid) or expanded. */
  private static KeyMaterial privateKey(Vector v) {
    if (kind(v).equals("semi")) {
      return KeyMaterial.privateKeyPkcs8(expandedPkcs8(parameterSet(v), v.bytes("dk")));
    }
    byte[] seed = v.bytes("seed");
    return KeyMaterial.privateKeyPkcs8(
        hybrid(v) ? compositePkcs8(seed, X25519_PRIVATE) : seedPkcs8(parameterSet(v), seed));
  }

  /**
   * The vector's {@code ek} as this file's public key (the hybrid's with the fixed X25519 half).
   */
  private static KeyMaterial publicKey(Vector v) {
    byte[] ek = v.bytes("ek");
    return KeyMaterial.publicKeyX509(
        hybrid(v)
            ? spki(X_WING, IndependentHpke.concat(ek, x25519Public(X25519_PRIVATE)))
            : spki(nistOid(parameterSet(v)), ek));
  }

  /**
   * An envelope whose encapsulation carries the vector's {@code c}, sealed under what {@code K}
   * gives: for ML-KEM-1024 {@code K} itself; for the hybrid, the X-Wing combination of {@code K}
   * with a fixed X25519 exchange.
   */
  static byte[] envelope(boolean hybrid, byte[] c, byte[] k) {
    if (!hybrid) {
      return IndependentHpke.envelope(IndependentHpke.ML_KEM_1024, 1, c, k, PLAIN, CONTEXT);
    }
    byte[] ctX = x25519Public(X25519_EPHEMERAL);
    byte[] pkX = x25519Public(X25519_PRIVATE);
    byte[] ssX = new byte[32];
    X25519.scalarMult(X25519_EPHEMERAL, 0, pkX, 0, ssX, 0);
    byte[] shared = IndependentHpke.xWingCombine(k, ssX, ctX, pkX);
    return IndependentHpke.envelope(
        IndependentHpke.X_WING, 1, IndependentHpke.concat(c, ctX), shared, PLAIN, CONTEXT);
  }

  private static byte[] mlKemPublicKey(KeyHandle key) {
    byte[] raw =
        PostQuantumTestSupport.rawPublicKey(PostQuantumTestSupport.spki(key.publicKeyPem()));
    return key.info().algorithm() == Algorithm.ML_KEM_1024 ? raw : Arrays.copyOf(raw, 1184);
  }

  // ---------------------------------------------------------------- runs

  @Override
  void run(Vector v) {
    switch (kind(v)) {
      case "encaps" -> encapsulationKey(v);
      case "keygen" -> keyGeneration(v);
      default -> decapsulation(v);
    }
  }

  /**
   * Import (seed or expanded key) and the public key it gives, then decryption of the vector's c. A
   * private key the vector calls malformed must be refused at import; any other must import.
   */
  private void decapsulation(Vector v) {
    boolean badPrivateKey =
        !v.has("ek")
            || v.bytes("ek").length == 0
            || v.flagged("IncorrectDecapsulationKeyLength")
            || v.flagged("InvalidDecapsulationKey");
    if (badPrivateKey) {
      Wycheproof.expect(
          v,
          () ->
              importOnce(v, spec(v), privateKey(v)).publicKeyPem().getBytes(StandardCharsets.UTF_8),
          null,
          InvalidKeyMaterialException.class);
      return;
    }
    KeyHandle key = importOnce(v, spec(v), privateKey(v));
    assertThat(mlKemPublicKey(key)).as("%s ek", v).isEqualTo(v.bytes("ek"));
    byte[] envelope = envelope(hybrid(v), v.bytes("c"), v.bytesOrEmpty("K"));
    Wycheproof.expect(
        v, () -> key.decrypt(envelope, CONTEXT), PLAIN, InvalidCiphertextException.class);
  }

  private void encapsulationKey(Vector v) {
    Wycheproof.expect(
        v,
        () -> {
          KeyHandle key = importOnce(v, spec(v).withOperations(Operation.ENCRYPT), publicKey(v));
          assertThat(mlKemPublicKey(key)).as("%s ek", v).isEqualTo(v.bytes("ek"));
          byte[] envelope = key.encrypt(PLAIN, CONTEXT);
          assertThat(envelope).hasSize(5 + (hybrid(v) ? 1120 : 1568) + PLAIN.length + 16);
          return null;
        },
        null,
        InvalidKeyMaterialException.class);
  }

  private void keyGeneration(Vector v) {
    KeyHandle fromSeed = importOnce(v, spec(v), privateKey(v));
    assertThat(mlKemPublicKey(fromSeed)).as("%s ek", v).isEqualTo(v.bytes("ek"));
    if (hybrid(v)) {
      return;
    }
    KeyHandle fromExpanded =
        importOnce(
            v, spec(v), KeyMaterial.privateKeyPkcs8(expandedPkcs8(parameterSet(v), v.bytes("dk"))));
    assertThat(fromExpanded.publicKeyPem()).isEqualTo(fromSeed.publicKeyPem());
    assertThat(fromExpanded.decrypt(fromSeed.encrypt(PLAIN, CONTEXT), CONTEXT)).isEqualTo(PLAIN);
    assertThat(fromSeed.decrypt(fromExpanded.encrypt(PLAIN, CONTEXT), CONTEXT)).isEqualTo(PLAIN);
  }

  @Override
  void refuse(Vector v) {
    KeySpec spec = KeySpec.mlKem1024();
    switch (kind(v)) {
      case "encaps" ->
          assertImportRefused(
              spec.withOperations(Operation.ENCRYPT),
              KeyMaterial.publicKeyX509(spki(nistOid("512"), v.bytes("ek"))));
      case "semi" ->
          assertImportRefused(
              spec, KeyMaterial.privateKeyPkcs8(expandedPkcs8("512", v.bytes("dk"))));
      default ->
          assertImportRefused(spec, KeyMaterial.privateKeyPkcs8(seedPkcs8("512", v.bytes("seed"))));
    }
  }

  @Override
  Map<String, Integer> expectedCounts() {
    return Map.of(
        "run valid", 775,
        "run invalid", 354,
        "refuse valid", 389, // ML-KEM-512
        "refuse invalid", 174, // ML-KEM-512
        "skip valid", 3, // expanded ML-KEM-768 keys
        "skip invalid", 6);
  }

  @Override
  Map<String, Map<String, Integer>> expectedCountsPerFile() {
    return Map.ofEntries(
        Map.entry("mlkem_512_test.json", Map.of("refuse invalid", 40, "refuse valid", 153)),
        Map.entry("mlkem_512_encaps_test.json", Map.of("refuse invalid", 128, "refuse valid", 133)),
        Map.entry("mlkem_512_keygen_seed_test.json", Map.of("refuse valid", 100)),
        Map.entry(
            "mlkem_512_semi_expanded_decaps_test.json",
            Map.of("refuse invalid", 6, "refuse valid", 3)),
        Map.entry("mlkem_768_test.json", Map.of("run invalid", 40, "run valid", 153)),
        Map.entry("mlkem_768_encaps_test.json", Map.of("run invalid", 132, "run valid", 133)),
        Map.entry("mlkem_768_keygen_seed_test.json", Map.of("run valid", 100)),
        Map.entry(
            "mlkem_768_semi_expanded_decaps_test.json", Map.of("skip invalid", 6, "skip valid", 3)),
        Map.entry("mlkem_1024_test.json", Map.of("run invalid", 40, "run valid", 153)),
        Map.entry("mlkem_1024_encaps_test.json", Map.of("run invalid", 136, "run valid", 133)),
        Map.entry("mlkem_1024_keygen_seed_test.json", Map.of("run valid", 100)),
        Map.entry(
            "mlkem_1024_semi_expanded_decaps_test.json", Map.of("run invalid", 6, "run valid", 3)));
  }
}
