package dev.hsm;

/**
 * The audit log's hash chain does not verify: an entry was edited, removed, inserted or reordered.
 * The message names the first bad entry.
 */
public class AuditLogIntegrityException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public AuditLogIntegrityException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public AuditLogIntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
