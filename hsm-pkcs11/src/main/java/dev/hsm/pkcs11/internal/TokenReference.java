package dev.hsm.pkcs11.internal;

import dev.hsm.KeyIntegrityException;
import dev.hsm.spi.VersionBinding;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What the store keeps for a token-held version ({@code CustodyRecord.material}): the token
 * object's alias and, for secret keys, a check value made with the key when it was generated.
 *
 * <p>The alias is the object's CKA_LABEL (secret keys, and the certificate beside a private key)
 * and CKA_ID (private keys and their certificates), as the JDK's PKCS#11 key store names entries:
 * {@code dev.hsm/<key name>/v<version>/<binding>-<random>}, where {@code binding} is the first 8
 * bytes of SHA-256 over {@link VersionBinding#associatedData()} (store id, key name, version,
 * algorithm, operations, extractable...) in hex, and {@code random} 8 random bytes in hex, so that
 * two objects never share an alias (not even for two copies of one store). A record opens only for
 * the version whose binding its alias carries, so a record pointed at another key's object, or at
 * this key's object under edited attributes, fails with {@link KeyIntegrityException}.
 *
 * <p>Layout: {@code "P11"}, format 1, the alias's length (2 bytes) and UTF-8 bytes, the check
 * value's length (1 byte) and bytes.
 */
record TokenReference(String alias, byte[] checkValue) {
  private static final byte[] MAGIC = {'P', '1', '1', 1};
  private static final String PREFIX = "dev.hsm/";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A fresh alias for {@code version}. */
  static String newAlias(VersionBinding version) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return prefix(version) + HexFormat.of().formatHex(random);
  }

  /** Everything of an alias but its random end, which the binding fixes. */
  static String prefix(VersionBinding version) {
    return PREFIX
        + version.keyName()
        + "/v"
        + version.version()
        + "/"
        + HexFormat.of().formatHex(sha256(version.associatedData()), 0, 8)
        + "-";
  }

  /** Whether {@code alias} was made for {@code version}: its binding prefix and a random end. */
  static boolean belongsTo(String alias, VersionBinding version) {
    String prefix = prefix(version);
    if (!alias.startsWith(prefix) || alias.length() != prefix.length() + 16) {
      return false;
    }
    for (int i = prefix.length(); i < alias.length(); i++) {
      if (Character.digit(alias.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  byte[] encode() {
    byte[] name = alias.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(MAGIC.length + 3 + name.length + 64);
    out.writeBytes(MAGIC);
    out.write(name.length >>> 8);
    out.write(name.length);
    out.writeBytes(name);
    out.write(checkValue.length);
    out.writeBytes(checkValue);
    return out.toByteArray();
  }

  /**
   * Reads a stored reference.
   *
   * @throws KeyIntegrityException if the bytes are not one this custody wrote
   */
  static TokenReference decode(VersionBinding version, byte[] material) {
    try {
      ByteBuffer in = ByteBuffer.wrap(material);
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!MessageDigest.isEqual(magic, MAGIC)) {
        throw new IllegalArgumentException("not a token reference");
      }
      byte[] name = new byte[in.getShort() & 0xffff];
      in.get(name);
      byte[] check = new byte[in.get() & 0xff];
      in.get(check);
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes");
      }
      return new TokenReference(new String(name, StandardCharsets.UTF_8), check);
    } catch (RuntimeException e) {
      throw new KeyIntegrityException(
          version.describe()
              + ": its stored token reference is malformed (edited, or not written by the PKCS#11"
              + " custody)");
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
