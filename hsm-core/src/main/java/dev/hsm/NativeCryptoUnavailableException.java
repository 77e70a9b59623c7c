package dev.hsm;

/**
 * {@link NativeCrypto#REQUIRED} was configured, but the native provider is not on the classpath,
 * cannot load its library on this platform, or failed its self-tests. The message says which.
 */
public class NativeCryptoUnavailableException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that says why the provider is unavailable. */
  public NativeCryptoUnavailableException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public NativeCryptoUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
