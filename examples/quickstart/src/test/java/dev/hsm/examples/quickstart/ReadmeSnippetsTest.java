package dev.hsm.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every line of README.md's Java snippets must stand in compiled, tested code. */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..", "..");
  private static final Path SOURCES = Path.of("src");

  @Test
  void everyReadmeJavaLine_appearsInTheQuickstartOrTheApiTour() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    String code =
        Files.readString(
                SOURCES.resolve("main/java/dev/hsm/examples/quickstart/Quickstart.java"),
                StandardCharsets.UTF_8)
            + Files.readString(
                SOURCES.resolve("test/java/dev/hsm/examples/quickstart/ApiTourTest.java"),
                StandardCharsets.UTF_8);
    String flatCode = code.replaceAll("\\s+", " ");

    List<String> lines = new ArrayList<>();
    boolean inJava = false;
    for (String line : readme.split("\n")) {
      if (line.startsWith("```")) {
        inJava = line.equals("```java");
        continue;
      }
      if (inJava && !line.isBlank()) {
        lines.add(line.trim());
      }
    }

    assertThat(lines).as("Java lines in README.md").isNotEmpty();
    assertThat(lines)
        .allSatisfy(
            line -> assertThat(flatCode).as("README line").contains(line.replaceAll("\\s+", " ")));
  }
}
