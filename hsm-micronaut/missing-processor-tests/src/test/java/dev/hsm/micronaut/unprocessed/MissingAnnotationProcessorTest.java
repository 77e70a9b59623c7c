package dev.hsm.micronaut.unprocessed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hsm.HsmException;
import dev.hsm.annotation.InvalidAnnotationException;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application whose {@code @Signed} bean and {@code @Encrypted} entity were compiled without
 * {@code hsm-micronaut-annotations} on the annotation-processor path (this module's build leaves it
 * out on purpose). Before hsm-micronaut checked for this, such an application started and did
 * nothing: {@code Receipts.issue} returned its argument unsigned, {@code Receipts.accept} took any
 * string, and {@code Note.body} was written to its column in plaintext.
 */
class MissingAnnotationProcessorTest {
  /** The version of the build under test, which the message must name (from the pom). */
  private static final String VERSION = System.getProperty("hsm.version");

  @TempDir Path dir;

  private Map<String, Object> properties;

  @BeforeEach
  void configure() throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.write(dir.resolve("hsm.key"), key);
    properties = new HashMap<>();
    properties.put("hsm.store.path", dir.resolve("hsm.db").toString());
    properties.put("hsm.unlock.key-file", dir.resolve("hsm.key").toString());
    properties.put("hsm.keys.receipts.algorithm", "ECDSA_P256_SHA256");
    properties.put("hsm.keys.pii.algorithm", "AES_256_GCM");
    properties.put("datasources.default.url", "jdbc:sqlite:" + dir.resolve("app.db"));
    properties.put("datasources.default.driver-class-name", "org.sqlite.JDBC");
    properties.put("datasources.default.dialect", "ANSI");
    properties.put("datasources.default.schema-generate", "NONE");
  }

  @Test
  void application_refusesToStart_listingEachUnprocessedMethodAndField_andHowToAddTheJar() {
    Throwable thrown = catchThrowable(() -> ApplicationContext.run(properties).close());

    assertThat(rootCause(thrown))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("compiled without hsm-micronaut-annotations")
        .hasMessageContaining("\n  - dev.hsm.micronaut.unprocessed.Note.body (field)")
        .hasMessageContaining("\n  - dev.hsm.micronaut.unprocessed.Receipts.accept")
        .hasMessageContaining("\n  - dev.hsm.micronaut.unprocessed.Receipts.issue")
        .hasMessageContaining(
            "<annotationProcessorPaths>, after micronaut-inject-java:\n"
                + "    <path>\n"
                + "      <groupId>dev.hsm</groupId>\n"
                + "      <artifactId>hsm-micronaut-annotations</artifactId>\n"
                + "      <version>"
                + VERSION
                + "</version>\n"
                + "    </path>")
        .hasMessageEndingWith(
            "Gradle, in dependencies:\n"
                + "    annotationProcessor(\"dev.hsm:hsm-micronaut-annotations:"
                + VERSION
                + "\")");
    assertThat(dir.resolve("hsm.db")).as("refused before the store is opened").doesNotExist();
  }

  private static Throwable rootCause(Throwable thrown) {
    assertThat(thrown).as("start-up must fail").isNotNull();
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof HsmException) {
        return cause;
      }
    }
    return thrown;
  }
}
