package dev.hsm.wycheproof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.util.List;
import java.util.Map;

/**
 * RSAES-OAEP with SHA-256 and MGF1-SHA-256: the group's PKCS#8 key is imported and the raw OAEP
 * ciphertext decrypted as an envelope, the label as context. In the misc file, keys of other sizes
 * must be refused at import, and ciphertexts made with other hashes must not decrypt.
 */
class RsaOaepWycheproofTest extends WycheproofSuite {
  static final List<String> FILES =
      List.of(
          "rsa_oaep_2048_sha256_mgf1sha256_test.json",
          "rsa_oaep_3072_sha256_mgf1sha256_test.json",
          "rsa_oaep_4096_sha256_mgf1sha256_test.json",
          "rsa_oaep_misc_test.json");

  @Override
  List<String> files() {
    return FILES;
  }

  private static KeyMaterial privateKey(Vector v) {
    return KeyMaterial.privateKeyPkcs8(v.groupBytes("privateKeyPkcs8"));
  }

  private KeyHandle key(Vector v) {
    return importOnce(
        v, KeySpec.rsa(Algorithm.RSA_OAEP_SHA256, v.groupInt("keySize")), privateKey(v));
  }

  private static boolean sizeSupported(Vector v) {
    return RSA_SIZES.contains(v.groupInt("keySize"));
  }

  @Override
  Plan plan(Vector v) {
    if (!sizeSupported(v)) {
      return Plan.refuse(v.groupInt("keySize") + "-bit key: only 2048/3072/4096 are accepted");
    }
    if (!v.groupText("sha").equals("SHA-256")
        || !v.groupText("mgf").equals("MGF1")
        || !v.groupText("mgfSha").equals("SHA-256")) {
      return Plan.refuse(
          "OAEP-"
              + v.groupText("sha")
              + " with MGF1-"
              + v.groupText("mgfSha")
              + ": must not decrypt");
    }
    return Plan.RUN;
  }

  @Override
  void refuse(Vector v) {
    if (!sizeSupported(v)) {
      int claimed = nearestRsaSize(v.groupInt("keySize"));
      assertImportRefused(KeySpec.rsa(Algorithm.RSA_OAEP_SHA256, claimed), privateKey(v));
      return;
    }
    KeyHandle key = key(v);
    byte[] envelope = Wycheproof.envelope(Wycheproof.CIPHERTEXT, v.bytes("ct"));
    assertThatThrownBy(() -> key.decrypt(envelope, v.bytes("label")))
        .as("%s: %s", v, plan(v).reason())
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Override
  void run(Vector v) {
    KeyHandle key = key(v);
    byte[] label = v.bytes("label");
    byte[] msg = v.bytes("msg");
    byte[] envelope = Wycheproof.envelope(Wycheproof.CIPHERTEXT, v.bytes("ct"));
    Wycheproof.expect(v, () -> key.decrypt(envelope, label), msg, InvalidCiphertextException.class);
    if (v.isValid()) {
      assertThat(key.decrypt(key.encrypt(msg, label), label)).as("%s round trip", v).isEqualTo(msg);
    }
  }

  @Override
  Map<String, Integer> expectedCounts() {
    return Map.of(
        "run valid", 63, // 3 x 18 + 9 misc
        "run invalid", 57,
        "refuse valid", 383, // misc: 182 other key sizes, 201 other hashes
        "refuse acceptable", 3); // misc SmallIntegerCiphertext, 2688/3104/4032-bit keys
  }
}
