package dev.hsm.internal.formats;

/**
 * The binary envelopes that leave the library (documented in {@code docs/FORMATS.md}):
 *
 * <pre>
 * byte 0     format: 0x01 ciphertext, 0x04 signature, 0x05 MAC tag
 *            (0x02 and 0x03, format-1 signatures and MAC tags, are retired)
 * bytes 1-4  key version, unsigned big-endian
 * bytes 5-   the algorithm's payload
 * </pre>
 *
 * <p>Signatures and MAC tags (format 2) are computed over the 5-byte header followed by the data,
 * never over the data alone: the header's first byte is outside the base64url alphabet, so no such
 * input is a JWS signing input, and a JWS signature (over the bare {@code header.payload}) is no
 * signature of any envelope.
 */
public final class Envelope {
  public static final byte CIPHERTEXT = 0x01;
  public static final byte SIGNATURE = 0x04;
  public static final byte MAC = 0x05;

  /** Format 1: a signature over the bare data, refused since a JWS signature is one too. */
  public static final byte RETIRED_SIGNATURE = 0x02;

  /** Format 1: a MAC tag over the bare data, refused since an HMAC JWS tag is one too. */
  public static final byte RETIRED_MAC = 0x03;

  public static final int HEADER_BYTES = 5;

  private Envelope() {}

  public static byte[] header(byte format, int version) {
    return new byte[] {
      format,
      (byte) (version >>> 24),
      (byte) (version >>> 16),
      (byte) (version >>> 8),
      (byte) version
    };
  }

  /** {@code payload} behind {@code header}, in one array. */
  public static byte[] wrap(byte[] header, byte[] payload) {
    byte[] out = new byte[HEADER_BYTES + payload.length];
    System.arraycopy(header, 0, out, 0, HEADER_BYTES);
    System.arraycopy(payload, 0, out, HEADER_BYTES, payload.length);
    return out;
  }

  /** The first {@link #HEADER_BYTES} of an envelope; call only after {@link #problem}. */
  public static byte[] headerOf(byte[] envelope) {
    byte[] header = new byte[HEADER_BYTES];
    System.arraycopy(envelope, 0, header, 0, HEADER_BYTES);
    return header;
  }

  /** The key version an envelope names; call only after {@link #problem} returned null. */
  public static int version(byte[] envelope) {
    return ((envelope[1] & 0xff) << 24)
        | ((envelope[2] & 0xff) << 16)
        | ((envelope[3] & 0xff) << 8)
        | (envelope[4] & 0xff);
  }

  /**
   * Whether {@code envelope} is the retired format-1 form of {@code format} (a {@link #SIGNATURE}
   * or {@link #MAC} expected, a {@link #RETIRED_SIGNATURE} or {@link #RETIRED_MAC} presented).
   */
  public static boolean isRetired(byte[] envelope, byte format) {
    return envelope.length > 0
        && ((format == SIGNATURE && envelope[0] == RETIRED_SIGNATURE)
            || (format == MAC && envelope[0] == RETIRED_MAC));
  }

  /** Why {@code envelope} cannot be of {@code format}, or {@code null} if its header is sound. */
  public static String problem(byte[] envelope, byte format) {
    if (envelope.length < HEADER_BYTES) {
      return "is too short to be an envelope (" + envelope.length + " bytes)";
    }
    if (envelope[0] != format) {
      return String.format(
          "is not a %s envelope (format byte 0x%02x, expected 0x%02x)",
          name(format), envelope[0], format);
    }
    if (version(envelope) < 1) {
      return "names key version "
          + Integer.toUnsignedString(version(envelope))
          + ", which is invalid";
    }
    return null;
  }

  private static String name(byte format) {
    switch (format) {
      case CIPHERTEXT:
        return "ciphertext";
      case SIGNATURE:
        return "signature";
      default:
        return "MAC tag";
    }
  }
}
