package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.spi.KeyOperations;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMSIVBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Deterministic AES-256-GCM-SIV (RFC 8452, Bouncy Castle; the JDK has none). The 12-byte nonce is
 * HMAC-SHA-256 over the context and plaintext under a subkey, truncated: equal inputs give equal
 * ciphertexts, different inputs get different nonces, and GCM-SIV's misuse resistance covers any
 * collision. Payload layout as for the other AEADs: nonce, ciphertext, 16-byte tag, so decryption
 * accepts any nonce and needs no knowledge of how it was made.
 */
final class DeterministicAeadKey implements KeyOperations {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final byte[] key;
  private final SecretKeySpec nonceKey;

  DeterministicAeadKey(byte[] rawKey) {
    this.key = rawKey.clone();
    this.nonceKey = new SecretKeySpec(subkey(rawKey), "HmacSHA256");
  }

  private static byte[] subkey(byte[] rawKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256", Providers.SUN_JCE);
      mac.init(new SecretKeySpec(rawKey, "HmacSHA256"));
      return mac.doFinal(
          "dev.hsm/v1/gcm-siv-nonce".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new HsmException("HMAC failed", e);
    }
  }

  @Override
  public Algorithm algorithm() {
    return Algorithm.AES_256_GCM_SIV;
  }

  private byte[] nonce(byte[] plaintext, byte[] associatedData) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256", Providers.SUN_JCE);
      mac.init(nonceKey);
      mac.update(ByteBuffer.allocate(8).putLong(associatedData.length).array());
      mac.update(associatedData);
      mac.update(plaintext);
      return Arrays.copyOf(mac.doFinal(), NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new HsmException("HMAC failed", e);
    }
  }

  private GCMSIVBlockCipher cipher(boolean encrypt, byte[] nonce, byte[] associatedData) {
    GCMSIVBlockCipher cipher = new GCMSIVBlockCipher(AESEngine.newInstance());
    cipher.init(
        encrypt, new AEADParameters(new KeyParameter(key), TAG_BITS, nonce, associatedData));
    return cipher;
  }

  @Override
  public byte[] encrypt(byte[] header, byte[] plaintext, byte[] associatedData) {
    byte[] nonce = nonce(plaintext, associatedData);
    GCMSIVBlockCipher cipher = cipher(true, nonce, associatedData);
    byte[] out = new byte[header.length + NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(nonce, 0, out, header.length, NONCE_BYTES);
    int at = header.length + NONCE_BYTES;
    try {
      int written = cipher.processBytes(plaintext, 0, plaintext.length, out, at);
      cipher.doFinal(out, at + written);
      return out;
    } catch (InvalidCipherTextException e) {
      throw new HsmException("AES-GCM-SIV encryption failed", e);
    }
  }

  @Override
  public byte[] decrypt(byte[] envelope, int offset, byte[] associatedData)
      throws GeneralSecurityException {
    if (envelope.length - offset < NONCE_BYTES + TAG_BITS / 8) {
      throw new GeneralSecurityException("payload shorter than nonce and tag");
    }
    byte[] nonce = Arrays.copyOfRange(envelope, offset, offset + NONCE_BYTES);
    GCMSIVBlockCipher cipher = cipher(false, nonce, associatedData);
    int at = offset + NONCE_BYTES;
    int length = envelope.length - at;
    byte[] out = new byte[cipher.getOutputSize(length)];
    try {
      int written = cipher.processBytes(envelope, at, length, out, 0);
      written += cipher.doFinal(out, written);
      return written == out.length ? out : Arrays.copyOf(out, written);
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new GeneralSecurityException("AES-GCM-SIV ciphertext does not authenticate");
    }
  }
}
