package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.spi.KeyOperations;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/** RSAES-OAEP with SHA-256 and MGF1-SHA-256 (JDK SunJCE); the associated data is the label. */
final class RsaOaepKey implements KeyOperations {
  private static final int HASH_BYTES = 32;

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final int modulusBytes;

  RsaOaepKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.modulusBytes = (((RSAKey) publicKey).getModulus().bitLength() + 7) / 8;
  }

  /** The longest plaintext one OAEP block holds. */
  int maxPlaintextBytes() {
    return modulusBytes - 2 * HASH_BYTES - 2;
  }

  private static OAEPParameterSpec parameters(byte[] label) {
    return new OAEPParameterSpec(
        "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label));
  }

  @Override
  public Algorithm algorithm() {
    return Algorithm.RSA_OAEP_SHA256;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] encrypt(byte[] header, byte[] plaintext, byte[] associatedData) {
    if (plaintext.length > maxPlaintextBytes()) {
      throw new IllegalArgumentException(
          "RSA-OAEP with a "
              + modulusBytes * 8
              + "-bit key encrypts at most "
              + maxPlaintextBytes()
              + " bytes, not "
              + plaintext.length
              + "; encrypt a data key instead");
    }
    try {
      Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding", Providers.SUN_JCE);
      cipher.init(
          Cipher.ENCRYPT_MODE, publicKey, parameters(associatedData), Randomness.secureRandom());
      byte[] out = new byte[header.length + modulusBytes];
      System.arraycopy(header, 0, out, 0, header.length);
      cipher.doFinal(plaintext, 0, plaintext.length, out, header.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new HsmException("RSA-OAEP encryption failed", e);
    }
  }

  @Override
  public byte[] decrypt(byte[] envelope, int offset, byte[] associatedData)
      throws GeneralSecurityException {
    if (envelope.length - offset != modulusBytes) {
      throw new GeneralSecurityException("RSA-OAEP ciphertext has the wrong length");
    }
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding", Providers.SUN_JCE);
    cipher.init(Cipher.DECRYPT_MODE, privateKey, parameters(associatedData));
    return cipher.doFinal(envelope, offset, modulusBytes);
  }
}
