package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.spi.KeyOperations;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256/384/512 on a JCA provider: the JDK's SunJCE for software custody, the token's
 * SunPKCS11 and key object for hsm-pkcs11. Full-length tags, compared in constant time.
 *
 * <p>Public only so that hsm-pkcs11 runs its token keys through the same engines; internal, not
 * API.
 */
public final class MacKey implements KeyOperations {
  /**
   * One engine per thread and key, initialised with the key once: {@code Mac.getInstance} costs
   * about as much as a 1 KiB HMAC, and {@code init} (the key's inner and outer pads) a good part of
   * one. {@code doFinal} leaves the engine initialised with the same key, as the JCA specifies.
   */
  private final ThreadLocal<Mac> engine = ThreadLocal.withInitial(this::newEngine);

  private final Algorithm algorithm;
  private final Provider provider;
  private final SecretKey key;
  private final String where;

  MacKey(Algorithm algorithm, byte[] rawKey) {
    this(algorithm, Providers.SUN_JCE, new SecretKeySpec(rawKey, jcaName(algorithm)), "");
  }

  /**
   * A key whose engines are {@code algorithm}'s HMAC on {@code provider}.
   *
   * @param where where the key is, for failure messages: {@code ""} in software, {@code " in the
   *     token"} for a token's key object
   */
  public MacKey(Algorithm algorithm, Provider provider, SecretKey key, String where) {
    this.algorithm = algorithm;
    this.provider = provider;
    this.key = key;
    this.where = where;
  }

  private Mac newEngine() {
    try {
      Mac mac = Mac.getInstance(jcaName(algorithm), provider);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new HsmException(algorithm + " key" + where + " cannot be initialised", e);
    }
  }

  /** The JCA MAC name of an HMAC algorithm. */
  public static String jcaName(Algorithm algorithm) {
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
  public static int tagBytes(Algorithm algorithm) {
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
    Mac mac = engine.get();
    try {
      return mac.doFinal(data);
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  /** Feeds the two parts in turn: no copy of {@code data}. */
  @Override
  public byte[] sign(byte[] prefix, byte[] data) {
    Mac mac = engine.get();
    try {
      mac.update(prefix);
      return mac.doFinal(data);
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  private HsmException failed(RuntimeException cause) {
    engine.remove(); // its state is unknown now
    return new HsmException(algorithm + where + " failed", cause);
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
    if (offset < 0 || envelope.length - offset != expected.length) {
      return false;
    }
    byte[] presented = new byte[expected.length];
    System.arraycopy(envelope, offset, presented, 0, presented.length);
    return MessageDigest.isEqual(expected, presented); // constant time since JDK 6u17
  }
}
