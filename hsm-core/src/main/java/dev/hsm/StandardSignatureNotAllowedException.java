package dev.hsm;

/**
 * A standard signature ({@link KeyHandle#signStandard}, {@link KeyHandle#standardSigner}) was asked
 * of a key whose policy does not allow {@link Operation#SIGN_STANDARD}: any key made for envelope
 * signatures or JWS, or a key made for something else. Such a key never signs bytes of the caller's
 * choosing in standard form, since those could be a JWS signing input or an envelope's signed bytes
 * (see {@code docs/FORMATS.md}, "Standard signatures"). Create a separate key with {@code
 * withOperations(Operation.SIGN_STANDARD)}. The refusal is written to the audit log.
 */
public class StandardSignatureNotAllowedException extends OperationNotPermittedException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the key, never material. */
  public StandardSignatureNotAllowedException(String message) {
    super(message);
  }
}
