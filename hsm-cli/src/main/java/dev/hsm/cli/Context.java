package dev.hsm.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What one run of the command sees of the world: its environment variables, standard streams and
 * terminal. {@link Hsm#main} gives the process's own; {@link Hsm#run} takes them from its caller,
 * so that the tool runs inside another JVM (a test, a build plugin) without touching that JVM's
 * environment, streams or working directory. Commands read the environment, stdin, stdout and the
 * terminal only through here, and take paths through {@link #path}.
 */
final class Context {
  private final Path directory;
  private final Map<String, String> env;
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Console console;

  /**
   * {@code directory}: what relative paths are relative to, or {@code null} for the JVM's working
   * directory (a process's own).
   */
  Context(
      Path directory,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Console console) {
    this.directory = directory;
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

  /**
   * A path given as an argument or in the environment: relative ones are relative to the run's
   * working directory; {@code -} (stdin or stdout) stays as it is.
   */
  Path path(String given) {
    Path path = Path.of(given);
    return directory == null || Io.isStdio(path) ? path : directory.resolve(path);
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
