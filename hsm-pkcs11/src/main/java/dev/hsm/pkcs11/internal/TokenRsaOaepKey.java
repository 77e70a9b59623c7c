package dev.hsm.pkcs11.internal;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.spi.KeyOperations;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.params.ParametersWithRandom;

/**
 * RSAES-OAEP with SHA-256 and MGF1-SHA-256, the context as label, as software custody does. The
 * JDK's SunPKCS11 offers no OAEP mechanism (JDK 17 has only PKCS#1 v1.5 and raw RSA), so the RSA
 * operation runs in the token as raw RSA (CKM_RSA_X_509: the private key never leaves it) and
 * Bouncy Castle's OAEP coding runs here, on the block the token returns. Decoding failures of every
 * kind are one exception, as the engine expects.
 */
final class TokenRsaOaepKey implements KeyOperations {
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Provider provider;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final int modulusBytes;

  TokenRsaOaepKey(Provider provider, PrivateKey privateKey, PublicKey publicKey) {
    this.provider = provider;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.modulusBytes = (((RSAPublicKey) publicKey).getModulus().bitLength() + 7) / 8;
  }

  @Override
  public Algorithm algorithm() {
    return Algorithm.RSA_OAEP_SHA256;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  private int maxPlaintextBytes() {
    return modulusBytes - 2 * HASH_BYTES - 2;
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
    OAEPEncoding oaep = oaep(associatedData);
    oaep.init(true, new ParametersWithRandom(null, RANDOM));
    try {
      byte[] block = oaep.processBlock(plaintext, 0, plaintext.length);
      byte[] out = new byte[header.length + modulusBytes];
      System.arraycopy(header, 0, out, 0, header.length);
      System.arraycopy(block, 0, out, header.length, modulusBytes);
      return out;
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new HsmException("RSA-OAEP encryption in the token failed", e);
    }
  }

  @Override
  public byte[] decrypt(byte[] envelope, int offset, byte[] associatedData)
      throws GeneralSecurityException {
    if (offset < 0 || envelope.length - offset != modulusBytes) {
      throw new GeneralSecurityException("RSA-OAEP ciphertext has the wrong length");
    }
    OAEPEncoding oaep = oaep(associatedData);
    oaep.init(false, null);
    try {
      return oaep.processBlock(envelope, offset, modulusBytes);
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new GeneralSecurityException("RSA-OAEP decryption failed");
    }
  }

  private OAEPEncoding oaep(byte[] label) {
    return new OAEPEncoding(new TokenRawRsa(), new SHA256Digest(), new SHA256Digest(), label);
  }

  /**
   * Raw RSA in the token, shaped as Bouncy Castle's RSA engine: blocks of the modulus length less
   * one byte in, the modulus length out when encrypting, and the reverse when decrypting.
   */
  private final class TokenRawRsa implements AsymmetricBlockCipher {
    private boolean forEncryption;

    @Override
    public void init(boolean forEncryption, CipherParameters parameters) {
      this.forEncryption = forEncryption;
    }

    @Override
    public int getInputBlockSize() {
      return forEncryption ? modulusBytes - 1 : modulusBytes;
    }

    @Override
    public int getOutputBlockSize() {
      return forEncryption ? modulusBytes : modulusBytes - 1;
    }

    @Override
    public byte[] processBlock(byte[] in, int offset, int length)
        throws InvalidCipherTextException {
      byte[] block = new byte[modulusBytes];
      System.arraycopy(in, offset, block, modulusBytes - length, length);
      byte[] out;
      try {
        Cipher rsa = Cipher.getInstance("RSA/ECB/NoPadding", provider);
        if (forEncryption) {
          rsa.init(Cipher.ENCRYPT_MODE, publicKey);
        } else {
          rsa.init(Cipher.DECRYPT_MODE, privateKey);
        }
        out = leftPad(rsa.doFinal(block));
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new InvalidCipherTextException("raw RSA in the token failed");
      } finally {
        Arrays.fill(block, (byte) 0);
      }
      if (forEncryption) {
        return out;
      }
      // An OAEP block starts with a zero byte; a block that does not is passed on whole, which
      // the decoder refuses with its single failure.
      return out[0] == 0 ? Arrays.copyOfRange(out, 1, modulusBytes) : out;
    }

    private byte[] leftPad(byte[] out) {
      if (out.length == modulusBytes) {
        return out;
      }
      if (out.length > modulusBytes) {
        throw new IllegalStateException("raw RSA returned more than the modulus length");
      }
      byte[] padded = new byte[modulusBytes];
      System.arraycopy(out, 0, padded, modulusBytes - out.length, out.length);
      Arrays.fill(out, (byte) 0);
      return padded;
    }
  }
}
