package dev.hsm.wycheproof;

import dev.hsm.KeySpec;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.util.List;
import java.util.Map;

/** ECDSA P-256/SHA-256, P-384/SHA-384, P-521/SHA-512 with P1363 {@code r||s} signatures. */
class EcdsaWycheproofTest extends WycheproofSuite {
  static final List<String> FILES =
      List.of(
          "ecdsa_secp256r1_sha256_p1363_test.json",
          "ecdsa_secp384r1_sha384_p1363_test.json",
          "ecdsa_secp521r1_sha512_p1363_test.json");

  private static final Map<String, KeySpec> SPECS =
      Map.of(
          "secp256r1 SHA-256", KeySpec.ecdsaP256(),
          "secp384r1 SHA-384", KeySpec.ecdsaP384(),
          "secp521r1 SHA-512", KeySpec.ecdsaP521());

  @Override
  List<String> files() {
    return FILES;
  }

  private static KeySpec spec(Vector v) {
    return SPECS.get(v.group().path("publicKey").path("curve").asText() + " " + v.groupText("sha"));
  }

  @Override
  Plan plan(Vector v) {
    return spec(v) != null ? Plan.RUN : Plan.skip("no Algorithm for this curve and hash");
  }

  @Override
  void run(Vector v) {
    verifySignature(v, spec(v));
  }

  @Override
  Map<String, Integer> expectedCounts() {
    return Map.of("run valid", 597, "run invalid", 263);
  }
}
