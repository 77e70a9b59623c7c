package dev.hsm;

/**
 * The root of every exception this library throws on purpose. Unchecked, like Hikari's and
 * Caffeine's. Subtypes say what went wrong; messages name the store, key, version and operation but
 * never contain key material, plaintext or passphrases.
 *
 * <p>Every failure of the public API is one: caller mistakes that are bugs rather than runtime
 * conditions (a {@code null} argument, an invalid key name, asking for a negative number of random
 * bytes) throw {@link InvalidArgumentException}, not the JDK's {@code NullPointerException} or
 * {@code IllegalArgumentException}. This class itself is thrown for a closed client, a destroyed
 * {@link DataKey}, and a failure inside a crypto provider that no input explains. Plug-in stores
 * and custodies ({@code dev.hsm.spi}) should throw these types too; the built-in ones do.
 */
public class HsmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message. */
  public HsmException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public HsmException(String message, Throwable cause) {
    super(message, cause);
  }
}
