package dev.hsm;

/**
 * A certificate chain does not fit the key version it is attached to: its leaf certificate's public
 * key is not that version's public key, or a certificate in it is not issued (named and signed) by
 * the next one. Thrown by {@link KeyHandle#attachCertificateChain}; nothing is stored, and the
 * refusal is written to the audit log.
 */
public class CertificateMismatchException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, version and certificate. */
  public CertificateMismatchException(String message) {
    super(message);
  }
}
