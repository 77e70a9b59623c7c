package dev.hsm.spi;

import dev.hsm.Algorithm;
import dev.hsm.KeyMaterial;
import dev.hsm.Operation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The key version a {@link KeyCustody} call is about, with the fixed attributes its material is
 * bound to. Custody that wraps material binds {@link #associatedData()} into the wrapping, so
 * material moved to another key, version or store, or whose key's attributes were edited (say,
 * extractable flipped to true), no longer opens.
 *
 * @param storeId the store's id
 * @param keyName the key's name, unique in the store
 * @param version the version number, from 1
 * @param algorithm the key's algorithm
 * @param rsaModulusBits the RSA modulus size, or 0
 * @param operations the operations the key allows
 * @param extractable whether the key may be exported
 * @param imported whether the key's first material came from outside
 * @param form the material's form: {@code SECRET} or {@code PRIVATE_PKCS8} for generated keys, the
 *     import's form for imported ones ({@code PUBLIC_X509}: a public key only)
 */
public record VersionBinding(
    String storeId,
    String keyName,
    int version,
    Algorithm algorithm,
    int rsaModulusBits,
    Set<Operation> operations,
    boolean extractable,
    boolean imported,
    KeyMaterial.Form form) {

  /** Checks the fields and copies the operations. */
  public VersionBinding {
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(keyName, "keyName");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(form, "form");
    operations = Set.copyOf(operations);
    if (version < 1) {
      throw new IllegalArgumentException("version must be at least 1, not " + version);
    }
  }

  /**
   * An unambiguous encoding of every field (each length-prefixed; the layout is in
   * docs/FORMATS.md), to bind as associated data.
   */
  public byte[] associatedData() {
    return new Encoder()
        .add("dev.hsm/v1/key-material")
        .add(storeId)
        .add(keyName)
        .add(version)
        .add(algorithm.name())
        .add(rsaModulusBits)
        .add(operations.stream().sorted().map(Enum::name).collect(Collectors.joining(",")))
        .add(extractable)
        .add(imported)
        .add(form.name())
        .toBytes();
  }

  /** "key 'name' version n", for messages. */
  public String describe() {
    return "key '" + keyName + "' version " + version;
  }

  /** Strings as a 64-bit big-endian length and UTF-8; integers as 64-bit big-endian. */
  private static final class Encoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(160);

    Encoder add(String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      add((long) bytes.length);
      out.write(bytes, 0, bytes.length);
      return this;
    }

    Encoder add(long value) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (value >>> shift));
      }
      return this;
    }

    Encoder add(boolean value) {
      out.write(value ? 1 : 0);
      return this;
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }
}
