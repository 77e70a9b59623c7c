package dev.hsm;

/** A key with the given name already exists; names are unique within a store. */
public class KeyAlreadyExistsException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public KeyAlreadyExistsException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public KeyAlreadyExistsException(String message, Throwable cause) {
    super(message, cause);
  }
}
