package dev.hsm;

/** No key with the given name exists in the store. */
public class KeyNotFoundException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public KeyNotFoundException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public KeyNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
