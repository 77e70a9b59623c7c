package dev.hsm.bench.spring;

import dev.hsm.KeyHandle;
import dev.hsm.bench.paths.BenchApp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application context over a fresh store in a temp directory (unlocked by a key file,
 * so no Argon2 cost), declaring an ECDSA P-256 key and an AES-256-GCM key. Opened in a benchmark's
 * {@code @Setup}, closed (store files deleted) in its {@code @TearDown}.
 */
final class BenchContext implements BenchApp<AnnotatedService> {
  static final String SIGNING_KEY = "receipts";
  static final String AES_KEY = "pii";
  static final SecureRandom RANDOM = new SecureRandom();

  final Path dir;
  final ConfigurableApplicationContext context;

  private BenchContext(Path dir, ConfigurableApplicationContext context) {
    this.dir = dir;
    this.context = context;
  }

  /**
   * The context; with {@code metered}, it has a Micrometer registry, so the starter records its
   * {@code hsm.*} meters for every operation (as an application with Actuator does).
   */
  static BenchContext start(boolean metered) {
    Path dir;
    try {
      dir = Files.createTempDirectory(workDir(), "spring-");
      Path keyFile = dir.resolve("hsm.key");
      Files.write(keyFile, random(32));
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SpringApplicationBuilder builder = new SpringApplicationBuilder(BenchApplication.class);
    if (metered) {
      builder.initializers(
          app ->
              app.getBeanFactory().registerSingleton("meterRegistry", new SimpleMeterRegistry()));
    }
    ConfigurableApplicationContext context =
        builder
            .web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .properties(
                "logging.level.root=warn",
                "hsm.store.path=" + dir.resolve("hsm.db"),
                "hsm.unlock.key-file=" + dir.resolve("hsm.key"),
                "hsm.keys." + SIGNING_KEY + ".algorithm=ECDSA_P256_SHA256",
                "hsm.keys." + AES_KEY + ".algorithm=AES_256_GCM")
            .run();
    return new BenchContext(dir, context);
  }

  @Override
  public AnnotatedService service() {
    AnnotatedService service = context.getBean(AnnotatedService.class);
    if (!AopUtils.isAopProxy(service)) {
      throw new IllegalStateException("not the starter's AOP proxy: " + service.getClass());
    }
    return service;
  }

  /**
   * The declared key's {@code KeyHandle} bean from this same context ({@code @Qualifier(name)}).
   */
  @Override
  public KeyHandle key(String name) {
    return BeanFactoryAnnotationUtils.qualifiedBeanOfType(
        context.getBeanFactory(), KeyHandle.class, name);
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
