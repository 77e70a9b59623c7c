package dev.hsm.bench.paths;

import dev.hsm.KeyHandle;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The annotation path against the direct call, with and without metrics, all four in one fork.
 * Compiled into each framework's benchmark jar (benchmarks/micronaut, benchmarks/spring), whose
 * subclasses start the contexts and make the calls.
 *
 * <p>Two application contexts run side by side: a plain one and a metered one (a Micrometer
 * registry, so every operation is counted and timed). Each invocation of {@link #paths} times a
 * block of {@link #BLOCK} calls of each path, in a rotating order: the annotated method and the
 * direct {@code KeyHandle} call of the plain context, then the same two of the metered context.
 * The nanoseconds per path are {@link Times} counters, which the report turns into calls per
 * second and ratios.
 *
 * <p>Why one fork for all four: a fork's JIT outcome on the framework's call chain sets its level
 * for good, and forks of one benchmark settle up to 30-40% apart. With each path in forks of its
 * own, that fork luck decided rows as often as the code did. Here every ratio compares paths that
 * ran in the same JVM, interleaved, on the same compiled engine code.
 *
 * @param <S> the framework's bean with the annotated methods
 */
@State(Scope.Benchmark)
public abstract class AnnotationPaths<S> {
  /** Calls per path per invocation: the clock reads cost well under 1% of a block. */
  static final int BLOCK = 64;

  private BenchApp<S> plain;
  private BenchApp<S> metered;
  private S plainService;
  private S meteredService;
  private KeyHandle plainKey;
  private KeyHandle meteredKey;

  /** Starts a context over a fresh store: plain, or with a Micrometer registry. */
  protected abstract BenchApp<S> start(boolean metered);

  /** The declared key (a name the framework's context declares) that both paths use. */
  protected abstract String keyName();

  /** One call of the annotated method. */
  protected abstract Object annotated(S service);

  /** The direct call doing the same work with the same key. */
  protected abstract Object direct(KeyHandle key);

  /** Fails unless both paths did the same work: called once per context before measuring. */
  protected abstract void requireSameWork(S service, KeyHandle key);

  @Setup
  public void setup() {
    plain = start(false);
    metered = start(true);
    plainService = plain.service();
    meteredService = metered.service();
    plainKey = plain.key(keyName());
    meteredKey = metered.key(keyName());
    requireSameWork(plainService, plainKey);
    requireSameWork(meteredService, meteredKey);
    metered.requireMeters();
  }

  @TearDown
  public void tearDown() {
    plain.close();
    metered.close();
  }

  /**
   * Nanoseconds spent in each path, and the calls each path made, by this thread in this iteration
   * (JMH sums them over the threads).
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Times {
    public long annotatedNanos;
    public long directNanos;
    public long annotatedMeteredNanos;
    public long directMeteredNanos;
    public long callsPerPath;
    int turn;

    @Setup(Level.Iteration)
    public void reset() {
      annotatedNanos = directNanos = annotatedMeteredNanos = directMeteredNanos = callsPerPath = 0;
    }
  }

  @Benchmark
  public void paths(Times times, Blackhole bh) {
    // Rotate the order, so that no path always runs first or right after the same other one.
    int first = times.turn++;
    for (int k = 0; k < 4; k++) {
      switch ((first + k) & 3) {
        case 0 -> times.annotatedNanos += annotatedBlock(plainService, bh);
        case 1 -> times.directNanos += directBlock(plainKey, bh);
        case 2 -> times.annotatedMeteredNanos += annotatedBlock(meteredService, bh);
        default -> times.directMeteredNanos += directBlock(meteredKey, bh);
      }
    }
    times.callsPerPath += BLOCK;
  }

  // Each block is compiled on its own, as a JMH benchmark method would be, so that one path's
  // inlining does not use up the budget of another's.
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  long annotatedBlock(S service, Blackhole bh) {
    long start = System.nanoTime();
    for (int i = 0; i < BLOCK; i++) {
      bh.consume(annotated(service));
    }
    return System.nanoTime() - start;
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  long directBlock(KeyHandle key, Blackhole bh) {
    long start = System.nanoTime();
    for (int i = 0; i < BLOCK; i++) {
      bh.consume(direct(key));
    }
    return System.nanoTime() - start;
  }
}
