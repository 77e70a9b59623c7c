package dev.hsm;

/**
 * An administrative act (export, import, destruction, a policy or unlock-slot change) needs the
 * store's admin credential, and it was missing or wrong. The act was refused, recorded in the audit
 * log, and nothing was changed.
 */
public class AdminAuthenticationException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public AdminAuthenticationException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public AdminAuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }
}
