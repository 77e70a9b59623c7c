package dev.hsm;

import java.time.Instant;
import java.util.Optional;

/**
 * One version of a key, without its material. Immutable.
 *
 * @param version the version number, from 1
 * @param state the version's state
 * @param createdAt when the version was created or imported
 * @param destructionAt when a version scheduled for destruction will be (or a destroyed one was)
 *     destroyed; {@code null} otherwise
 */
public record KeyVersionInfo(
    int version, KeyState state, Instant createdAt, Instant destructionAt) {

  /** When the version will be or was destroyed, if it is scheduled or destroyed. */
  public Optional<Instant> destruction() {
    return Optional.ofNullable(destructionAt);
  }
}
