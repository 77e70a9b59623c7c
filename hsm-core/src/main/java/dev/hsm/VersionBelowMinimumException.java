package dev.hsm;

/**
 * The ciphertext or signature was made by a key version older than the key's minimum decryption
 * version (see {@link KeyHandle#setMinDecryptionVersion}). Re-encrypt old data before raising the
 * minimum.
 */
public class VersionBelowMinimumException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and operation, never material. */
  public VersionBelowMinimumException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the underlying cause. */
  public VersionBelowMinimumException(String message, Throwable cause) {
    super(message, cause);
  }
}
