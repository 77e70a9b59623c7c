package dev.hsm.postgresql;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so that rotation periods and destruction waiting
 * periods pass without sleeping. Thread-safe: several clients and their background threads read it.
 */
final class TestClock extends Clock {
  private final AtomicReference<Instant> now;

  TestClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** A clock at the current whole millisecond. */
  static TestClock now() {
    return new TestClock(Instant.ofEpochMilli(System.currentTimeMillis()));
  }

  /** Moves the clock forward. */
  TestClock advance(Duration duration) {
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
    throw new UnsupportedOperationException("TestClock is UTC only");
  }
}
