package dev.hsm.wycheproof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.VerificationFailedException;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256/384/512: each vector's key is imported as a verify-only key, the kind that may check
 * tags computed outside, and the vector's tag is checked in standard form. Our tags are always full
 * length, so the groups with truncated tags must be rejected, valid or not; and imported keys must
 * be at least as long as the hash's output (RFC 2104), so the groups with shorter keys must fail at
 * import with {@link InvalidKeyMaterialException}, storing nothing. For valid vectors, the same
 * secret imported as a key that computes tags must give from {@code mac()} the envelope header
 * followed by the JDK's HMAC of that header and the message (docs/FORMATS.md).
 */
class HmacWycheproofTest extends WycheproofSuite {
  /** The header of a format-2 MAC envelope made by key version 1. */
  private static final byte[] MAC_V1 = {0x05, 0, 0, 0, 1};

  static final List<String> FILES =
      List.of("hmac_sha256_test.json", "hmac_sha384_test.json", "hmac_sha512_test.json");

  @Override
  List<String> files() {
    return FILES;
  }

  /** The full tag length of the file's hash. */
  private static int tagBits(Vector v) {
    return switch (v.file()) {
      case "hmac_sha256_test.json" -> 256;
      case "hmac_sha384_test.json" -> 384;
      case "hmac_sha512_test.json" -> 512;
      default -> throw new IllegalArgumentException(v.file());
    };
  }

  private static KeySpec spec(Vector v) {
    return switch (tagBits(v)) {
      case 256 -> KeySpec.hmacSha256();
      case 384 -> KeySpec.hmacSha384();
      default -> KeySpec.hmacSha512();
    };
  }

  /** The vector's key as a verify-only key, which may check tags computed outside. */
  private KeyHandle verifyOnlyKey(Vector v) {
    return importOnce(
        v, spec(v).withOperations(Operation.VERIFY), KeyMaterial.secretKey(v.bytes("key")));
  }

  /** The vector's key as a key that computes tags. */
  private KeyHandle macKey(Vector v) {
    return importOnce(v, spec(v), KeyMaterial.secretKey(v.bytes("key")));
  }

  @Override
  Plan plan(Vector v) {
    if (v.groupInt("keySize") < tagBits(v)) {
      return Plan.refuse(
          v.groupInt("keySize") + "-bit key, shorter than the hash's output: refused at import");
    }
    return v.groupInt("tagSize") == tagBits(v)
        ? Plan.RUN
        : Plan.refuse(v.groupInt("tagSize") + "-bit truncated tag: only full tags are accepted");
  }

  @Override
  void refuse(Vector v) {
    if (v.groupInt("keySize") < tagBits(v)) {
      assertThatThrownBy(() -> verifyOnlyKey(v))
          .as("%s: a key shorter than the hash's output must not import", v)
          .isInstanceOf(InvalidKeyMaterialException.class)
          .hasMessageContaining("the hash's output length");
      return;
    }
    KeyHandle key = verifyOnlyKey(v);
    assertThatThrownBy(() -> key.verifyStandardMac(v.bytes("msg"), v.bytes("tag"), 1))
        .as("%s: a truncated tag must not verify", v)
        .isInstanceOf(VerificationFailedException.class);
  }

  @Override
  void run(Vector v) throws GeneralSecurityException {
    KeyHandle key = verifyOnlyKey(v);
    byte[] msg = v.bytes("msg");
    byte[] tag = v.bytes("tag");
    Wycheproof.expect(
        v,
        () -> {
          key.verifyStandardMac(msg, tag, 1);
          return null;
        },
        null,
        VerificationFailedException.class);
    if (v.isValid()) {
      byte[] envelope = macKey(v).mac(msg);
      byte[] header = Arrays.copyOf(envelope, 5);
      assertThat(header).as("%s: a format-2 MAC envelope of version 1", v).isEqualTo(MAC_V1);
      assertThat(Arrays.copyOfRange(envelope, 5, envelope.length))
          .as("%s: mac() tags the header followed by the message", v)
          .isEqualTo(jdkHmac(v, header, msg));
    }
  }

  /** The JDK's HMAC of {@code parts} with the vector's key. */
  private static byte[] jdkHmac(Vector v, byte[]... parts) throws GeneralSecurityException {
    String name = "HmacSHA" + tagBits(v);
    Mac mac = Mac.getInstance(name);
    mac.init(new SecretKeySpec(v.bytes("key"), name));
    for (byte[] part : parts) {
      mac.update(part);
    }
    return mac.doFinal();
  }

  @Override
  Map<String, Integer> expectedCounts() {
    return Map.of(
        "run valid", 90,
        "run invalid", 162,
        "refuse valid", 108,
        "refuse invalid", 162);
  }
}
