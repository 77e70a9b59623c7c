package dev.hsm.internal.protection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** Small helpers for secret bytes: derive, compare in constant time, wipe. */
public final class Secrets {
  private Secrets() {}

  /** HKDF-SHA-256 of {@code secret}, 32 bytes, for the given purpose. */
  public static byte[] hkdf(byte[] secret, String salt, String info) {
    return hkdf(secret, salt.getBytes(StandardCharsets.UTF_8), info);
  }

  /** HKDF-SHA-256 of {@code secret}, 32 bytes, for the given purpose. */
  public static byte[] hkdf(byte[] secret, byte[] salt, String info) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(secret, salt, info.getBytes(StandardCharsets.UTF_8)));
    byte[] out = new byte[32];
    hkdf.generateBytes(out, 0, out.length);
    return out;
  }

  /** Whether two MACs or verifiers are equal, in time that does not depend on where they differ. */
  public static boolean constantTimeEquals(byte[] expected, byte[] actual) {
    return actual != null && MessageDigest.isEqual(expected, actual);
  }

  /** Overwrites a secret byte array; used for transient copies of keys. */
  public static void wipe(byte[] secret) {
    if (secret != null) {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
