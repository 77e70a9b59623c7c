package dev.hsm.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What one run of the command sees of the world: its environment variables, standard streams and
 * terminal. {@link Hsm#main} gives the process's own; {@link Hsm#run} takes them from its caller,
 * so that the tool runs inside another JVM (a test, a build plugin) without touching that JVM's
 * environment or streams. Commands read the environment, stdin, stdout and the terminal only
 * through here.
 */
final class Context {
  private final Map<String, String> env;
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Console console;

  Context(
      Map<String, String> env, InputStream in, PrintStream out, PrintStream err, Console console) {
    this.env = Map.copyOf(env);
    this.in = in;
    this.out = out;
    this.err = err;
    this.console = console;
  }

  /** The context of the command {@code spec} belongs to (the root command holds it). */
  static Context of(CommandSpec spec) {
    return ((Hsm) spec.root().userObject()).context();
  }

  /** The environment variable {@code name}, or {@code null} if it is unset or empty. */
  String env(String name) {
    String value = env.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  InputStream in() {
    return in;
  }

  /** Standard output, for bytes (signatures, payloads); text goes through picocli's writer. */
  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  /** The terminal to ask a person on, or {@code null} when there is none (scripts, CI, tests). */
  Console console() {
    return console;
  }
}
