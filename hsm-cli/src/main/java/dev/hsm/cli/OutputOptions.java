package dev.hsm.cli;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --json} and {@code --verbose}, on every command. */
final class OutputOptions {
  @Option(names = "--json", description = "Print the result as one JSON object, for scripts.")
  boolean json;

  @Option(
      names = "--verbose",
      description = "On failure, also print the stack trace (never secrets).")
  boolean verbose;

  /** Prints {@code result} as JSON with {@code --json}, else {@code human} (if not empty). */
  void print(PrintWriter out, Map<String, ?> result, String human) {
    if (json) {
      out.println(JSONObjectUtils.toJSONString(result));
    } else if (!human.isEmpty()) {
      out.println(human);
    }
    out.flush();
  }
}
