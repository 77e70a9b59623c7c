package dev.hsm.config;

import dev.hsm.HsmException;

/**
 * An {@code hsm.*} property is missing, contradicts another one or is out of range. Thrown when a
 * starter turns its properties into an {@link dev.hsm.HsmConfig} or a {@link dev.hsm.KeySpec},
 * before the store is opened; the message starts with the property, for example {@code
 * hsm.cache-size: cacheSize must be at least 1, not 0}.
 */
public class InvalidHsmPropertyException extends HsmException {
  private static final long serialVersionUID = 1L;

  private final String property;

  /**
   * Creates the exception.
   *
   * @param property the property at fault, such as {@code hsm.keys.receipts.algorithm}, or the
   *     group when the fault lies between its properties ({@code hsm.unlock})
   * @param message what is wrong, naming the property
   */
  public InvalidHsmPropertyException(String property, String message) {
    super(message);
    this.property = property;
  }

  /** Creates the exception with the check that failed as its cause. */
  public InvalidHsmPropertyException(String property, String message, Throwable cause) {
    super(message, cause);
    this.property = property;
  }

  /** The property at fault, such as {@code hsm.keys.receipts.algorithm}, or {@code hsm.unlock}. */
  public String property() {
    return property;
  }
}
