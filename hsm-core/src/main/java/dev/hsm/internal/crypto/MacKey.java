package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA-256/384/512 with the JDK's SunJCE; full-length tags, compared in constant time. */
final class MacKey implements CryptoKey {
  /**
   * One engine per thread and algorithm, re-initialised with the key for every tag: {@code
   * Mac.getInstance} costs about as much as a 1 KiB HMAC. {@code init} resets any earlier state.
   */
  private static final ThreadLocal<Mac> SHA256_ENGINE = engine("HmacSHA256");

  private static final ThreadLocal<Mac> SHA384_ENGINE = engine("HmacSHA384");

  private static final ThreadLocal<Mac> SHA512_ENGINE = engine("HmacSHA512");

  private final Algorithm algorithm;
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> engine;

  MacKey(Algorithm algorithm, byte[] rawKey) {
    this.algorithm = algorithm;
    this.key = new SecretKeySpec(rawKey, jcaName(algorithm));
    this.engine =
        algorithm == Algorithm.HMAC_SHA256
            ? SHA256_ENGINE
            : algorithm == Algorithm.HMAC_SHA384 ? SHA384_ENGINE : SHA512_ENGINE;
  }

  private static ThreadLocal<Mac> engine(String jcaName) {
    return ThreadLocal.withInitial(
        () -> {
          try {
            return Mac.getInstance(jcaName, Providers.SUN_JCE);
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException(jcaName + " is not available from SunJCE", e);
          }
        });
  }

  static String jcaName(Algorithm algorithm) {
    switch (algorithm) {
      case HMAC_SHA256:
        return "HmacSHA256";
      case HMAC_SHA384:
        return "HmacSHA384";
      case HMAC_SHA512:
        return "HmacSHA512";
      default:
        throw new IllegalArgumentException(algorithm + " is not an HMAC algorithm");
    }
  }

  /** The tag length, which is also the generated key length: the hash's output size. */
  static int tagBytes(Algorithm algorithm) {
    switch (algorithm) {
      case HMAC_SHA256:
        return 32;
      case HMAC_SHA384:
        return 48;
      default:
        return 64;
    }
  }

  @Override
  public Algorithm algorithm() {
    return algorithm;
  }

  @Override
  public boolean hasPrivatePart() {
    return true;
  }

  @Override
  public byte[] sign(byte[] data) {
    try {
      Mac mac = engine.get();
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " failed", e);
    }
  }

  @Override
  public boolean verify(byte[] data, byte[] envelope, int offset) {
    byte[] expected = sign(data);
    if (envelope.length - offset != expected.length) {
      return false;
    }
    byte[] presented = new byte[expected.length];
    System.arraycopy(envelope, offset, presented, 0, presented.length);
    return MessageDigest.isEqual(expected, presented); // constant time since JDK 6u17
  }
}
