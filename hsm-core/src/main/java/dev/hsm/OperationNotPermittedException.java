package dev.hsm;

/**
 * The key's algorithm could perform the operation, but the key's policy does not allow it (see
 * {@link KeySpec#withOperations}).
 */
public class OperationNotPermittedException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public OperationNotPermittedException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public OperationNotPermittedException(String message, Throwable cause) {
    super(message, cause);
  }
}
