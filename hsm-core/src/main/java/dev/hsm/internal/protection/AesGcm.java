package dev.hsm.internal.protection;

import dev.hsm.HsmException;
import dev.hsm.internal.crypto.Providers;
import dev.hsm.internal.crypto.Randomness;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce, as the library seals its own secrets at rest (wrapped
 * material, the audit key, unlock slots, export payloads): nonce, then ciphertext and tag.
 */
public final class AesGcm {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private AesGcm() {}

  /**
   * Encrypts {@code plaintext} with {@code aad} bound; random nonce first, then ciphertext and tag.
   */
  public static byte[] seal(SecretKeySpec key, byte[] plaintext, byte[] aad) {
    byte[] nonce = Randomness.bytes(NONCE_BYTES);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Providers.SUN_JCE);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new HsmException("AES-GCM sealing failed", e);
    }
  }

  /** Reverses {@link #seal}; throws if the input is short or does not authenticate. */
  public static byte[] open(SecretKeySpec key, byte[] sealed, byte[] aad)
      throws GeneralSecurityException {
    if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new GeneralSecurityException("sealed value is missing or too short");
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Providers.SUN_JCE);
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
    cipher.updateAAD(aad);
    return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
  }
}
