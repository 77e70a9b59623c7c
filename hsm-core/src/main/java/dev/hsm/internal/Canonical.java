package dev.hsm.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An unambiguous byte encoding of a list of fields (each length-prefixed), used as associated data
 * and as MAC input, so that no two different rows can encode to the same bytes.
 */
final class Canonical {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

  Canonical(String domain) {
    add(domain);
  }

  Canonical add(String value) {
    return add(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  Canonical add(long value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift));
    }
    return this;
  }

  Canonical add(boolean value) {
    out.write(value ? 1 : 0);
    return this;
  }

  /** A byte string, or {@code null}, which encodes differently from an empty one. */
  Canonical add(byte[] value) {
    if (value == null) {
      add(-1L);
      return this;
    }
    add((long) value.length);
    out.write(value, 0, value.length);
    return this;
  }

  byte[] toBytes() {
    return out.toByteArray();
  }
}
