package dev.hsm.bench.spring;

import dev.hsm.KeyHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code @Signed} (ECDSA P-256, JWS of 256 bytes) through hsm-spring-boot-starter's AOP proxy,
 * against the direct {@code KeyHandle.signJws} of the same bytes with the same key bean of the same
 * context: the difference is the annotation path's overhead.
 */
@State(Scope.Benchmark)
public class SpringSign {
  byte[] payload;
  BenchContext app;
  AnnotatedService service;
  KeyHandle key;

  @Setup
  public void setup() {
    payload = BenchContext.random(256);
    app = BenchContext.start(metered());
    service = app.service();
    key = app.key(BenchContext.SIGNING_KEY);
    // Both paths must do the same work: the annotated result is a JWS of the payload by this key.
    byte[] jws = service.sign(payload);
    if (!Arrays.equals(key.verifyJws(new String(jws, StandardCharsets.US_ASCII)), payload)
        || !Arrays.equals(key.verifyJws(key.signJws(payload)), payload)) {
      throw new IllegalStateException("the annotated method did not return a JWS of the payload");
    }
    if (metered()) {
      app.requireMeters();
    }
  }

  /** Whether the context records the starter's Micrometer meters; see the Metered subclass. */
  protected boolean metered() {
    return false;
  }

  @TearDown
  public void tearDown() {
    app.close();
  }

  @Benchmark
  public byte[] annotated() {
    return service.sign(payload);
  }

  @Benchmark
  public String direct() {
    return key.signJws(payload);
  }
}
