package dev.hsm.wycheproof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.PostQuantumTestSupport;
import dev.hsm.VerificationFailedException;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
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

/**
 * ML-DSA-44, -65 and -87 (FIPS 204, pure) through the engine, every vector through import and use:
 *
 * <ul>
 *   <li>{@code mldsa_*_verify}: the group's public key (SPKI DER) imported as a verify-only key,
 *       the signature checked with {@code verifyStandardSignature}; a malformed public key must be
 *       refused at import.
 *   <li>{@code mldsa_*_sign_seed} and {@code _sign_noseed}: the group's private key imported as
 *       PKCS#8 (as given, or built from the seed; the expanded key as RFC 9881's {@code
 *       expandedKey}): it must give the group's public key, the vector's signature must verify with
 *       that public key imported as a verify-only key, and a signature the imported key makes must
 *       verify there too and with Bouncy Castle's low-level verifier; a private key of the wrong
 *       length or with secret vectors out of range must be refused at import. Signing is hedged
 *       (fresh randomness), so the vector's deterministic or {@code rnd}-seeded signature itself is
 *       not reproduced; its bytes are checked by verification.
 * </ul>
 *
 * The library signs and verifies with the empty context (docs/FORMATS.md). A vector made under
 * another context is planned REFUSE: it must not verify under the empty one. Vectors the API cannot
 * express are skipped: external μ ({@code Internal}, no message) and contexts longer than 255 bytes
 * ({@code InvalidContext}, an input the API has no way to pass).
 */
class MlDsaWycheproofTest extends WycheproofSuite {
  static final List<String> FILES =
      List.of(
          "mldsa_44_verify_test.json",
          "mldsa_44_sign_seed_test.json",
          "mldsa_44_sign_noseed_test.json",
          "mldsa_65_verify_test.json",
          "mldsa_65_sign_seed_test.json",
          "mldsa_65_sign_noseed_test.json",
          "mldsa_87_verify_test.json",
          "mldsa_87_sign_seed_test.json",
          "mldsa_87_sign_noseed_test.json");

  @Override
  List<String> files() {
    return FILES;
  }

  private static Algorithm algorithm(Vector v) {
    return v.file().startsWith("mldsa_44")
        ? Algorithm.ML_DSA_44
        : v.file().startsWith("mldsa_65") ? Algorithm.ML_DSA_65 : Algorithm.ML_DSA_87;
  }

  private static ASN1ObjectIdentifier oid(Algorithm algorithm) {
    return algorithm == Algorithm.ML_DSA_44
        ? NISTObjectIdentifiers.id_ml_dsa_44
        : algorithm == Algorithm.ML_DSA_65
            ? NISTObjectIdentifiers.id_ml_dsa_65
            : NISTObjectIdentifiers.id_ml_dsa_87;
  }

  private static boolean verifyFile(Vector v) {
    return v.file().contains("_verify_");
  }

  private static boolean hasContext(Vector v) {
    return v.bytesOrEmpty("ctx").length > 0;
  }

  @Override
  Plan plan(Vector v) {
    if (v.flagged("InvalidContext")) {
      return Plan.skip("a context over 255 bytes: the API signs and verifies with the empty one");
    }
    if (!v.has("msg")) {
      return Plan.skip("external mu (no message): the API signs messages");
    }
    if (hasContext(v)) {
      return Plan.refuse(
          "made under a "
              + v.bytes("ctx").length
              + "-byte context: must not verify under the empty context");
    }
    return Plan.RUN;
  }

  /** PKCS#8 v1 whose privateKey OCTET STRING holds the DER of {@code privateKey}. */
  private static byte[] pkcs8(Algorithm algorithm, ASN1Encodable privateKey) {
    try {
      return new DERSequence(
              new ASN1Encodable[] {
                new ASN1Integer(0),
                new AlgorithmIdentifier(oid(algorithm)),
                new DEROctetString(privateKey.toASN1Primitive().getEncoded())
              })
          .getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The group's private key as PKCS#8: the file's own encoding if it has one, else built from the
   * seed ({@code seed [0]}) or the expanded key ({@code expandedKey}), whatever their lengths.
   */
  private static KeyMaterial privateKey(Vector v) {
    Algorithm algorithm = algorithm(v);
    if (v.groupHas("privateKeyPkcs8") && v.groupBytes("privateKeyPkcs8").length > 0) {
      return KeyMaterial.privateKeyPkcs8(v.groupBytes("privateKeyPkcs8"));
    }
    if (v.groupHas("privateSeed")) {
      return KeyMaterial.privateKeyPkcs8(
          pkcs8(
              algorithm,
              new DERTaggedObject(false, 0, new DEROctetString(v.groupBytes("privateSeed")))));
    }
    return KeyMaterial.privateKeyPkcs8(
        pkcs8(algorithm, new DEROctetString(v.groupBytes("privateKey"))));
  }

  /** The group's public key imported as a verify-only key (SPKI: the file's, or NIST OID + raw). */
  private KeyHandle verifyOnly(Vector v) {
    byte[] spki;
    if (v.groupHas("publicKeyDer")) {
      spki = v.groupBytes("publicKeyDer");
    } else {
      try {
        spki =
            new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(oid(algorithm(v))), v.groupBytes("publicKey"))
                .getEncoded();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return importOnce(
        v,
        KeySpec.of(algorithm(v)).withOperations(Operation.VERIFY),
        KeyMaterial.publicKeyX509(spki));
  }

  private KeyHandle signingKey(Vector v) {
    return importOnce(v, KeySpec.of(algorithm(v)), privateKey(v));
  }

  @Override
  void run(Vector v) {
    byte[] msg = v.bytes("msg");
    if (verifyFile(v)) {
      byte[] sig = v.bytes("sig");
      Wycheproof.expect(
          v,
          () -> {
            verifyOnly(v).verifyStandardSignature(msg, sig, 1);
            return null;
          },
          null,
          InvalidKeyMaterialException.class,
          VerificationFailedException.class);
      return;
    }
    if (!v.isValid()) { // IncorrectPrivateKeyLength, InvalidPrivateKey: refused at import
      Wycheproof.expect(v, () -> signingKey(v).sign(msg), null, InvalidKeyMaterialException.class);
      return;
    }
    KeyHandle key = signingKey(v);
    byte[] spki = PostQuantumTestSupport.spki(key.publicKeyPem());
    assertThat(PostQuantumTestSupport.rawPublicKey(spki))
        .as("%s public key", v)
        .isEqualTo(v.groupBytes("publicKey"));
    verifyOnly(v).verifyStandardSignature(msg, v.bytes("sig"), 1);
    byte[] envelope = key.sign(msg);
    key.verify(msg, envelope);
    byte[] signed = Arrays.copyOf(envelope, 5 + msg.length);
    System.arraycopy(msg, 0, signed, 5, msg.length);
    assertThat(
            PostQuantumTestSupport.verifies(
                algorithm(v), spki, signed, Arrays.copyOfRange(envelope, 5, envelope.length)))
        .as("%s: our signature, checked outside", v)
        .isTrue();
  }

  @Override
  void refuse(Vector v) {
    byte[] msg = v.bytes("msg");
    byte[] sig = v.bytes("sig");
    KeyHandle verifier;
    try {
      verifier = verifyOnly(v);
    } catch (InvalidKeyMaterialException refusedAtImport) {
      assertThat(v.isValid()).as("%s: a valid vector's public key was refused", v).isFalse();
      return;
    }
    assertThatThrownBy(() -> verifier.verifyStandardSignature(msg, sig, 1))
        .as("%s: %s", v, plan(v).reason())
        .isInstanceOf(VerificationFailedException.class);
    if (!verifyFile(v)) {
      KeyHandle key = signingKey(v);
      key.verify(msg, key.sign(msg));
    }
  }

  @Override
  Map<String, Integer> expectedCounts() {
    return Map.of(
        "run valid", 617,
        "run invalid", 410,
        "refuse valid", 21, // 2 per verify file, 3 per seed file, 2 per noseed file
        "skip valid", 69, // external mu
        "skip invalid", 21); // contexts over 255 bytes
  }

  @Override
  Map<String, Map<String, Integer>> expectedCountsPerFile() {
    return Map.of(
        "mldsa_44_verify_test.json",
        Map.of("run valid", 75, "run invalid", 98, "refuse valid", 2, "skip invalid", 5),
        "mldsa_44_sign_seed_test.json",
        Map.of(
            "run valid",
            71,
            "run invalid",
            3,
            "refuse valid",
            3,
            "skip valid",
            8,
            "skip invalid",
            1),
        "mldsa_44_sign_noseed_test.json",
        Map.of(
            "run valid",
            59,
            "run invalid",
            4,
            "refuse valid",
            2,
            "skip valid",
            7,
            "skip invalid",
            1),
        "mldsa_65_verify_test.json",
        Map.of("run valid", 77, "run invalid", 126, "refuse valid", 2, "skip invalid", 5),
        "mldsa_65_sign_seed_test.json",
        Map.of(
            "run valid",
            81,
            "run invalid",
            3,
            "refuse valid",
            3,
            "skip valid",
            17,
            "skip invalid",
            1),
        "mldsa_65_sign_noseed_test.json",
        Map.of(
            "run valid",
            61,
            "run invalid",
            4,
            "refuse valid",
            2,
            "skip valid",
            10,
            "skip invalid",
            1),
        "mldsa_87_verify_test.json",
        Map.of("run valid", 69, "run invalid", 165, "refuse valid", 2, "skip invalid", 5),
        "mldsa_87_sign_seed_test.json",
        Map.of(
            "run valid",
            72,
            "run invalid",
            3,
            "refuse valid",
            3,
            "skip valid",
            17,
            "skip invalid",
            1),
        "mldsa_87_sign_noseed_test.json",
        Map.of(
            "run valid",
            52,
            "run invalid",
            4,
            "refuse valid",
            2,
            "skip valid",
            10,
            "skip invalid",
            1));
  }
}
