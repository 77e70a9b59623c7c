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

  /**
   * {@link #sign(byte[])} over {@code prefix} followed by {@code data}: the same signature or tag
   * as over the two concatenated. The engine's domain-separated signatures and MAC tags use it with
   * the envelope header as prefix. The default copies both into one array; an implementation may
   * feed the two parts to its engine in turn instead.
   */
  default byte[] sign(byte[] prefix, byte[] data) {
    return sign(concat(prefix, data));
  }

  /**
   * {@link #verify(byte[], byte[], int)} for {@code prefix} followed by {@code data}: whether the
   * signature or tag is valid for the two concatenated.
   */
  default boolean verify(byte[] prefix, byte[] data, byte[] envelope, int offset) {
    return verify(concat(prefix, data), envelope, offset);
  }

  /**
   * A signature key's signer for data fed in parts: its {@link StreamSigner#sign()} returns what
   * {@link #sign(byte[])} of all the parts joined would. Each call makes a new one, used by one
   * thread at a time. The engine calls it only for keys that allow standard signatures.
   */
  default StreamSigner newStreamSigner() {
    throw new UnsupportedOperationException(algorithm() + " cannot sign");
  }

  /** One signature over data fed in parts; see {@link #newStreamSigner()}. */
  interface StreamSigner {
    /** Feeds {@code length} bytes of {@code data} from {@code offset}. */
    void update(byte[] data, int offset, int length);

    /** The signature of everything fed, in the algorithm's standard form; called once. */
    byte[] sign();
  }

  /** The public key of an asymmetric key, or {@code null} for a symmetric one. */
  default PublicKey publicKey() {
    return null;
  }

  private static byte[] concat(byte[] prefix, byte[] data) {
    byte[] out = new byte[prefix.length + data.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(data, 0, out, prefix.length, data.length);
    return out;
  }
}
