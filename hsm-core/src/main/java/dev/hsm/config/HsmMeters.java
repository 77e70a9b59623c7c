package dev.hsm.config;

import dev.hsm.HsmClient;
import dev.hsm.KeyState;
import dev.hsm.observe.HsmObserver;
import dev.hsm.observe.KeyOperation;
import dev.hsm.observe.KeyOverview;
import dev.hsm.observe.OperationListener;
import dev.hsm.observe.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The starters' Micrometer metrics, as an {@link HsmObserver}: the same meters, names and tags in
 * Spring Boot and Micronaut. Loaded only when Micrometer is on the classpath.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code hsm.operations}</td><td>counter</td><td>key, operation, outcome</td></tr>
 *   <tr><td>{@code hsm.operation.duration}</td><td>function timer (count, total time) of a sample</td><td>key, operation, outcome</td></tr>
 *   <tr><td>{@code hsm.refusals}</td><td>counter</td><td>key, operation, reason</td></tr>
 *   <tr><td>{@code hsm.key.cache}</td><td>counter</td><td>result ({@code hit}, {@code miss})</td></tr>
 *   <tr><td>{@code hsm.keys}</td><td>gauge</td><td>state ({@code enabled}, {@code disabled})</td></tr>
 *   <tr><td>{@code hsm.key.versions}</td><td>gauge</td><td>state (a {@link KeyState}, kebab-case)</td></tr>
 *   <tr><td>{@code hsm.rotation.next}</td><td>gauge, seconds</td><td>none</td></tr>
 *   <tr><td>{@code hsm.destruction.next}</td><td>gauge, seconds</td><td>none</td></tr>
 * </table>
 *
 * <p>{@code key} is the key's name, left out when {@code keyTags} is false (stores with many keys).
 * {@code operation} is a {@link KeyOperation#tag()}, {@code outcome} {@code ok}, {@code refused} or
 * {@code failed}, {@code reason} an {@link Outcome#reason()}. The two {@code .next} gauges are the
 * seconds until the soonest due rotation or scheduled destruction (negative once due, NaN if none);
 * they and the key gauges read {@link HsmClient#listKeys()} at most once per {@code refresh}.
 *
 * <p>{@code hsm.operation.duration} times a sample of the calls: every call of a key's first
 * {@value #TIME_EVERY_CALL_UNTIL} of each operation, then one call in {@value #SAMPLE_ONE_IN} on
 * average, drawn at random. Its count is the number of calls timed and its total their time, so its
 * mean (total / count, for example {@code rate(..._sum) / rate(..._count)} in Prometheus) is the
 * mean duration of the operation; {@code hsm.operations} counts every call. Timing reads the clock
 * twice, which costs tens of nanoseconds on some machines (about 60 on the 2-core virtual machines
 * of our benchmarks): more than the rest of the meters together, and about 8% of an AES-GCM
 * encryption of 1 KiB.
 *
 * <p>Cost per operation: an operation adds to two {@link LongAdder}s (its count and the cache hit),
 * and to two more when it is timed (the sample's count and time), which the registry reads when it
 * is scraped: {@code hsm.operations} and {@code hsm.key.cache} are function counters and {@code
 * hsm.operation.duration} a function timer (so the mean; no maximum or percentiles). A Micrometer
 * {@code Timer} updated per call also keeps a windowed maximum (a clock read and a compare-and-set
 * loop), which shows on an operation as short as an AES-GCM encryption of 1 KiB (about a
 * microsecond). With an {@link ObservationRegistry}, each operation is also an {@code
 * hsm.operation} observation (started and stopped around it, with the key, operation and outcome as
 * low-cardinality values): that allocates per call, so it is made only when a registry is given.
 */
public final class HsmMeters implements HsmObserver {
  /** Every call of a key's operation is timed until it has made this many calls. */
  static final int TIME_EVERY_CALL_UNTIL = 256;

  /** Then about one call in this many is timed, drawn at random. */
  static final int SAMPLE_ONE_IN = 16;

  private final MeterRegistry registry;
  private final boolean keyTags;
  private final ObservationRegistry observations;
  private final LongAdder cacheHits = new LongAdder();
  private final LongAdder cacheMisses = new LongAdder();

  /** Per tag set (several keys share one when key tags are off), so each is registered once. */
  private final ConcurrentMap<Tags, Stats> stats = new ConcurrentHashMap<>();

  private final Overview overview;

  /**
   * Meters in {@code registry}; the gauges read {@code client} when they are scraped (so the client
   * may be opened after this observer is made).
   *
   * @param observations where to report each operation as an observation, or {@code null} for none
   */
  public HsmMeters(
      MeterRegistry registry,
      boolean keyTags,
      ObservationRegistry observations,
      Supplier<HsmClient> client,
      Duration refresh,
      Clock clock) {
    this.registry = registry;
    this.keyTags = keyTags;
    this.observations = observations == null || observations.isNoop() ? null : observations;
    FunctionCounter.builder("hsm.key.cache", cacheHits, LongAdder::sum)
        .description("Key lookups of operations, by whether the key was cached unwrapped")
        .tag("result", "hit")
        .register(registry);
    FunctionCounter.builder("hsm.key.cache", cacheMisses, LongAdder::sum)
        .description("Key lookups of operations, by whether the key was cached unwrapped")
        .tag("result", "miss")
        .register(registry);
    this.overview = new Overview(client, refresh, clock);
    gauge(
        "hsm.keys",
        "Keys, by whether enabled as a whole",
        "enabled",
        o -> o.keys() - o.disabledKeys());
    gauge("hsm.keys", "Keys, by whether enabled as a whole", "disabled", o -> o.disabledKeys());
    for (KeyState state : KeyState.values()) {
      gauge(
          "hsm.key.versions",
          "Key versions, by state",
          state.name().toLowerCase(Locale.ROOT).replace('_', '-'),
          o -> o.versionsByState().get(state));
    }
    Gauge.builder(
            "hsm.rotation.next",
            overview,
            o -> o.secondsUntil(o.get() == null ? null : o.get().nextRotation().orElse(null)))
        .description("Seconds until the soonest due automatic rotation (NaN: none)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder(
            "hsm.destruction.next",
            overview,
            o -> o.secondsUntil(o.get() == null ? null : o.get().nextDestruction().orElse(null)))
        .description("Seconds until the soonest scheduled key version destruction (NaN: none)")
        .baseUnit("seconds")
        .register(registry);
  }

  private void gauge(
      String name, String description, String state, Function<KeyOverview, Integer> count) {
    Gauge.builder(
            name,
            overview,
            o -> {
              KeyOverview now = o.get();
              return now == null ? Double.NaN : count.apply(now);
            })
        .description(description)
        .tag("state", state)
        .register(registry);
  }

  @Override
  public OperationListener operation(String keyName, KeyOperation operation) {
    Tags tags = Tags.of("operation", operation.tag());
    if (keyTags) {
      tags = tags.and("key", keyName);
    }
    Meters meters = new Meters(tags);
    return observations == null
        ? meters
        : new Observed(meters, observations, keyTags ? keyName : null, operation);
  }

  @Override
  public void keyCacheHit() {
    cacheHits.increment();
  }

  @Override
  public void keyCacheMiss() {
    cacheMisses.increment();
  }

  /** The count of the operations of one tag set, and of those timed and their time. */
  private static final class Stats {
    final LongAdder count = new LongAdder();
    final LongAdder timed = new LongAdder();
    final LongAdder nanos = new LongAdder();
  }

  /** The stats of {@code tags}, registered as meters on first use. */
  private Stats stats(Tags tags) {
    return stats.computeIfAbsent(
        tags,
        with -> {
          Stats made = new Stats();
          FunctionCounter.builder("hsm.operations", made, s -> s.count.sum())
              .description("Key operations, by key, operation and outcome")
              .tags(with)
              .register(registry);
          FunctionTimer.builder(
                  "hsm.operation.duration",
                  made,
                  s -> s.timed.sum(),
                  s -> s.nanos.sum(),
                  TimeUnit.NANOSECONDS)
              .description(
                  "How long key operations take, from a sample of the calls (hsm.operations"
                      + " counts them all)")
              .tags(with)
              .register(registry);
          return made;
        });
  }

  /** One key and operation's meters, per outcome, looked up on first use. */
  private final class Meters implements OperationListener {
    private final Tags tags;
    private final AtomicReferenceArray<Stats> stats =
        new AtomicReferenceArray<>(Outcome.values().length);
    private final AtomicReferenceArray<Counter> refusals =
        new AtomicReferenceArray<>(Outcome.values().length);

    /**
     * Whether every call is still timed: until this listener heard {@link #TIME_EVERY_CALL_UNTIL}
     * calls, so that a key used rarely still has durations. Read per call, written once.
     */
    private volatile boolean everyCall = true;

    private final LongAdder calls = new LongAdder();

    Meters(Tags tags) {
      this.tags = tags;
      meters(Outcome.OK); // the common case, ready before the first call
    }

    @Override
    public boolean timeThisCall() {
      return everyCall || ThreadLocalRandom.current().nextInt(SAMPLE_ONE_IN) == 0;
    }

    @Override
    public void completed(Object started, Outcome outcome, long nanos) {
      int i = outcome.ordinal();
      Stats of = stats.get(i);
      if (of == null) {
        of = meters(outcome);
      }
      of.count.increment();
      if (nanos != UNTIMED) {
        of.timed.increment();
        of.nanos.add(nanos);
      }
      if (everyCall) {
        calls.increment();
        if (calls.sum() >= TIME_EVERY_CALL_UNTIL) {
          everyCall = false;
        }
      }
      if (outcome.isRefusal()) {
        refusals.get(i).increment();
      }
    }

    /** Looks the outcome's meters up (the same ones every time for the same tags). */
    private Stats meters(Outcome outcome) {
      int i = outcome.ordinal();
      if (outcome.isRefusal()) {
        refusals.set(
            i,
            Counter.builder("hsm.refusals")
                .description("Key operations refused by the key's policy or state, by reason")
                .tags(tags.and("reason", outcome.reason()))
                .register(registry));
      }
      Stats of = HsmMeters.this.stats(tags.and("outcome", outcome.tag()));
      stats.set(i, of); // last: a thread that sees it sees the refusal counter too
      return of;
    }
  }

  /** The meters, plus an {@code hsm.operation} observation around each operation. */
  private record Observed(
      Meters meters, ObservationRegistry registry, String keyName, KeyOperation operation)
      implements OperationListener {
    @Override
    public Object started() {
      Observation observation =
          Observation.createNotStarted("hsm.operation", registry)
              .contextualName("hsm " + operation.tag())
              .lowCardinalityKeyValue("operation", operation.tag());
      if (keyName != null) {
        observation.lowCardinalityKeyValue("key", keyName);
      }
      return observation.start();
    }

    @Override
    public boolean timeThisCall() {
      return meters.timeThisCall();
    }

    @Override
    public void completed(Object started, Outcome outcome, long nanos) {
      meters.completed(null, outcome, nanos);
      Observation observation = (Observation) started;
      if (observation != null) {
        observation.lowCardinalityKeyValue("outcome", outcome.tag());
        if (outcome != Outcome.OK) {
          observation.lowCardinalityKeyValue("reason", outcome.reason());
        }
        observation.stop();
      }
    }
  }

  /** The key overview, read from the client at most once per refresh period. */
  private static final class Overview {
    private final Supplier<HsmClient> client;
    private final long refreshMillis;
    private final Clock clock;
    private volatile KeyOverview last;
    private volatile long readAtMillis = Long.MIN_VALUE;

    Overview(Supplier<HsmClient> client, Duration refresh, Clock clock) {
      this.client = client;
      this.refreshMillis = refresh.toMillis();
      this.clock = clock;
    }

    /** The overview, or {@code null} if the client cannot list its keys (closed, store down). */
    synchronized KeyOverview get() {
      long now = clock.millis();
      if (readAtMillis == Long.MIN_VALUE || now - readAtMillis >= refreshMillis) {
        readAtMillis = now;
        try {
          last = KeyOverview.of(client.get().listKeys());
        } catch (RuntimeException unavailable) {
          last = null;
        }
      }
      return last;
    }

    double secondsUntil(KeyOverview.Due due) {
      return due == null
          ? Double.NaN
          : KeyOverview.secondsUntil(due, Instant.ofEpochMilli(clock.millis()));
    }
  }
}
