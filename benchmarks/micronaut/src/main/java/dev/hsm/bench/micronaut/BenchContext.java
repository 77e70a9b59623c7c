package dev.hsm.bench.micronaut;

import dev.hsm.KeyHandle;
import dev.hsm.bench.paths.BenchApp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Micronaut application context over a fresh store in a temp directory (unlocked by a key file,
 * so no Argon2 cost), declaring an ECDSA P-256 key and an AES-256-GCM key. Opened in a benchmark's
 * {@code @Setup}, closed (store files deleted) in its {@code @TearDown}.
 */
final class BenchContext implements BenchApp<AnnotatedService> {
  static final String SIGNING_KEY = "receipts";
  static final String AES_KEY = "pii";
  static final SecureRandom RANDOM = new SecureRandom();

  final Path dir;
  final ApplicationContext context;

  private BenchContext(Path dir, ApplicationContext context) {
    this.dir = dir;
    this.context = context;
  }

  /**
   * The context; with {@code metered}, it has a Micrometer registry bean, so the module records its
   * {@code hsm.*} meters for every operation (as an application with micronaut-micrometer does).
   */
  static BenchContext start(boolean metered) {
    Path dir;
    try {
      dir = Files.createTempDirectory(workDir(), "micronaut-");
      Path keyFile = dir.resolve("hsm.key");
      Files.write(keyFile, random(32));
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ApplicationContext context =
        ApplicationContext.builder()
            .singletons(metered ? new Object[] {new SimpleMeterRegistry()} : new Object[0])
            .properties(
                Map.of(
                    "hsm.store.path",
                    dir.resolve("hsm.db").toString(),
                    "hsm.unlock.key-file",
                    dir.resolve("hsm.key").toString(),
                    "hsm.keys." + SIGNING_KEY + ".algorithm",
                    "ECDSA_P256_SHA256",
                    "hsm.keys." + AES_KEY + ".algorithm",
                    "AES_256_GCM"))
            .start();
    return new BenchContext(dir, context);
  }

  @Override
  public AnnotatedService service() {
    AnnotatedService service = context.getBean(AnnotatedService.class);
    if (!service.getClass().getName().endsWith("$Intercepted")) {
      throw new IllegalStateException("not Micronaut's AOP proxy: " + service.getClass());
    }
    return service;
  }

  /** The declared key's {@code KeyHandle} bean from this same context. */
  @Override
  public KeyHandle key(String name) {
    return context.getBean(KeyHandle.class, Qualifiers.byName(name));
  }

  @Override
  public void requireMeters() {
    if (context.getBean(MeterRegistry.class).find("hsm.operations").functionCounters().isEmpty()) {
      throw new IllegalStateException("the metered context recorded no hsm.operations");
    }
  }

  static byte[] random(int count) {
    byte[] out = new byte[count];
    RANDOM.nextBytes(out);
    return out;
  }

  /** $BENCH_WORK (run.sh sets it) or a temp dir. */
  private static Path workDir() throws IOException {
    String env = System.getenv("BENCH_WORK");
    Path path =
        env != null ? Paths.get(env) : Paths.get(System.getProperty("java.io.tmpdir"), "hsm-bench");
    return Files.createDirectories(path);
  }

  @Override
  public void close() {
    context.close();
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
