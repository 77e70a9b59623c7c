package dev.hsm.jca;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell commands of docs/JCA.md, so that the tests run exactly what the page shows: {@code sh}
 * blocks, continuation lines joined, split into words ({@code "..."} unquoted), {@code $CP}
 * replaced by the given class path.
 */
final class DocCommands {
  private static final Path PAGE = Path.of("..", "docs", "JCA.md");

  private DocCommands() {}

  /** The words of the first command on the page that starts with {@code prefix}. */
  static List<String> find(String prefix, String classPath) throws IOException {
    for (String command : commands()) {
      if (command.startsWith(prefix)) {
        List<String> words = new ArrayList<>();
        for (String word : command.trim().split("\\s+")) {
          words.add(word.replace("\"$CP\"", classPath).replace("\"", ""));
        }
        return words;
      }
    }
    throw new AssertionError("docs/JCA.md shows no command starting with '" + prefix + "'");
  }

  private static List<String> commands() throws IOException {
    List<String> commands = new ArrayList<>();
    boolean inShell = false;
    StringBuilder current = new StringBuilder();
    for (String line : Files.readString(PAGE, UTF_8).split("\n")) {
      if (line.startsWith("```")) {
        inShell = line.equals("```sh");
        continue;
      }
      if (!inShell) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
      } else {
        commands.add(current.append(line).toString());
        current.setLength(0);
      }
    }
    return commands;
  }
}
