package dev.hsm.annotation;

import dev.hsm.Algorithm;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyNotFoundException;
import dev.hsm.Operation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;

/**
 * One checked conversion at a boundary: sign, verify, encrypt or decrypt a {@code String} or {@code
 * byte[]} with a named key. Built once at start-up by {@link #of}, which validates everything;
 * {@link #apply} then does only the operation. Immutable and thread-safe.
 */
public final class BoundaryConverter {
  private static final Base64.Encoder TEXT = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder FROM_TEXT = Base64.getUrlDecoder();

  /** Which way the value crosses the boundary. */
  public enum Direction {
    /**
     * Leaving the annotated code (a return value, a field written to its column): sign or encrypt.
     */
    OUT,
    /** Entering it (an argument, a column read into a field): verify or decrypt. */
    IN
  }

  private final KeyHandle key;
  private final boolean signed;
  private final Direction direction;
  private final boolean text;
  private final byte[] context;

  private BoundaryConverter(
      KeyHandle key, boolean signed, Direction direction, boolean text, byte[] context) {
    this.key = key;
    this.signed = signed;
    this.direction = direction;
    this.text = text;
    this.context = context;
  }

  /**
   * A converter for {@code annotation} ({@link Signed} or {@link Encrypted}) on a value of {@code
   * type} crossing in {@code direction}.
   *
   * @param where names the method, parameter or field, for messages
   * @param keys looks up keys by name (usually {@code hsm::key})
   * @throws InvalidAnnotationException if this use cannot work
   */
  public static BoundaryConverter of(
      java.lang.annotation.Annotation annotation,
      Class<?> type,
      Direction direction,
      String where,
      Function<String, KeyHandle> keys) {
    boolean signed = annotation instanceof Signed;
    if (!signed && !(annotation instanceof Encrypted)) {
      throw new InvalidArgumentException("not @Signed or @Encrypted: " + annotation);
    }
    String keyName = signed ? ((Signed) annotation).key() : ((Encrypted) annotation).key();
    String use =
        "@" + (signed ? "Signed" : "Encrypted") + "(key = \"" + keyName + "\") on " + where;
    if (type != String.class && type != byte[].class) {
      throw new InvalidAnnotationException(
          use
              + ": only String and byte[] values can be "
              + (signed ? "signed" : "encrypted")
              + ", not "
              + type.getTypeName());
    }
    KeyHandle key;
    KeyInfo info;
    try {
      key = keys.apply(keyName);
      info = key.info();
    } catch (KeyNotFoundException | InvalidArgumentException e) {
      throw new InvalidAnnotationException(use + ": no key named '" + keyName + "'", e);
    }
    Algorithm.Kind kind = info.algorithm().kind();
    Operation needed;
    if (signed) {
      if (kind != Algorithm.Kind.SIGNATURE && kind != Algorithm.Kind.MAC) {
        throw new InvalidAnnotationException(
            use + ": key '" + keyName + "' is " + info.algorithm() + ", which cannot sign");
      }
      if (info.algorithm().joseName() == null) {
        throw new InvalidAnnotationException(
            use
                + ": key '"
                + keyName
                + "' is "
                + info.algorithm()
                + ", for which JOSE defines no algorithm name, so it makes no JWS");
      }
      needed = direction == Direction.OUT ? Operation.SIGN : Operation.VERIFY;
    } else {
      if (kind != Algorithm.Kind.AEAD && kind != Algorithm.Kind.HYBRID_ENCRYPTION) {
        throw new InvalidAnnotationException(
            use
                + ": key '"
                + keyName
                + "' is "
                + info.algorithm()
                + "; @Encrypted needs an AEAD key (AES-256-GCM, ChaCha20-Poly1305, AES-256-GCM-SIV)"
                + " or a post-quantum encryption key (ML_KEM_768_X25519, ML_KEM_1024)");
      }
      boolean deterministic = ((Encrypted) annotation).deterministic();
      if (deterministic != (info.algorithm() == Algorithm.AES_256_GCM_SIV)) {
        throw new InvalidAnnotationException(
            use
                + ": deterministic = "
                + deterministic
                + " needs "
                + (deterministic
                    ? "an AES_256_GCM_SIV key"
                    : "a randomized AEAD key or a post-quantum encryption key")
                + ", but key '"
                + keyName
                + "' is "
                + info.algorithm());
      }
      needed = direction == Direction.OUT ? Operation.ENCRYPT : Operation.DECRYPT;
    }
    if (!info.operations().contains(needed)) {
      throw new InvalidAnnotationException(
          use
              + ": key '"
              + keyName
              + "' does not allow "
              + needed
              + " (it allows "
              + info.operations()
              + ")");
    }
    byte[] context =
        signed ? null : ((Encrypted) annotation).context().getBytes(StandardCharsets.UTF_8);
    return new BoundaryConverter(key, signed, direction, type == String.class, context);
  }

  /**
   * Signs, verifies, encrypts or decrypts {@code value} ({@code null} stays {@code null}).
   *
   * @throws dev.hsm.VerificationFailedException if an incoming signature is bad
   * @throws dev.hsm.InvalidCiphertextException if an incoming ciphertext is bad
   */
  public Object apply(Object value) {
    if (value == null) {
      return null;
    }
    byte[] bytes = text ? toBytes((String) value) : (byte[]) value;
    byte[] result;
    if (signed) {
      result =
          direction == Direction.OUT
              ? key.signJws(bytes).getBytes(StandardCharsets.US_ASCII)
              : key.verifyJws(new String(bytes, StandardCharsets.US_ASCII));
    } else {
      result =
          direction == Direction.OUT ? key.encrypt(bytes, context) : key.decrypt(bytes, context);
    }
    return text ? toText(result) : result;
  }

  /** A {@code String} as bytes: UTF-8 plaintext, or the text form of a JWS or ciphertext. */
  private byte[] toBytes(String value) {
    boolean isPlain = direction == Direction.OUT;
    if (isPlain) {
      return value.getBytes(StandardCharsets.UTF_8);
    }
    if (signed) {
      return value.getBytes(StandardCharsets.US_ASCII);
    }
    try {
      return FROM_TEXT.decode(value);
    } catch (IllegalArgumentException e) {
      throw new dev.hsm.InvalidCiphertextException(
          "ciphertext for key '" + key.name() + "' is not unpadded Base64url text");
    }
  }

  private String toText(byte[] result) {
    boolean isPlain = direction == Direction.IN;
    if (isPlain) {
      return new String(result, StandardCharsets.UTF_8);
    }
    return signed ? new String(result, StandardCharsets.US_ASCII) : TEXT.encodeToString(result);
  }

  /** The key this converter uses. */
  public KeyHandle key() {
    return key;
  }

  @Override
  public String toString() {
    return "BoundaryConverter["
        + (signed ? "signed" : "encrypted")
        + " "
        + direction
        + " "
        + (text ? "String" : "byte[]")
        + " with "
        + key.name()
        + "]";
  }
}
