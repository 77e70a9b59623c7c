package dev.hsm.cli;

/**
 * A failure the tool itself detects (no store given, an output file that exists, a malformed
 * signature file...), with the exit code and the one line the user sees.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
