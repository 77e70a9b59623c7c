package dev.hsm;

/**
 * The key's algorithm cannot perform the requested operation at all, such as signing with an AES
 * key or decrypting with an HMAC key.
 */
public class WrongKeyTypeException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public WrongKeyTypeException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public WrongKeyTypeException(String message, Throwable cause) {
    super(message, cause);
  }
}
