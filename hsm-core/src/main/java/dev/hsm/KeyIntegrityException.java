package dev.hsm;

/**
 * A stored key row fails its integrity check: its wrapped material, algorithm, operations, name,
 * version or another bound attribute was changed, moved or corrupted outside the library. The key
 * is not used; other keys keep working.
 */
public class KeyIntegrityException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public KeyIntegrityException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public KeyIntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
