package dev.hsm.pkcs11.internal;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.spi.KeyOperations;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM in the token, with software custody's payload layout: 12-byte random nonce,
 * ciphertext, 16-byte tag. The nonce comes from this JVM's CSPRNG, as in software custody, so the
 * engine's per-version encryption count and automatic rotation hold the same.
 */
final class TokenAeadKey implements KeyOperations {
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Provider provider;
  private final SecretKey key;

  /** One engine per thread and key, initialised per message (a GCM engine must be). */
  private final ThreadLocal<Cipher> engine = ThreadLocal.withInitial(this::newEngine);

  TokenAeadKey(Provider provider, SecretKey key) {
    this.provider = provider;
    this.key = key;
  }

  private Cipher newEngine() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding", provider);
    } catch (GeneralSecurityException e) {
      throw new HsmException("AES-GCM is not available from the token", e);
    }
  }

  @Override
  public Algorithm algorithm() {
    return Algorithm.AES_256_GCM;
  }

  @Override
  public byte[] encrypt(byte[] header, byte[] plaintext, byte[] associatedData) {
    int nonceAt = header.length;
    byte[] out = new byte[nonceAt + NONCE_BYTES + plaintext.length + TAG_BYTES];
    System.arraycopy(header, 0, out, 0, nonceAt);
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    System.arraycopy(nonce, 0, out, nonceAt, NONCE_BYTES);
    try {
      Cipher cipher = engine.get();
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      if (associatedData.length > 0) {
        cipher.updateAAD(associatedData);
      }
      int written = cipher.doFinal(plaintext, 0, plaintext.length, out, nonceAt + NONCE_BYTES);
      if (written != plaintext.length + TAG_BYTES) {
        throw new HsmException("AES-GCM in the token wrote " + written + " bytes");
      }
      return out;
    } catch (GeneralSecurityException | RuntimeException e) {
      engine.remove();
      if (e instanceof HsmException) {
        throw (HsmException) e;
      }
      throw new HsmException("AES-GCM encryption in the token failed", e);
    }
  }

  @Override
  public byte[] decrypt(byte[] envelope, int offset, byte[] associatedData)
      throws GeneralSecurityException {
    if (offset < 0 || envelope.length - offset < NONCE_BYTES + TAG_BYTES) {
      throw new GeneralSecurityException("payload shorter than nonce and tag");
    }
    try {
      Cipher cipher = engine.get();
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, envelope, offset, 12));
      if (associatedData.length > 0) {
        cipher.updateAAD(associatedData);
      }
      int ciphertextAt = offset + NONCE_BYTES;
      return cipher.doFinal(envelope, ciphertextAt, envelope.length - ciphertextAt);
    } catch (GeneralSecurityException | RuntimeException e) {
      // One failure for every cause, as the engine expects; the engine is discarded.
      engine.remove();
      throw new GeneralSecurityException("AES-GCM decryption failed");
    }
  }
}
