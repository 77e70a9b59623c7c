package dev.hsm.internal.formats;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte layout of a key export, format version 2 (documented in {@code docs/FORMATS.md},
 * "Exported keys"); the engine's {@code KeyTransfer} decides what goes in. All integers are
 * unsigned big-endian:
 *
 * <pre>
 * "HSMX" | 0x02 | transport key id (32) | signer key id (32) | u8 a | signature algorithm (a, ASCII)
 *   | u16 n | ephemeral AES-256 key under the transport key (n: RSA-OAEP, or HPKE's encapsulation,
 *   AES-256-GCM and tag) | u32 m | nonce (12) + AES-256-GCM + tag (16) (m)
 *   | signature (to the end)
 * </pre>
 *
 * Everything before the nonce is the GCM associated data; everything before the signature is
 * signed, behind the prefix {@link #SIGNATURE_PREFIX}, so no field can be changed or swapped
 * without the signature failing. Both labels lie in the reserved namespace ({@link
 * ReservedLabels}), which the public API refuses as a context or as data to sign: only the engine
 * can open the ephemeral key or sign an export.
 */
public final class ExportBlob {
  /** The first four bytes of every export. */
  public static final byte[] MAGIC = "HSMX".getBytes(StandardCharsets.US_ASCII);

  /** This format's version byte. Version 1 (unsigned) is refused. */
  public static final byte VERSION = 2;

  /** The length of a key id: SHA-256 of the key's SubjectPublicKeyInfo DER. */
  public static final int KEY_ID_BYTES = 32;

  /**
   * The label under which the ephemeral key is encrypted: RSA-OAEP's label, or HPKE's associated
   * data for a post-quantum transport key.
   */
  public static final byte[] OAEP_LABEL = ReservedLabels.label("v2/key-export");

  /** What the signature covers begins with this label, then every byte before the signature. */
  public static final byte[] SIGNATURE_PREFIX = ReservedLabels.label("v2/key-export-signature");

  /** The ephemeral key's length: AES-256. */
  public static final int EPHEMERAL_KEY_BYTES = 32;

  /** The GCM nonce's length, before the ciphertext. */
  public static final int NONCE_BYTES = 12;

  /** The GCM tag's length, after the ciphertext. */
  public static final int TAG_BYTES = 16;

  private static final int MAX_ALGORITHM_BYTES = 64;

  /** Room for every signature algorithm: SLH-DSA-SHAKE-128f's are 17,088 bytes. */
  private static final int MAX_SIGNATURE_BYTES = 65536;

  private static final int FIXED_HEADER_BYTES = MAGIC.length + 1 + 2 * KEY_ID_BYTES + 1;

  private ExportBlob() {}

  /** A blob whose layout is sound; whether it is genuine is for the signature to say. */
  public record Parsed(
      byte[] transportKeyId,
      byte[] signerKeyId,
      String signatureAlgorithm,
      byte[] wrappedKey,
      byte[] associatedData,
      byte[] sealed,
      byte[] signingInput,
      byte[] signature) {}

  /** Why a blob cannot be read as a version 2 export: its message completes "the export ...". */
  public static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /**
   * Every byte before the nonce, which is also the GCM associated data.
   *
   * @param sealedLength the length of nonce, ciphertext and tag that will follow
   */
  public static byte[] associatedData(
      byte[] transportKeyId,
      byte[] signerKeyId,
      String signatureAlgorithm,
      byte[] wrappedKey,
      int sealedLength) {
    byte[] algorithm = signatureAlgorithm.getBytes(StandardCharsets.US_ASCII);
    if (transportKeyId.length != KEY_ID_BYTES
        || signerKeyId.length != KEY_ID_BYTES
        || algorithm.length == 0
        || algorithm.length > MAX_ALGORITHM_BYTES
        || wrappedKey.length > 0xffff) {
      throw new IllegalArgumentException("export header field out of range");
    }
    return ByteBuffer.allocate(FIXED_HEADER_BYTES + algorithm.length + 2 + wrappedKey.length + 4)
        .put(MAGIC)
        .put(VERSION)
        .put(transportKeyId)
        .put(signerKeyId)
        .put((byte) algorithm.length)
        .put(algorithm)
        .putShort((short) wrappedKey.length)
        .put(wrappedKey)
        .putInt(sealedLength)
        .array();
  }

  /** What the exporter signs: {@link #SIGNATURE_PREFIX}, then {@code signed}. */
  public static byte[] signingInput(byte[] signed) {
    return concat(SIGNATURE_PREFIX, signed);
  }

  /** {@code a} then {@code b}, in a new array. */
  public static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
    out.write(a, 0, a.length);
    out.write(b, 0, b.length);
    return out.toByteArray();
  }

  /**
   * Reads the layout of {@code blob}, checking every length against the blob's own; checks nothing
   * cryptographic.
   *
   * @throws Malformed if it is not an export, is of format version 1 (which carries no proof of
   *     origin) or another, or is truncated, extended or unsigned
   */
  public static Parsed parse(byte[] blob) throws Malformed {
    if (blob.length < MAGIC.length + 1
        || !Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new Malformed("is not a key export (it does not begin with \"HSMX\")");
    }
    int version = blob[MAGIC.length] & 0xff;
    if (version == 1) {
      throw new Malformed(
          "is in format version 1, which carries no proof of origin; export the key again"
              + " from its source store, which now signs every export (format version 2)");
    }
    if (version != VERSION) {
      throw new Malformed(
          "is in format version " + version + ", which this library does not read (it reads 2)");
    }
    ByteBuffer in = ByteBuffer.wrap(blob);
    in.position(MAGIC.length + 1);
    byte[] transportKeyId = take(in, KEY_ID_BYTES);
    byte[] signerKeyId = take(in, KEY_ID_BYTES);
    int algorithmLength = take(in, 1)[0] & 0xff;
    if (algorithmLength == 0 || algorithmLength > MAX_ALGORITHM_BYTES) {
      throw new Malformed("names a signature algorithm of " + algorithmLength + " bytes");
    }
    byte[] algorithm = take(in, algorithmLength);
    for (byte b : algorithm) {
      if (!(b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_')) {
        throw new Malformed("names a signature algorithm that is not an algorithm name");
      }
    }
    int wrappedLength = ByteBuffer.wrap(take(in, 2)).getShort() & 0xffff;
    byte[] wrappedKey = take(in, wrappedLength);
    long sealedLength = ByteBuffer.wrap(take(in, 4)).getInt() & 0xffffffffL;
    if (sealedLength < NONCE_BYTES + TAG_BYTES) {
      throw new Malformed("holds an encrypted payload of " + sealedLength + " bytes");
    }
    int associatedLength = in.position();
    if (sealedLength > in.remaining()) {
      throw new Malformed("is truncated");
    }
    byte[] sealed = take(in, (int) sealedLength);
    int signedLength = in.position();
    if (in.remaining() == 0) {
      throw new Malformed("carries no signature");
    }
    if (in.remaining() > MAX_SIGNATURE_BYTES) {
      throw new Malformed("ends in " + in.remaining() + " bytes, too many for a signature");
    }
    byte[] signature = take(in, in.remaining());
    return new Parsed(
        transportKeyId,
        signerKeyId,
        new String(algorithm, StandardCharsets.US_ASCII),
        wrappedKey,
        Arrays.copyOf(blob, associatedLength),
        sealed,
        signingInput(Arrays.copyOf(blob, signedLength)),
        signature);
  }

  private static byte[] take(ByteBuffer in, int length) throws Malformed {
    if (length > in.remaining()) {
      throw new Malformed("is truncated");
    }
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }
}
