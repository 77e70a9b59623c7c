package dev.hsm;

/**
 * Key material offered for import is malformed, of the wrong type or size for the requested
 * algorithm.
 */
public class InvalidKeyMaterialException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public InvalidKeyMaterialException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public InvalidKeyMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
