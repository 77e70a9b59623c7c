package dev.hsm;

/**
 * The key store cannot be read or written: an I/O or database error, a file that is not a key
 * store, or a store written by a newer version of this library.
 */
public class StoreException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public StoreException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
