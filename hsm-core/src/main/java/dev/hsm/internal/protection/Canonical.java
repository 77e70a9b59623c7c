package dev.hsm.internal.protection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An unambiguous byte encoding of a list of fields (each length-prefixed), used as associated data
 * and as MAC input, so that no two different rows can encode to the same bytes.
 */
public final class Canonical {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

  public Canonical(String domain) {
    add(domain);
  }

  public Canonical add(String value) {
    return add(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  public Canonical add(long value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift));
    }
    return this;
  }

  public Canonical add(boolean value) {
    out.write(value ? 1 : 0);
    return this;
  }

  /** A byte string, or {@code null}, which encodes differently from an empty one. */
  public Canonical add(byte[] value) {
    if (value == null) {
      add(-1L);
      return this;
    }
    add((long) value.length);
    out.write(value, 0, value.length);
    return this;
  }

  public byte[] toBytes() {
    return out.toByteArray();
  }
}
