package dev.hsm.examples.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code blocks of docs/SPRING-BOOT.md. A block whose first line is a comment naming a file
 * ({@code <!-- pom.xml -->}, {@code // src/main/java/...}, {@code # src/...}, {@code -- src/...})
 * is that whole file of the application the page builds; the others are excerpts.
 */
final class DocBlocks {
  static final Path ROOT = Path.of("..", "..");
  static final Path DOC = ROOT.resolve("docs").resolve("SPRING-BOOT.md");

  private static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```$");
  private static final Pattern FILE_HEADER =
      Pattern.compile("(?:<!-- (\\S+) -->|(?://|#|--) ((?:src/)\\S+))");

  /** One fenced block: its language (possibly empty) and its text, ending with a line break. */
  record Block(String language, String text) {}

  private DocBlocks() {}

  static List<Block> all() {
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(read(DOC));
    while (matcher.find()) {
      blocks.add(new Block(matcher.group(1), matcher.group(2)));
    }
    return blocks;
  }

  /**
   * The files the page shows whole, by their path in the application, each as the page has it (its
   * first line, naming it, included: that is what a reader copies).
   */
  static Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    for (Block block : all()) {
      String path = pathOf(block);
      if (path != null && files.put(path, block.text()) != null) {
        throw new IllegalStateException("docs/SPRING-BOOT.md shows " + path + " twice");
      }
    }
    return files;
  }

  /** The path a block's first line names, or null for an excerpt. */
  static String pathOf(Block block) {
    String first = block.text().lines().findFirst().orElse("");
    Matcher header = FILE_HEADER.matcher(first);
    if (!header.matches()) {
      return null;
    }
    return header.group(1) != null ? header.group(1) : header.group(2);
  }

  /** A file's text without its first line (the comment naming it). */
  static String withoutHeader(String text) {
    return text.substring(text.indexOf('\n') + 1);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
