package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.spi.KeyOperations;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA-256/384/512 with the JDK's SunJCE; full-length tags, compared in constant time. */
final class MacKey implements KeyOperations {
  /**
   * One engine per thread and key, initialised with the key once: {@code Mac.getInstance} costs
   * about as much as a 1 KiB HMAC, and {@code init} (the key's inner and outer pads) a good part of
   * one. {@code doFinal} leaves the engine initialised with the same key, as the JCA specifies.
   */
  private final ThreadLocal<Mac> engine = ThreadLocal.withInitial(this::newEngine);

  private final Algorithm algorithm;
  private final SecretKeySpec key;

  MacKey(Algorithm algorithm, byte[] rawKey) {
    this.algorithm = algorithm;
    this.key = new SecretKeySpec(rawKey, jcaName(algorithm));
  }

  private Mac newEngine() {
    try {
      Mac mac = Mac.getInstance(key.getAlgorithm(), Providers.SUN_JCE);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new HsmException(algorithm + " is not available from SunJCE", e);
    }
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
  public byte[] sign(byte[] data) {
    return engine.get().doFinal(data);
  }

  /** Feeds the two parts in turn: no copy of {@code data}. */
  @Override
  public byte[] sign(byte[] prefix, byte[] data) {
    Mac mac = engine.get();
    mac.update(prefix);
    return mac.doFinal(data);
  }

  @Override
  public boolean verify(byte[] data, byte[] envelope, int offset) {
    return matches(sign(data), envelope, offset);
  }

  @Override
  public boolean verify(byte[] prefix, byte[] data, byte[] envelope, int offset) {
    return matches(sign(prefix, data), envelope, offset);
  }

  private static boolean matches(byte[] expected, byte[] envelope, int offset) {
    if (envelope.length - offset != expected.length) {
      return false;
    }
    byte[] presented = new byte[expected.length];
    System.arraycopy(envelope, offset, presented, 0, presented.length);
    return MessageDigest.isEqual(expected, presented); // constant time since JDK 6u17
  }
}
