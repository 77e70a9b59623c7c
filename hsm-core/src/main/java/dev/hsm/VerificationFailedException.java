package dev.hsm;

/**
 * A signature or MAC tag does not verify for the given data. Thrown by {@link KeyHandle#verify} and
 * {@link KeyHandle#verifyMac}, so an unchecked result cannot pass as valid.
 */
public class VerificationFailedException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public VerificationFailedException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public VerificationFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
