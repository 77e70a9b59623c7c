package dev.hsm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so rotation periods and destruction waiting
 * periods can pass without sleeping. Thread-safe: the client's background thread reads it too.
 */
final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;

  MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** A clock at a fixed, whole-millisecond instant. */
  static MutableClock atFixedStart() {
    return new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  }

  /** Moves the clock forward. */
  MutableClock advance(Duration duration) {
    now.updateAndGet(instant -> instant.plus(duration));
    return this;
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("MutableClock is UTC only");
  }
}
