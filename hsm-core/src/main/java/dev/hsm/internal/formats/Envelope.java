package dev.hsm.internal.formats;

/**
 * The binary envelopes that leave the library (documented in {@code docs/FORMATS.md}):
 *
 * <pre>
 * byte 0     format: 0x01 ciphertext, 0x02 signature, 0x03 MAC tag (all version 1)
 * bytes 1-4  key version, unsigned big-endian
 * bytes 5-   the algorithm's payload
 * </pre>
 */
public final class Envelope {
  public static final byte CIPHERTEXT = 0x01;
  public static final byte SIGNATURE = 0x02;
  public static final byte MAC = 0x03;
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

  /** {@code payload} behind the header for {@code format} and {@code version}, in one array. */
  public static byte[] wrap(byte format, int version, byte[] payload) {
    byte[] out = new byte[HEADER_BYTES + payload.length];
    System.arraycopy(header(format, version), 0, out, 0, HEADER_BYTES);
    System.arraycopy(payload, 0, out, HEADER_BYTES, payload.length);
    return out;
  }

  /** The key version an envelope names; call only after {@link #problem} returned null. */
  public static int version(byte[] envelope) {
    return ((envelope[1] & 0xff) << 24)
        | ((envelope[2] & 0xff) << 16)
        | ((envelope[3] & 0xff) << 8)
        | (envelope[4] & 0xff);
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
