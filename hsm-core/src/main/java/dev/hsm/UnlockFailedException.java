package dev.hsm;

/**
 * The store could not be unlocked: the passphrase or key file does not open any of its unlock
 * slots. Nothing in the store was changed.
 */
public class UnlockFailedException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public UnlockFailedException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public UnlockFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
