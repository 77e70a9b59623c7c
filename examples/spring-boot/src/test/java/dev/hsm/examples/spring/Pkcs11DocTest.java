package dev.hsm.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/PKCS11.md quotes the example's configuration and the Java code that hsm-pkcs11's tests run:
 * each such block starts with a comment naming its file ({@code # examples/...} or {@code //
 * hsm-pkcs11/...}), and every line of it must be a line of that file, so the page cannot drift from
 * what is tested.
 */
class Pkcs11DocTest {
  private static final Path ROOT = Path.of("..", "..");
  private static final Path DOC = ROOT.resolve("docs").resolve("PKCS11.md");
  private static final Pattern BLOCK = Pattern.compile("(?s)```[a-z]*\\n(.*?)```");
  private static final Pattern SOURCE = Pattern.compile("(?:#|//) ([\\w./-]+\\.\\w+)");

  @Test
  void everyBlockNamingAFile_isTakenFromThatFile() throws IOException {
    List<String> checked = new ArrayList<>();
    Matcher blocks = BLOCK.matcher(Files.readString(DOC));
    while (blocks.find()) {
      List<String> lines = blocks.group(1).lines().toList();
      Matcher source = SOURCE.matcher(lines.get(0));
      if (!source.matches()) {
        continue;
      }
      Path file = ROOT.resolve(source.group(1));
      assertThat(file).as("the file a block of the doc names").exists();
      Set<String> fileLines =
          Files.readAllLines(file).stream().map(String::strip).collect(Collectors.toSet());
      for (String line : lines.subList(1, lines.size())) {
        if (!line.isBlank()) {
          assertThat(fileLines).as("a line of the doc's excerpt of " + file).contains(line.strip());
        }
      }
      checked.add(source.group(1));
    }
    assertThat(checked)
        .containsExactlyInAnyOrder(
            "examples/spring-boot/src/main/resources/application.properties",
            "examples/spring-boot/src/main/resources/application-pkcs11.properties",
            "hsm-pkcs11/src/test/java/dev/hsm/pkcs11/Pkcs11DocExamplesTest.java",
            "hsm-pkcs11/src/test/java/dev/hsm/pkcs11/Pkcs11ToolTest.java");
  }
}
