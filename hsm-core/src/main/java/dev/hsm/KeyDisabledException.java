package dev.hsm;

/**
 * The key, or the key version an operation needs, is disabled or scheduled for destruction.
 * Reversible: enable the key or version, or cancel the destruction.
 */
public class KeyDisabledException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public KeyDisabledException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public KeyDisabledException(String message, Throwable cause) {
    super(message, cause);
  }
}
