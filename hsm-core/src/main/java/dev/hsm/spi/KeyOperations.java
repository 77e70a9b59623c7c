package dev.hsm.spi;

import dev.hsm.Algorithm;
import java.security.GeneralSecurityException;
import java.security.PublicKey;

/**
 * One key version made usable by its {@link KeyCustody}: the operations run here, wherever the
 * material is (in this JVM, or in a token). The engine checks the key's kind, policy and state
 * before calling any method, so a method the algorithm cannot perform is never called.
 *
 * <p>Implementations are thread-safe and fast: the engine calls them on every operation, with no
 * lock in front. Nothing here returns key material.
 */
public interface KeyOperations {

  /** The algorithm this version runs. */
  Algorithm algorithm();

  /**
   * AEAD or RSA-OAEP encryption. Writes {@code header} first, then the algorithm's payload (nonce,
   * ciphertext, tag), into one array, so an envelope costs one allocation.
   *
   * @throws IllegalArgumentException if the plaintext is too long for the algorithm
   */
  default byte[] encrypt(byte[] header, byte[] plaintext, byte[] associatedData) {
    throw new UnsupportedOperationException(algorithm() + " cannot encrypt");
  }

  /**
   * Decrypts the payload that starts at {@code offset} in {@code envelope}.
   *
   * @throws GeneralSecurityException if it does not authenticate (one failure for every cause: no
   *     padding or tag oracle)
   */
  default byte[] decrypt(byte[] envelope, int offset, byte[] associatedData)
      throws GeneralSecurityException {
    throw new UnsupportedOperationException(algorithm() + " cannot decrypt");
  }

  /** A signature or MAC tag over {@code data}, in the algorithm's standard form (ECDSA: r||s). */
  default byte[] sign(byte[] data) {
    throw new UnsupportedOperationException(algorithm() + " cannot sign");
  }

  /**
   * Whether the signature or tag that starts at {@code offset} in {@code envelope} is valid for
   * {@code data}. Malformed input gives {@code false}, never an exception; tags are compared in
   * constant time.
   */
  default boolean verify(byte[] data, byte[] envelope, int offset) {
    throw new UnsupportedOperationException(algorithm() + " cannot verify");
  }

  /** The public key of an asymmetric key, or {@code null} for a symmetric one. */
  default PublicKey publicKey() {
    return null;
  }
}
