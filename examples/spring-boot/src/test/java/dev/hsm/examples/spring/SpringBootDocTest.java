package dev.hsm.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/SPRING-BOOT.md shows code and configuration taken from this example (and the migration of
 * old entity data from hsm-core's entity contract, which both starters run), so it cannot drift.
 */
class SpringBootDocTest {
  private static final Path DOC = Path.of("..", "..", "docs", "SPRING-BOOT.md");
  private static final Path SOURCES = Path.of("src", "main");
  private static final Path ENTITY_CONTRACT =
      Path.of(
          "..",
          "..",
          "hsm-core",
          "src",
          "test",
          "java",
          "dev",
          "hsm",
          "contract",
          "EncryptedEntityContract.java");

  @Test
  void everyJavaLineOfTheDoc_appearsInTheExampleOrTheEntityContract() throws IOException {
    String code;
    try (Stream<Path> files = Files.walk(SOURCES.resolve("java"))) {
      code =
          files
              .filter(file -> file.toString().endsWith(".java"))
              .map(SpringBootDocTest::read)
              .collect(Collectors.joining("\n"));
    }
    code += "\n" + read(ENTITY_CONTRACT);
    List<String> lines = linesOfBlocks("java");
    assertThat(lines).isNotEmpty();
    String flatCode = flat(code);
    assertThat(lines).allSatisfy(line -> assertThat(flatCode).as("doc line").contains(flat(line)));
  }

  @Test
  void everyPropertiesLineOfTheDoc_isInTheExamplesApplicationProperties() throws IOException {
    List<String> properties =
        read(SOURCES.resolve("resources/application.properties")).lines().toList();
    List<String> lines = linesOfBlocks("properties");
    assertThat(lines).isNotEmpty();
    assertThat(properties).containsAll(lines);
  }

  @Test
  void theDocumentedCommand_isTheOneInTheApplicationsJavadoc() throws IOException {
    String command = "mvn -q -pl examples/spring-boot -am test-compile exec:java";
    assertThat(read(DOC)).contains(command);
    String javadoc = read(SOURCES.resolve("java/dev/hsm/examples/spring/CustomerApplication.java"));
    assertThat(flat(javadoc.replaceAll("\\n\\s*\\*", " "))).contains(command);
  }

  private static List<String> linesOfBlocks(String language) {
    List<String> lines = new ArrayList<>();
    boolean inside = false;
    for (String line : read(DOC).split("\n")) {
      if (line.startsWith("```")) {
        inside = line.equals("```" + language);
        continue;
      }
      if (inside && !line.isBlank()) {
        lines.add(line.trim());
      }
    }
    return lines;
  }

  private static String flat(String text) {
    return text.replaceAll("\\s+", " ");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
