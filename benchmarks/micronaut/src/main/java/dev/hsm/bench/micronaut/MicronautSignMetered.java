package dev.hsm.bench.micronaut;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link MicronautSign} with the {@code hsm.*} Micrometer meters on (a registry in the context):
 * both paths are counted and timed, so annotated here against direct in {@link MicronautSign} is
 * what the annotation path with metrics costs against a bare call.
 */
@State(Scope.Benchmark)
public class MicronautSignMetered extends MicronautSign {
  @Override
  protected boolean metered() {
    return true;
  }
}
