package dev.hsm.pkcs11.internal;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.spi.KeyOperations;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/** HMAC-SHA-256/384/512 in the token; full-length tags, compared in constant time. */
final class TokenMacKey implements KeyOperations {
  private final Algorithm algorithm;
  private final Provider provider;
  private final SecretKey key;

  /** One engine per thread and key, initialised once; {@code doFinal} leaves it ready. */
  private final ThreadLocal<Mac> engine = ThreadLocal.withInitial(this::newEngine);

  TokenMacKey(Algorithm algorithm, Provider provider, SecretKey key) {
    this.algorithm = algorithm;
    this.provider = provider;
    this.key = key;
  }

  private Mac newEngine() {
    try {
      Mac mac = Mac.getInstance(Mechanisms.macName(algorithm), provider);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new HsmException(algorithm + " key in the token cannot be initialised", e);
    }
  }

  @Override
  public Algorithm algorithm() {
    return algorithm;
  }

  @Override
  public byte[] sign(byte[] data) {
    try {
      return engine.get().doFinal(data);
    } catch (RuntimeException e) {
      engine.remove();
      throw new HsmException(algorithm + " in the token failed", e);
    }
  }

  @Override
  public byte[] sign(byte[] prefix, byte[] data) {
    try {
      Mac mac = engine.get();
      mac.update(prefix);
      return mac.doFinal(data);
    } catch (RuntimeException e) {
      engine.remove();
      throw new HsmException(algorithm + " in the token failed", e);
    }
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
    return MessageDigest.isEqual(expected, presented);
  }
}
