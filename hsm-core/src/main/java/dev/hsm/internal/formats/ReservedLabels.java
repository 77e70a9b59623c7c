package dev.hsm.internal.formats;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The namespace of the library's own labels. Every domain string the library uses for itself (as
 * associated data, an OAEP label, HKDF info or the prefix of a message it signs) begins with {@code
 * dev.hsm/}, and no public operation accepts a context, or data to sign, that begins with it (see
 * {@code docs/FORMATS.md}, "Reserved labels"). So no caller of the public API can make a key open
 * or produce what the library makes for itself: a key export's ephemeral key or its signature.
 *
 * <p>A whole namespace is reserved rather than the few labels in use today, so that labels added
 * later (a new export format version) are refused from the start, and so that the rule is one a
 * caller can check without knowing the library's internals.
 */
public final class ReservedLabels {
  /** The reserved prefix, as text. */
  public static final String PREFIX = "dev.hsm/";

  private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);

  private ReservedLabels() {}

  /** The library's label {@code dev.hsm/<rest>}, as UTF-8 bytes. */
  public static byte[] label(String rest) {
    return (PREFIX + rest).getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code input} begins with the reserved prefix (byte for byte; {@code null}: no). */
  public static boolean isReserved(byte[] input) {
    return input != null
        && input.length >= PREFIX_BYTES.length
        && Arrays.equals(input, 0, PREFIX_BYTES.length, PREFIX_BYTES, 0, PREFIX_BYTES.length);
  }
}
