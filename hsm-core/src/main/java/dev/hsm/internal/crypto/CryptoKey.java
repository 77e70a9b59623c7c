package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import java.security.PublicKey;

/**
 * One unwrapped key version, ready for operations. Implementations are thread-safe: a JCA engine is
 * never shared between threads (each thread keeps its own, or each call makes one). Methods an
 * algorithm cannot perform are never called; the handle checks the algorithm's kind first.
 */
public interface CryptoKey {

  /** The algorithm this key runs. */
  Algorithm algorithm();

  /**
   * AEAD or RSA-OAEP encryption. Writes {@code header} first, then the algorithm's payload, into
   * one array, so an envelope costs one allocation.
   */
  default byte[] encrypt(byte[] header, byte[] plaintext, byte[] associatedData) {
    throw new UnsupportedOperationException(algorithm() + " cannot encrypt");
  }

  /**
   * Decrypts the payload that starts at {@code offset} in {@code envelope}.
   *
   * @throws javax.crypto.AEADBadTagException or another {@link
   *     java.security.GeneralSecurityException} if it does not authenticate
   */
  default byte[] decrypt(byte[] envelope, int offset, byte[] associatedData)
      throws java.security.GeneralSecurityException {
    throw new UnsupportedOperationException(algorithm() + " cannot decrypt");
  }

  /** A signature or MAC tag over {@code data}. */
  default byte[] sign(byte[] data) {
    throw new UnsupportedOperationException(algorithm() + " cannot sign");
  }

  /**
   * Whether the signature or tag that starts at {@code offset} in {@code envelope} is valid for
   * {@code data}. Malformed input gives {@code false}, never an exception.
   */
  default boolean verify(byte[] data, byte[] envelope, int offset) {
    throw new UnsupportedOperationException(algorithm() + " cannot verify");
  }

  /** Whether this key holds a private or secret part (false for an imported public key). */
  boolean hasPrivatePart();

  /** The public key of an asymmetric key, or {@code null} for a symmetric one. */
  default PublicKey publicKey() {
    return null;
  }
}
