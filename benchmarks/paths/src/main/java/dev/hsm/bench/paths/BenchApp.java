package dev.hsm.bench.paths;

import dev.hsm.KeyHandle;

/**
 * A framework's application context over a fresh store, as {@link AnnotationPaths} uses it: each
 * framework's benchmarks implement it (their {@code BenchContext}).
 *
 * @param <S> the framework's bean with the annotated methods
 */
public interface BenchApp<S> extends AutoCloseable {
  /** The proxied bean with the annotated methods; fails if it is not the framework's proxy. */
  S service();

  /** The {@code KeyHandle} bean of the declared key {@code name}. */
  KeyHandle key(String name);

  /** Fails unless the context's registry counted the operations made so far (metered runs). */
  void requireMeters();

  /** Closes the context and deletes its store. */
  @Override
  void close();
}
