package dev.hsm.wycheproof;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.VerificationFailedException;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.util.List;
import java.util.Map;

/**
 * RSASSA-PSS verification. Our PSS algorithms fix MGF1 with the message hash and a salt as long as
 * the hash; a signature made with other parameters (the misc file) must not verify under the key
 * imported for that hash, and SHA-1/SHA-224 groups, for which no algorithm exists, are skipped.
 */
class RsaPssWycheproofTest extends WycheproofSuite {
  static final List<String> FILES =
      List.of(
          "rsa_pss_2048_sha256_mgf1_32_test.json",
          "rsa_pss_2048_sha384_mgf1_48_test.json",
          "rsa_pss_3072_sha256_mgf1_32_test.json",
          "rsa_pss_4096_sha256_mgf1_32_test.json",
          "rsa_pss_4096_sha384_mgf1_48_test.json",
          "rsa_pss_4096_sha512_mgf1_64_test.json",
          "rsa_pss_misc_test.json");

  private static final Map<String, Algorithm> ALGORITHMS =
      Map.of(
          "SHA-256", Algorithm.RSA_PSS_SHA256,
          "SHA-384", Algorithm.RSA_PSS_SHA384,
          "SHA-512", Algorithm.RSA_PSS_SHA512);
  private static final Map<String, Integer> HASH_BYTES =
      Map.of("SHA-256", 32, "SHA-384", 48, "SHA-512", 64);

  @Override
  List<String> files() {
    return FILES;
  }

  private static KeySpec spec(Vector v) {
    return KeySpec.rsa(ALGORITHMS.get(v.groupText("sha")), v.groupInt("keySize"));
  }

  @Override
  Plan plan(Vector v) {
    String sha = v.groupText("sha");
    if (!ALGORITHMS.containsKey(sha) || !RSA_SIZES.contains(v.groupInt("keySize"))) {
      return Plan.skip("no PSS Algorithm with " + sha + " and " + v.groupInt("keySize") + " bits");
    }
    if (!v.groupText("mgf").equals("MGF1")
        || !v.groupText("mgfSha").equals(sha)
        || v.groupInt("sLen") != HASH_BYTES.get(sha)) {
      return Plan.refuse(
          String.format(
              "MGF1-%s, %d-byte salt: our %s key must reject it",
              v.groupText("mgfSha"), v.groupInt("sLen"), ALGORITHMS.get(sha)));
    }
    return Plan.RUN;
  }

  @Override
  void refuse(Vector v) {
    KeyHandle key = publicKey(v, spec(v));
    assertThatThrownBy(() -> key.verifyStandardSignature(v.bytes("msg"), v.bytes("sig"), 1))
        .as("%s: %s", v, plan(v).reason())
        .isInstanceOf(VerificationFailedException.class);
  }

  @Override
  void run(Vector v) {
    verifySignature(v, spec(v));
  }

  @Override
  Map<String, Integer> expectedCounts() {
    return Map.of(
        "run valid", 514, // 511 + the 3 misc groups with our parameters
        "run invalid", 274,
        "refuse valid", 87, // misc, SHA-256/384/512 with another MGF hash or salt length
        "skip valid", 60); // misc, SHA-1 and SHA-224
  }
}
