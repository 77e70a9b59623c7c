package dev.hsm;

/**
 * A signature or MAC envelope in format 1 (format byte {@code 0x02} or {@code 0x03}), which this
 * library no longer accepts: format 1 signed the bare data, so a JWS made by the same key could be
 * repackaged as a format-1 envelope over the token's {@code header.payload} (see {@code
 * docs/FORMATS.md}, "Format 1"). Sign or MAC the data again to get a format-2 envelope.
 *
 * <p>It is a {@link VerificationFailedException}, so code that treats a failed check as invalid
 * input keeps doing so.
 */
public class RetiredEnvelopeFormatException extends VerificationFailedException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names key, format and what to do instead. */
  public RetiredEnvelopeFormatException(String message) {
    super(message);
  }
}
