package dev.hsm;

/**
 * An argument the caller passed is unusable: {@code null} where a value is needed, empty where it
 * must not be, out of range (a negative count, an RSA size the library does not make, a waiting
 * period under a day), malformed (a key name outside {@code [A-Za-z0-9._-]}, a label key), too long
 * for the algorithm (RSA-OAEP plaintext), or contradicting another setting. A programming error
 * rather than a runtime condition, thrown before anything is used or written; the message names the
 * argument and what it must be.
 *
 * <p>The library throws this instead of {@link NullPointerException} and {@link
 * IllegalArgumentException}, so that every exception it throws on purpose is an {@link
 * HsmException}. Input that comes from outside (ciphertexts, signatures, tokens, key material,
 * exports, backups) has its own exceptions ({@link InvalidCiphertextException}, {@link
 * VerificationFailedException}, {@link InvalidKeyMaterialException}, {@link StoreException}).
 */
public class InvalidArgumentException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the argument and what it must be. */
  public InvalidArgumentException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * {@code value}, or this exception naming {@code what} if it is {@code null}.
   *
   * @param what the argument's name, as the caller knows it
   */
  public static <T> T requireNonNull(T value, String what) {
    if (value == null) {
      throw new InvalidArgumentException(what + " must not be null");
    }
    return value;
  }
}
