package dev.hsm.bench.micronaut;

import dev.hsm.KeyHandle;
import dev.hsm.bench.paths.AnnotationPaths;
import dev.hsm.bench.paths.BenchApp;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@code @Encrypted} (AES-256-GCM, 1 KiB, a fresh random nonce per message) through hsm-micronaut's
 * interceptor, against the direct {@code KeyHandle.encrypt} of the same 1 KiB with the same context
 * and the same context's key bean; see {@link AnnotationPaths} for how the paths are timed.
 */
@State(Scope.Benchmark)
public class MicronautEncrypt extends AnnotationPaths<AnnotatedService> {
  static final byte[] CONTEXT = AnnotatedService.CONTEXT.getBytes(StandardCharsets.UTF_8);

  final byte[] plaintext = BenchContext.random(1024);

  @Override
  protected BenchApp<AnnotatedService> start(boolean metered) {
    return BenchContext.start(metered);
  }

  @Override
  protected String keyName() {
    return BenchContext.AES_KEY;
  }

  @Override
  protected Object annotated(AnnotatedService service) {
    return service.encrypt(plaintext);
  }

  @Override
  protected Object direct(KeyHandle key) {
    return key.encrypt(plaintext, CONTEXT);
  }

  @Override
  protected void requireSameWork(AnnotatedService service, KeyHandle key) {
    if (!Arrays.equals(key.decrypt(service.encrypt(plaintext), CONTEXT), plaintext)
        || !Arrays.equals(key.decrypt(key.encrypt(plaintext, CONTEXT), CONTEXT), plaintext)) {
      throw new IllegalStateException(
          "the annotated method did not return a ciphertext of the plaintext");
    }
  }
}
