package dev.hsm.spring;

import java.util.ArrayList;
import java.util.List;

/** Reads a context's start-up failure: Spring wraps the cause in bean-creation exceptions. */
public final class Failures {
  private Failures() {}

  /** The first exception of {@code type} in {@code failure}'s cause chain. */
  public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    throw new AssertionError("no " + type.getName() + " in the cause chain of " + failure, failure);
  }

  /** Every message in {@code failure}'s cause chain, outermost first, one per line. */
  public static String messages(Throwable failure) {
    if (failure == null) {
      throw new AssertionError("expected a start-up failure, but the context started");
    }
    List<String> messages = new ArrayList<>();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      messages.add(cause.getClass().getName() + ": " + cause.getMessage());
    }
    return String.join("\n", messages);
  }
}
