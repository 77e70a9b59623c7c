package dev.hsm.wycheproof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.util.List;
import java.util.Map;

/**
 * AES-256-GCM, ChaCha20-Poly1305 and AES-256-GCM-SIV: each vector's key is imported, its {@code iv
 * || ct || tag} is decrypted as a ciphertext envelope with the vector's AAD as context. Other AES
 * key sizes must be refused at import; IV and tag sizes other than 96 and 128 bits cannot be
 * expressed in an envelope and are skipped.
 */
class AeadWycheproofTest extends WycheproofSuite {
  static final List<String> FILES =
      List.of("aes_gcm_test.json", "chacha20_poly1305_test.json", "aes_gcm_siv_test.json");

  @Override
  List<String> files() {
    return FILES;
  }

  private static KeySpec spec(Vector v) {
    if (v.file().startsWith("aes_gcm_siv")) {
      return KeySpec.aes256GcmSiv();
    }
    return v.file().startsWith("aes_gcm") ? KeySpec.aes256Gcm() : KeySpec.chacha20Poly1305();
  }

  @Override
  Plan plan(Vector v) {
    if (v.groupInt("keySize") != 256) {
      return Plan.refuse(v.groupInt("keySize") + "-bit key: only 256-bit keys are accepted");
    }
    if (v.groupInt("ivSize") != 96) {
      return Plan.skip(v.groupInt("ivSize") + "-bit IV: envelopes carry a fixed 96-bit nonce");
    }
    if (v.groupInt("tagSize") != 128) {
      return Plan.skip(v.groupInt("tagSize") + "-bit tag: envelopes carry a fixed 128-bit tag");
    }
    return Plan.RUN;
  }

  @Override
  void refuse(Vector v) {
    assertImportRefused(spec(v), KeyMaterial.secretKey(v.bytes("key")));
  }

  @Override
  void run(Vector v) {
    KeyHandle key = importOnce(v, spec(v), KeyMaterial.secretKey(v.bytes("key")));
    byte[] aad = v.bytes("aad");
    byte[] msg = v.bytes("msg");
    byte[] envelope =
        Wycheproof.envelope(Wycheproof.CIPHERTEXT, v.bytes("iv"), v.bytes("ct"), v.bytes("tag"));
    Wycheproof.expect(v, () -> key.decrypt(envelope, aad), msg, InvalidCiphertextException.class);
    if (v.isValid()) {
      // Encrypt picks its own nonce, so the vector's ct cannot be reproduced; check the round trip.
      byte[] ours = key.encrypt(msg, aad);
      assertThat(ours).startsWith(1, 0, 0, 0, 1).hasSize(5 + 12 + msg.length + 16);
      assertThat(key.decrypt(ours, aad)).as("%s round trip", v).isEqualTo(msg);
      if (v.file().startsWith("aes_gcm_siv")) {
        assertThat(key.encrypt(msg, aad)).as("%s is deterministic", v).isEqualTo(ours);
      }
    }
  }

  @Override
  Map<String, Integer> expectedCounts() {
    return Map.of(
        "run valid", 364, // AES 39 + ChaCha 256 + GCM-SIV 69
        "run invalid", 121, // AES 27 + ChaCha 60 + GCM-SIV 34
        "refuse valid", 220, // AES-128/192 keys (GCM-SIV: 67 AES-128)
        "refuse invalid", 90,
        "skip valid", 37, // AES-256 with IVs of 8..2056 bits other than 96
        "skip invalid", 11); // 0-bit IV (AES 2), ChaCha IVs other than 96 bits (9)
  }
}
