package dev.hsm.annotation;

import dev.hsm.HsmException;

/**
 * {@link Signed} or {@link Encrypted} is used where it cannot work: an unsupported type, an unknown
 * key, a key of the wrong kind or without the needed operation, an entity field bound to its row on
 * an entity whose id the database generates. Thrown at application start-up; the message names the
 * method (or field) and the key. One case can only be seen later: saving an entity whose row-bound
 * field has a value while its id is not set throws it, before anything is written.
 */
public class InvalidAnnotationException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public InvalidAnnotationException(String message) {
    super(message);
  }

  /** Creates the exception with its cause. */
  public InvalidAnnotationException(String message, Throwable cause) {
    super(message, cause);
  }
}
