package dev.hsm.bench.spring;

import dev.hsm.KeyHandle;
import dev.hsm.bench.paths.AnnotationPaths;
import dev.hsm.bench.paths.BenchApp;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@code @Signed} (ECDSA P-256, JWS of 256 bytes) through hsm-spring-boot-starter's AOP proxy,
 * against the direct {@code KeyHandle.signJws} of the same bytes with the same context's key bean;
 * see {@link AnnotationPaths} for how the paths are timed.
 */
@State(Scope.Benchmark)
public class SpringSign extends AnnotationPaths<AnnotatedService> {
  final byte[] payload = BenchContext.random(256);

  @Override
  protected BenchApp<AnnotatedService> start(boolean metered) {
    return BenchContext.start(metered);
  }

  @Override
  protected String keyName() {
    return BenchContext.SIGNING_KEY;
  }

  @Override
  protected Object annotated(AnnotatedService service) {
    return service.sign(payload);
  }

  @Override
  protected Object direct(KeyHandle key) {
    return key.signJws(payload);
  }

  @Override
  protected void requireSameWork(AnnotatedService service, KeyHandle key) {
    byte[] jws = service.sign(payload);
    if (!Arrays.equals(key.verifyJws(new String(jws, StandardCharsets.US_ASCII)), payload)
        || !Arrays.equals(key.verifyJws(key.signJws(payload)), payload)) {
      throw new IllegalStateException("the annotated method did not return a JWS of the payload");
    }
  }
}
