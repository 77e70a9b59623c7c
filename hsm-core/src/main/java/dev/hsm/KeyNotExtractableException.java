package dev.hsm;

/**
 * Export was asked for a key that is not marked extractable. Extractability is fixed when the key
 * is created.
 */
public class KeyNotExtractableException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public KeyNotExtractableException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public KeyNotExtractableException(String message, Throwable cause) {
    super(message, cause);
  }
}
