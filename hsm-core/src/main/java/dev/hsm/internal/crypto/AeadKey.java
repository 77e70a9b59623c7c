package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.spi.KeyOperations;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM (on the JDK's CPU-accelerated SunJCE or the native provider, see {@link
 * CryptoEngines}) and ChaCha20-Poly1305 (SunJCE). Payload layout: 12-byte random nonce, ciphertext,
 * 16-byte tag.
 */
final class AeadKey implements KeyOperations {
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;

  private final CryptoEngines engines;
  private final Algorithm algorithm;
  private final SecretKeySpec key;
  private final boolean gcm;

  AeadKey(CryptoEngines engines, Algorithm algorithm, byte[] rawKey) {
    this.engines = engines;
    this.algorithm = algorithm;
    boolean gcm = algorithm == Algorithm.AES_256_GCM;
    this.key = new SecretKeySpec(rawKey, gcm ? "AES" : "ChaCha20");
    this.gcm = gcm;
  }

  /**
   * AES-GCM reuses one engine per thread (see {@link CryptoEngines#gcmEngine}). ChaCha20-Poly1305
   * gets a fresh engine per call: a reused SunJCE ChaCha20-Poly1305 engine (JDK 17) failed to
   * decrypt valid messages in the test suite.
   */
  private Cipher engine() {
    return gcm
        ? engines.gcmEngine()
        : CryptoEngines.newCipher("ChaCha20-Poly1305", Providers.SUN_JCE);
  }

  @Override
  public Algorithm algorithm() {
    return algorithm;
  }

  private AlgorithmParameterSpec parameters(byte[] nonceSource, int offset) {
    return algorithm == Algorithm.AES_256_GCM
        ? new GCMParameterSpec(TAG_BYTES * 8, nonceSource, offset, NONCE_BYTES)
        : new IvParameterSpec(nonceSource, offset, NONCE_BYTES);
  }

  @Override
  public byte[] encrypt(byte[] header, byte[] plaintext, byte[] associatedData) {
    int nonceAt = header.length;
    byte[] out = new byte[nonceAt + NONCE_BYTES + plaintext.length + TAG_BYTES];
    System.arraycopy(header, 0, out, 0, nonceAt);
    Randomness.nonce(out, nonceAt, NONCE_BYTES);
    try {
      Cipher cipher = engine();
      cipher.init(Cipher.ENCRYPT_MODE, key, parameters(out, nonceAt));
      addAssociatedData(cipher, associatedData);
      cipher.doFinal(plaintext, 0, plaintext.length, out, nonceAt + NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new HsmException(algorithm + " encryption failed", e);
    }
  }

  @Override
  public byte[] decrypt(byte[] envelope, int offset, byte[] associatedData)
      throws GeneralSecurityException {
    if (envelope.length - offset < NONCE_BYTES + TAG_BYTES) {
      throw new GeneralSecurityException("payload shorter than nonce and tag");
    }
    Cipher cipher = engine();
    cipher.init(Cipher.DECRYPT_MODE, key, parameters(envelope, offset));
    addAssociatedData(cipher, associatedData);
    int ciphertextAt = offset + NONCE_BYTES;
    return cipher.doFinal(envelope, ciphertextAt, envelope.length - ciphertextAt);
  }

  /** No call for an empty context: the same result, one engine call fewer per message. */
  private static void addAssociatedData(Cipher cipher, byte[] associatedData) {
    if (associatedData.length > 0) {
      cipher.updateAAD(associatedData);
    }
  }
}
