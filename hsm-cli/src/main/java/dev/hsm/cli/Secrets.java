package dev.hsm.cli;

import java.io.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Passphrases from where a process list cannot see them: an environment variable, a file, or a
 * prompt without echo on a terminal. Returned as {@code char[]} so callers can wipe them.
 */
final class Secrets {
  private Secrets() {}

  /** The value of environment variable {@code name}, or {@code null} if unset or empty. */
  static char[] fromEnv(Context context, String name) {
    String value = context.env(name);
    return value == null ? null : value.toCharArray();
  }

  /** The first line of {@code file} (a trailing newline is not part of the passphrase). */
  static char[] fromFile(Path file, String what) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.NOT_FOUND, "no " + what + " file at " + file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
      int end = 0;
      while (end < decoded.limit() && decoded.get(end) != '\n' && decoded.get(end) != '\r') {
        end++;
      }
      char[] line = new char[end];
      decoded.get(line, 0, end);
      Arrays.fill(decoded.array(), '\0');
      if (line.length == 0) {
        throw new CliException(ExitCodes.USAGE, "the " + what + " file " + file + " is empty");
      }
      return line;
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Whether a person can be asked: stdin and stdout are a terminal. */
  static boolean canPrompt(Context context) {
    return context.console() != null;
  }

  /** Asks on the terminal without echo; {@code confirm} asks twice and compares. */
  static char[] prompt(Context context, String question, boolean confirm) {
    Console console = context.console();
    if (console == null) {
      throw new CliException(ExitCodes.USAGE, "cannot ask for the " + question + ": no terminal");
    }
    char[] first = console.readPassword("%s: ", question);
    if (first == null || first.length == 0) {
      throw new CliException(ExitCodes.USAGE, "no " + question + " given");
    }
    if (confirm) {
      char[] again = console.readPassword("%s (again): ", question);
      boolean same = Arrays.equals(first, again);
      if (again != null) {
        Arrays.fill(again, '\0');
      }
      if (!same) {
        Arrays.fill(first, '\0');
        throw new CliException(ExitCodes.USAGE, "the two " + question + "s differ");
      }
    }
    return first;
  }
}
