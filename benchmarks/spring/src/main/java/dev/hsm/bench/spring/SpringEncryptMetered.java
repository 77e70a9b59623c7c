package dev.hsm.bench.spring;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SpringEncrypt} with the {@code hsm.*} Micrometer meters on (a registry in the context):
 * both paths are counted and timed, so annotated here against direct in {@link SpringEncrypt} is
 * what the annotation path with metrics costs against a bare call.
 */
@State(Scope.Benchmark)
public class SpringEncryptMetered extends SpringEncrypt {
  @Override
  protected boolean metered() {
    return true;
  }
}
