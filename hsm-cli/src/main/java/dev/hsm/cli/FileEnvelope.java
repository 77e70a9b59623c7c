package dev.hsm.cli;

import dev.hsm.DataKey;
import dev.hsm.KeyHandle;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of a file, streamed (docs/FORMATS.md, "Encrypted files"): a fresh data key
 * per file from the HSM key ({@link KeyHandle#generateDataKey}), stored encrypted in the header;
 * the file in chunks of AES-256-GCM under that data key, each chunk's nonce its index and whether
 * it is the last, each chunk's associated data the whole header. A chunk moved, dropped, repeated,
 * cut off or appended, or a header changed, fails to decrypt.
 */
final class FileEnvelope {
  static final byte[] MAGIC = "HSMF".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT = 1;
  static final int CHUNK = 64 * 1024;
  static final int TAG = 16;
  private static final int MAX_HEADER_FIELD = 1 << 16;

  private FileEnvelope() {}

  /** The data key's context: the format's own label, then the caller's, if any. */
  static byte[] context(String userContext) {
    String context = "hsm-cli/file/v1" + (userContext == null ? "" : ":" + userContext);
    return context.getBytes(StandardCharsets.UTF_8);
  }

  /** Encrypts {@code in} to {@code out}; returns the plaintext length. */
  static long encrypt(
      KeyHandle key, byte[] context, InputStream in, OutputStream out, Progress progress)
      throws IOException {
    DataKey dataKey = key.generateDataKey(context);
    byte[] secret = dataKey.plaintextKey();
    try {
      byte[] header = header(key.name(), dataKey.encryptedKey(), CHUNK);
      out.write(header);
      SecretKeySpec aes = new SecretKeySpec(secret, "AES");
      byte[] current = new byte[CHUNK];
      byte[] next = new byte[CHUNK];
      int currentLength = in.readNBytes(current, 0, CHUNK);
      long index = 0;
      long total = 0;
      while (true) {
        int nextLength = currentLength == CHUNK ? in.readNBytes(next, 0, CHUNK) : 0;
        boolean last = nextLength == 0;
        out.write(seal(aes, index, last, header, current, currentLength));
        total += currentLength;
        progress.advance(currentLength);
        if (last) {
          return total;
        }
        byte[] swap = current;
        current = next;
        next = swap;
        currentLength = nextLength;
        index++;
      }
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** Decrypts {@code in} to {@code out}; the caller discards {@code out} if this throws. */
  static long decrypt(
      KeyHandle key, byte[] context, InputStream in, OutputStream out, Progress progress)
      throws IOException {
    DataInputStream data = new DataInputStream(in);
    ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
    byte[] encryptedKey;
    int chunk;
    try {
      byte[] magic = data.readNBytes(MAGIC.length);
      int format = data.readUnsignedByte();
      if (!Arrays.equals(magic, MAGIC) || format != FORMAT) {
        throw notOurs();
      }
      chunk = data.readInt();
      int nameLength = data.readUnsignedByte();
      byte[] name = data.readNBytes(nameLength);
      int keyLength = data.readInt();
      if (chunk < 1024
          || chunk > (16 << 20)
          || keyLength < 1
          || keyLength > MAX_HEADER_FIELD
          || name.length != nameLength) {
        throw notOurs();
      }
      encryptedKey = data.readNBytes(keyLength);
      if (encryptedKey.length != keyLength) {
        throw notOurs();
      }
      headerBytes.write(header(new String(name, StandardCharsets.US_ASCII), encryptedKey, chunk));
    } catch (EOFException e) {
      throw notOurs();
    }
    byte[] header = headerBytes.toByteArray();
    byte[] secret = key.decrypt(encryptedKey, context); // the HSM checks key, version, context
    try {
      SecretKeySpec aes = new SecretKeySpec(secret, "AES");
      byte[] current = new byte[chunk + TAG];
      byte[] next = new byte[chunk + TAG];
      int currentLength = data.readNBytes(current, 0, current.length);
      long index = 0;
      long total = 0;
      while (true) {
        int nextLength =
            currentLength == current.length ? data.readNBytes(next, 0, next.length) : 0;
        boolean last = nextLength == 0;
        byte[] plain = open(aes, index, last, header, current, currentLength);
        out.write(plain);
        total += plain.length;
        progress.advance(currentLength);
        if (last) {
          return total;
        }
        byte[] swap = current;
        current = next;
        next = swap;
        currentLength = nextLength;
        index++;
      }
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** magic ‖ format ‖ chunk size (4) ‖ name length (1) ‖ name ‖ key length (4) ‖ encrypted key. */
  static byte[] header(String keyName, byte[] encryptedKey, int chunk) {
    byte[] name = keyName.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(MAGIC.length + 1 + 4 + 1 + name.length + 4 + encryptedKey.length)
        .put(MAGIC)
        .put((byte) FORMAT)
        .putInt(chunk)
        .put((byte) name.length)
        .put(name)
        .putInt(encryptedKey.length)
        .put(encryptedKey)
        .array();
  }

  /** The key name a file's header names, for decryption without --key. */
  static String keyName(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    try {
      byte[] magic = data.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC) || data.readUnsignedByte() != FORMAT) {
        throw notOurs();
      }
      data.readInt();
      int nameLength = data.readUnsignedByte();
      return new String(data.readNBytes(nameLength), StandardCharsets.US_ASCII);
    } catch (EOFException e) {
      throw notOurs();
    }
  }

  /** Nonce: three zero bytes ‖ chunk index (8 bytes, big-endian) ‖ 0x01 if last, else 0x00. */
  static byte[] nonce(long index, boolean last) {
    byte[] nonce = new byte[12];
    ByteBuffer.wrap(nonce, 3, 8).putLong(index);
    nonce[11] = (byte) (last ? 1 : 0);
    return nonce;
  }

  private static byte[] seal(
      SecretKeySpec key, long index, boolean last, byte[] header, byte[] plain, int length) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(index, last)));
      cipher.updateAAD(header);
      return cipher.doFinal(plain, 0, length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
  }

  private static byte[] open(
      SecretKeySpec key, long index, boolean last, byte[] header, byte[] sealed, int length) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce(index, last)));
      cipher.updateAAD(header);
      return cipher.doFinal(sealed, 0, length);
    } catch (GeneralSecurityException e) {
      // One message for every cause: altered, reordered, truncated, extended.
      throw new CliException(
          ExitCodes.INVALID,
          "the encrypted file does not decrypt at chunk "
              + index
              + ": it was altered, truncated, extended or reordered (nothing was written)");
    }
  }

  private static CliException notOurs() {
    return new CliException(
        ExitCodes.INVALID,
        "not an encrypted file of this tool (format HSMF 1), or its header is damaged");
  }
}
