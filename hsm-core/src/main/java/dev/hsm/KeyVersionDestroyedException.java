package dev.hsm;

/**
 * The key version that made a ciphertext or signature has been destroyed: its material is gone and
 * the data can no longer be decrypted or verified with it.
 */
public class KeyVersionDestroyedException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public KeyVersionDestroyedException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public KeyVersionDestroyedException(String message, Throwable cause) {
    super(message, cause);
  }
}
