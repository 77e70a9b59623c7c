package dev.hsm.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/** Durations as {@code 90d}, {@code 12h}, {@code 30m} or ISO-8601 ({@code P90D}, {@code PT12H}). */
final class Durations implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (text.matches("\\d+[dhm]")) {
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        switch (text.charAt(text.length() - 1)) {
          case 'd':
            return Duration.ofDays(amount);
          case 'h':
            return Duration.ofHours(amount);
          default:
            return Duration.ofMinutes(amount);
        }
      }
      if (text.equals("0") || text.equals("none")) {
        return Duration.ZERO;
      }
      return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a duration: use 90d, 12h, 30m or ISO-8601 such as P90D");
    }
  }
}
