package dev.hsm.observe;

import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyVersionDestroyedException;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.VerificationFailedException;
import dev.hsm.VersionBelowMinimumException;
import java.util.Locale;

/**
 * How a key operation ended: {@link #OK}, refused by the key's policy or state (four reasons), or
 * failed (input that does not verify or decrypt, or any other error).
 */
public enum Outcome {
  /** The operation succeeded. */
  OK,
  /** Refused: the key's policy does not allow it ({@link OperationNotPermittedException}). */
  REFUSED_NOT_PERMITTED,
  /** Refused: the key or the version is disabled or scheduled ({@link KeyDisabledException}). */
  REFUSED_DISABLED,
  /** Refused: the version was destroyed ({@link KeyVersionDestroyedException}). */
  REFUSED_DESTROYED,
  /** Refused: the version is below the key's minimum ({@link VersionBelowMinimumException}). */
  REFUSED_BELOW_MINIMUM_VERSION,
  /**
   * Failed: a signature, MAC tag or JWS did not verify, or a ciphertext did not decrypt ({@link
   * VerificationFailedException}, {@link InvalidCiphertextException}).
   */
  FAILED_INVALID_INPUT,
  /** Failed for any other reason (a bad argument, the wrong kind of key, the store). */
  FAILED_ERROR;

  private final boolean refusal = name().startsWith("REFUSED_");
  private final String tag = name().equals("OK") ? "ok" : refusal ? "refused" : "failed";
  private final String reason =
      name().indexOf('_') < 0
          ? "none"
          : name().substring(name().indexOf('_') + 1).toLowerCase(Locale.ROOT).replace('_', '-');

  /** {@code ok}, {@code refused} or {@code failed}: the metric tag. */
  public String tag() {
    return tag;
  }

  /** Whether the key's policy or state refused the operation. */
  public boolean isRefusal() {
    return refusal;
  }

  /**
   * Why it was refused or failed, e.g. {@code disabled}, {@code below-minimum-version}, {@code
   * invalid-input}, {@code error}; {@code none} for {@link #OK}.
   */
  public String reason() {
    return reason;
  }

  /** The outcome an exception thrown by a key operation means. */
  public static Outcome of(RuntimeException error) {
    if (error instanceof OperationNotPermittedException) {
      return REFUSED_NOT_PERMITTED;
    }
    if (error instanceof KeyVersionDestroyedException) {
      return REFUSED_DESTROYED;
    }
    if (error instanceof KeyDisabledException) {
      return REFUSED_DISABLED;
    }
    if (error instanceof VersionBelowMinimumException) {
      return REFUSED_BELOW_MINIMUM_VERSION;
    }
    if (error instanceof VerificationFailedException
        || error instanceof InvalidCiphertextException) {
      return FAILED_INVALID_INPUT;
    }
    return FAILED_ERROR;
  }
}
