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
 * {@code @Encrypted} (AES-256-GCM, 1 KiB, a fresh random nonce per message) through
 * hsm-spring-boot-starter's AOP proxy, against the direct {@code KeyHandle.encrypt} of the same 1
 * KiB with the same context and the same key bean of the same context.
 */
@State(Scope.Benchmark)
public class SpringEncrypt {
  static final byte[] CONTEXT = AnnotatedService.CONTEXT.getBytes(StandardCharsets.UTF_8);

  byte[] plaintext;
  BenchContext app;
  AnnotatedService service;
  KeyHandle key;

  @Setup
  public void setup() {
    plaintext = BenchContext.random(1024);
    app = BenchContext.start(metered());
    service = app.service();
    key = app.key(BenchContext.AES_KEY);
    // Both paths must do the same work: the annotated result decrypts with this key and context.
    if (!Arrays.equals(key.decrypt(service.encrypt(plaintext), CONTEXT), plaintext)
        || !Arrays.equals(key.decrypt(key.encrypt(plaintext, CONTEXT), CONTEXT), plaintext)) {
      throw new IllegalStateException(
          "the annotated method did not return a ciphertext of the plaintext");
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
    return service.encrypt(plaintext);
  }

  @Benchmark
  public byte[] direct() {
    return key.encrypt(plaintext, CONTEXT);
  }
}
