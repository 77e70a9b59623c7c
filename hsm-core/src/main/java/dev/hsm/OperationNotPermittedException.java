package dev.hsm;

/**
 * The key's algorithm could perform the operation, but the key's policy does not allow it (see
 * {@link KeySpec#withOperations}), a lifecycle act does not apply to the version's state, or the
 * input lies in the namespace the library reserves for its own labels: a context (or data to sign)
 * that begins with {@code dev.hsm/}, which is how the library keeps what it makes for itself, such
 * as a key export's ephemeral key, out of reach of the public API.
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
