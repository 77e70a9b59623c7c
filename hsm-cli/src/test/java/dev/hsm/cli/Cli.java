package dev.hsm.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the tool as a user would, in two ways. {@link #hsm} runs it inside this JVM through {@link
 * Hsm#run}, with an environment of our choosing and its own stdin, stdout and stderr (this JVM's
 * {@code System.out} and {@code System.err} are captured too, so that nothing a library prints
 * escapes the check): most calls, since a JVM start per command costs a second or two; the first
 * call of each command in the suite runs as a process instead, so that every command is run once
 * from the packaged jar. {@link #hsmProcess} runs the packaged {@code hsm} launcher beside {@code
 * hsm-cli.jar} in {@code target/} in a process of its own (no HSM_* variable of the build's leaks
 * in), for what only a process shows: the launcher, the jar's manifest, the exit status, the JVM's
 * options (started faster, see {@link #fastStart}). Other tools (openssl, gpg, jarsigner) always
 * run as processes, in the directory.
 *
 * <p>In-process runs resolve relative paths against this JVM's working directory, not {@code dir}:
 * tests give them absolute ({@link #path}).
 */
final class Cli {
  static final Path TARGET = Path.of(System.getProperty("hsm.cli.dir", "target")).toAbsolutePath();

  /** What a process did. */
  record Result(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out() + "\n--- stderr\n" + stderr;
    }
  }

  private static String fastStart;

  private final Path dir;
  private final Map<String, String> env = new HashMap<>();

  /** A tool run in {@code dir}, with {@code HSM_STORE} and {@code HSM_KEY_FILE} set there. */
  Cli(Path dir) {
    this.dir = dir;
  }

  /** A store in {@code dir} unlocked by a new key file: sets HSM_STORE and HSM_KEY_FILE. */
  static Cli withKeyFileStore(Path dir, String name) throws IOException {
    Cli cli = new Cli(dir);
    cli.env("HSM_STORE", dir.resolve(name + ".db").toString());
    cli.env("HSM_KEY_FILE", newKeyFile(dir.resolve(name + ".key")).toString());
    Result init = cli.hsm("init");
    if (init.exit() != 0) {
      throw new AssertionError("init failed: " + init);
    }
    return cli;
  }

  static Path newKeyFile(Path file) throws IOException {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Files.write(file, bytes);
  }

  Cli env(String name, String value) {
    if (value == null) {
      env.remove(name);
    } else {
      env.put(name, value);
    }
    return this;
  }

  String env(String name) {
    return env.get(name);
  }

  Path dir() {
    return dir;
  }

  /** {@code name} in the directory, as an absolute path for in-process runs. */
  String path(String name) {
    return dir.resolve(name).toString();
  }

  /** Runs {@code hsm args} with this environment and an empty stdin, as {@link #hsmWithInput}. */
  Result hsm(String... args) {
    return hsmWithInput(new byte[0], args);
  }

  /**
   * Runs {@code hsm args} with this environment and {@code stdin}: in this JVM, except the first
   * time the suite runs each command (such as {@code key rotate}), which runs as a process of the
   * packaged jar through the launcher. So every command the tests use is checked once as users run
   * it, with the assertions of the test that uses it, at one JVM start per command, not per call.
   */
  Result hsmWithInput(byte[] stdin, String... args) {
    if (RAN_AS_PROCESS.add(command(args))) {
      try {
        return hsmProcessWithInput(stdin.length == 0 ? null : stdin, args);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return hsmInThisJvm(stdin, args);
  }

  /** The commands the suite has run as a process so far: {@link #command} of their arguments. */
  private static final Set<String> RAN_AS_PROCESS = ConcurrentHashMap.newKeySet();

  /** Command groups, whose commands are named by two words ({@code key rotate}). */
  private static final Set<String> GROUPS =
      Set.of("key", "slot", "admin", "store", "audit", "jws", "pgp", "jar", "cert");

  /** The command {@code args} run: {@code key rotate}, {@code sign}, or "" for the top level. */
  static String command(String... args) {
    if (args.length == 0 || args[0].startsWith("-")) {
      return "";
    }
    if (GROUPS.contains(args[0]) && args.length > 1 && !args[1].startsWith("-")) {
      return args[0] + " " + args[1];
    }
    return args[0];
  }

  /** Runs {@code hsm args} in this JVM with this environment and {@code stdin}. */
  Result hsmInThisJvm(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = new PrintStream(out, true, UTF_8);
    PrintStream stderr = new PrintStream(err, true, UTF_8);
    PrintStream systemOut = System.out;
    PrintStream systemErr = System.err;
    int exit;
    System.setOut(stdout);
    System.setErr(stderr);
    try {
      exit = Hsm.run(args, env, new ByteArrayInputStream(stdin), stdout, stderr);
    } finally {
      System.setOut(systemOut);
      System.setErr(systemErr);
    }
    return new Result(exit, out.toByteArray(), err.toString(UTF_8));
  }

  /** Runs {@code hsm args} as a process: the launcher script, the packaged jar, its own JVM. */
  Result hsmProcess(String... args) throws IOException {
    return hsmProcessWithInput(null, args);
  }

  /** As {@link #hsmProcess}, with {@code stdin} (null: /dev/null). */
  Result hsmProcessWithInput(byte[] stdin, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("sh");
    command.add(TARGET.resolve("hsm").toString());
    command.addAll(List.of(args));
    if (!env.containsKey("HSM_JAVA_OPTS")) {
      env("HSM_JAVA_OPTS", fastStart());
      try {
        return run(command, stdin);
      } finally {
        env.remove("HSM_JAVA_OPTS");
      }
    }
    return run(command, stdin);
  }

  /**
   * JVM options (through the launcher's {@code HSM_JAVA_OPTS}) with which a short command starts in
   * about a third of the CPU time: a class-data archive of the packaged jar, made once by a first
   * process, and the client compiler alone. They change how fast the JVM starts, not what the
   * command does. Process runs get them unless the test sets {@code HSM_JAVA_OPTS} itself.
   */
  static synchronized String fastStart() throws IOException {
    if (fastStart == null) {
      Path cds = TARGET.resolve("cds");
      if (Files.exists(cds)) {
        try (var old = Files.walk(cds)) {
          for (Path file : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(file);
          }
        }
      }
      Files.createDirectories(cds);
      Path archive = cds.resolve("hsm.jsa");
      Cli first = new Cli(cds);
      first.env("HSM_STORE", cds.resolve("warm-up.db").toString());
      first.env("HSM_KEY_FILE", newKeyFile(cds.resolve("warm-up.key")).toString());
      first.env("HSM_JAVA_OPTS", "-XX:ArchiveClassesAtExit=" + archive);
      Result made = first.hsmProcess("init");
      if (made.exit() != 0) {
        throw new AssertionError("the warm-up run failed: " + made);
      }
      fastStart =
          (Files.exists(archive) ? "-XX:SharedArchiveFile=" + archive + " " : "")
              + "-XX:TieredStopAtLevel=1";
    }
    return fastStart;
  }

  /** Runs any program (openssl, gpg) in the directory, with this environment. */
  Result tool(String... command) throws IOException {
    return run(List.of(command), null);
  }

  private Result run(List<String> command, byte[] stdin) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("HSM_"));
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.putAll(env);
    Path stderr = Files.createTempFile(dir, "stderr", ".txt");
    builder.redirectError(stderr.toFile());
    if (stdin == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    }
    Process process = builder.start();
    if (stdin != null) {
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin);
      }
    }
    byte[] stdout = process.getInputStream().readAllBytes();
    try {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    String err = Files.readString(stderr, UTF_8);
    Files.delete(stderr);
    return new Result(process.exitValue(), stdout, err);
  }
}
