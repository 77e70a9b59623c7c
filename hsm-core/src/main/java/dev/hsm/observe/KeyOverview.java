package dev.hsm.observe;

import dev.hsm.KeyInfo;
import dev.hsm.KeyState;
import dev.hsm.KeyVersionInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keys by state and what is due, from {@link dev.hsm.HsmClient#listKeys()}: for gauges, warnings
 * before a rotation or destruction, and management endpoints. Immutable; holds names, states and
 * dates, never material.
 *
 * @param keys how many keys
 * @param disabledKeys how many of them are disabled as a whole
 * @param versionsByState how many key versions are in each state (every state present, 0 if none)
 * @param due every due rotation (enabled keys with a rotation period) and scheduled destruction,
 *     soonest first
 */
public record KeyOverview(
    int keys, int disabledKeys, Map<KeyState, Integer> versionsByState, List<Due> due) {

  /** What will happen to a key. */
  public enum Change {
    /** Automatic rotation, once the primary version is older than the key's rotation period. */
    ROTATION,
    /** Destruction of a version scheduled for it, once its waiting period is over. */
    DESTRUCTION
  }

  /**
   * One due change.
   *
   * @param keyName the key
   * @param version the version concerned: the primary for a rotation, the scheduled one for a
   *     destruction
   * @param change what happens
   * @param at when it is due (it may be past, until the client applies it)
   */
  public record Due(String keyName, int version, Change change, Instant at) {}

  /** Copies the collections so the record stays immutable. */
  public KeyOverview {
    versionsByState = Collections.unmodifiableMap(new EnumMap<>(versionsByState));
    due = List.copyOf(due);
  }

  /** The overview of {@code keys}, as {@link dev.hsm.HsmClient#listKeys()} returns them. */
  public static KeyOverview of(List<KeyInfo> keys) {
    Map<KeyState, Integer> versions = new EnumMap<>(KeyState.class);
    for (KeyState state : KeyState.values()) {
      versions.put(state, 0);
    }
    List<Due> due = new ArrayList<>();
    int disabled = 0;
    for (KeyInfo key : keys) {
      if (!key.enabled()) {
        disabled++;
      }
      for (KeyVersionInfo version : key.versions()) {
        versions.merge(version.state(), 1, Integer::sum);
        if (version.state() == KeyState.SCHEDULED_FOR_DESTRUCTION
            && version.destructionAt() != null) {
          due.add(
              new Due(key.name(), version.version(), Change.DESTRUCTION, version.destructionAt()));
        }
        if (key.enabled()
            && version.version() == key.primaryVersion()
            && !key.rotationPeriod().isZero()) {
          try {
            due.add(
                new Due(
                    key.name(),
                    version.version(),
                    Change.ROTATION,
                    version.createdAt().plus(key.rotationPeriod())));
          } catch (ArithmeticException | java.time.DateTimeException beyondTime) {
            // never due
          }
        }
      }
    }
    due.sort(Comparator.comparing(Due::at).thenComparing(Due::keyName));
    return new KeyOverview(keys.size(), disabled, versions, due);
  }

  /** The soonest due rotation, if any key rotates automatically. */
  public Optional<Due> nextRotation() {
    return next(Change.ROTATION);
  }

  /** The soonest scheduled destruction, if any. */
  public Optional<Due> nextDestruction() {
    return next(Change.DESTRUCTION);
  }

  private Optional<Due> next(Change change) {
    return due.stream().filter(d -> d.change() == change).findFirst();
  }

  /** Seconds from {@code now} until {@code due} (negative if past). */
  public static long secondsUntil(Due due, Instant now) {
    return due.at().getEpochSecond() - now.getEpochSecond();
  }
}
