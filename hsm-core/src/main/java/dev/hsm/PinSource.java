package dev.hsm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where the user PIN of a PKCS#11 token comes from ({@link HsmConfig#pkcs11}): an environment
 * variable or a file, read each time the token is logged in to and wiped after, or a PIN given
 * directly (for tests). {@code toString()} names the source, never the PIN.
 */
public final class PinSource {
  private final char[] pin;
  private final String environmentVariable;
  private final Path file;

  private PinSource(char[] pin, String environmentVariable, Path file) {
    this.pin = pin;
    this.environmentVariable = environmentVariable;
    this.file = file;
  }

  /** A PIN given directly (copied). Prefer {@link #fromEnv} or {@link #fromFile} outside tests. */
  public static PinSource of(char[] pin) {
    InvalidArgumentException.requireNonNull(pin, "pin");
    if (pin.length == 0) {
      throw new InvalidArgumentException("the PIN must not be empty");
    }
    return new PinSource(pin.clone(), null, null);
  }

  /** A PIN given directly. Prefer {@link #fromEnv} or {@link #fromFile} outside tests. */
  public static PinSource of(String pin) {
    return of(InvalidArgumentException.requireNonNull(pin, "pin").toCharArray());
  }

  /**
   * The PIN in environment variable {@code name}, read at each login (a missing or empty variable
   * then fails with {@link UnlockFailedException}).
   */
  public static PinSource fromEnv(String name) {
    InvalidArgumentException.requireNonNull(name, "name");
    if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new InvalidArgumentException(
          "the name of an environment variable must be non-empty, without '=' or NUL, not '"
              + name
              + "'");
    }
    return new PinSource(null, name, null);
  }

  /**
   * The PIN in {@code file} (UTF-8, one trailing line break ignored), read at each login (a
   * missing, unreadable or empty file then fails with {@link UnlockFailedException}). Keep the file
   * readable only by the application.
   */
  public static PinSource fromFile(Path file) {
    return new PinSource(null, null, InvalidArgumentException.requireNonNull(file, "file"));
  }

  /**
   * The PIN, read now; the caller wipes the returned array.
   *
   * @throws UnlockFailedException if the variable or file is missing, unreadable or empty
   */
  public char[] read() {
    if (pin != null) {
      return pin.clone();
    }
    if (environmentVariable != null) {
      String value = System.getenv(environmentVariable);
      if (value == null || value.isEmpty()) {
        throw new UnlockFailedException(
            "the PKCS#11 PIN's environment variable " + environmentVariable + " is not set");
      }
      return value.toCharArray();
    }
    byte[] bytes = null;
    char[] chars = null;
    try {
      bytes = Files.readAllBytes(file);
      int length = bytes.length;
      if (length > 0 && bytes[length - 1] == '\n') {
        length--;
        if (length > 0 && bytes[length - 1] == '\r') {
          length--;
        }
      }
      CharBuffer decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, length));
      chars = Arrays.copyOf(decoded.array(), decoded.limit());
      Arrays.fill(decoded.array(), '\0');
      if (chars.length == 0) {
        throw new UnlockFailedException("the PKCS#11 PIN file " + file + " is empty");
      }
      return chars;
    } catch (CharacterCodingException e) {
      throw new UnlockFailedException("the PKCS#11 PIN file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new UnlockFailedException(
          "the PKCS#11 PIN file " + file + " cannot be read: " + e.getClass().getSimpleName());
    } finally {
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }

  /** Where the PIN comes from, for messages: never the PIN. */
  public String describe() {
    if (environmentVariable != null) {
      return "PIN from environment variable " + environmentVariable;
    }
    return file != null ? "PIN from file " + file : "PIN given directly";
  }

  @Override
  public String toString() {
    return "PinSource[" + describe() + ", <masked>]";
  }
}
