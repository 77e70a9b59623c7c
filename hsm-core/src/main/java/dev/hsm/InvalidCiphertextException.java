package dev.hsm;

/**
 * A ciphertext could not be decrypted: it is truncated, malformed, tampered with, made by another
 * key, names a key version that does not exist, or the context does not match the one used to
 * encrypt. Authentication failures share one message, so the exception reveals nothing about which
 * check failed.
 */
public class InvalidCiphertextException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public InvalidCiphertextException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public InvalidCiphertextException(String message, Throwable cause) {
    super(message, cause);
  }
}
