package dev.hsm.wycheproof;

import dev.hsm.Algorithm;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** RSASSA-PKCS1-v1_5 verification with SHA-256/384/512 and 2048/3072/4096-bit keys. */
class RsaPkcs1WycheproofTest extends WycheproofSuite {
  static final List<String> FILES =
      RSA_SIZES.stream()
          .flatMap(
              bits ->
                  Stream.of("sha256", "sha384", "sha512")
                      .map(sha -> "rsa_signature_" + bits + "_" + sha + "_test.json"))
          .toList();

  private static final Map<String, Algorithm> ALGORITHMS =
      Map.of(
          "SHA-256", Algorithm.RSA_PKCS1_SHA256,
          "SHA-384", Algorithm.RSA_PKCS1_SHA384,
          "SHA-512", Algorithm.RSA_PKCS1_SHA512);

  @Override
  List<String> files() {
    return FILES;
  }

  @Override
  Plan plan(Vector v) {
    if (!ALGORITHMS.containsKey(v.groupText("sha"))) {
      return Plan.skip("no PKCS#1 v1.5 Algorithm with " + v.groupText("sha"));
    }
    if (!RSA_SIZES.contains(v.groupInt("keySize"))) {
      return Plan.refuse(v.groupInt("keySize") + "-bit key: only 2048/3072/4096 are accepted");
    }
    return Plan.RUN;
  }

  @Override
  void refuse(Vector v) {
    assertImportRefused(
        KeySpec.rsa(ALGORITHMS.get(v.groupText("sha")), nearestRsaSize(v.groupInt("keySize"))),
        KeyMaterial.publicKeyX509(v.groupBytes("publicKeyDer")));
  }

  @Override
  void run(Vector v) {
    verifySignature(v, KeySpec.rsa(ALGORITHMS.get(v.groupText("sha")), v.groupInt("keySize")));
  }

  @Override
  Map<String, Integer> expectedCounts() {
    return Map.of(
        "run valid", 68,
        "run invalid", 2253,
        "run acceptable", 9); // MissingNull: DigestInfo without the NULL parameter
  }
}
