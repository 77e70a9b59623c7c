package dev.hsm.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged tool as a user would: the {@code hsm} launcher beside {@code hsm-cli.jar} in
 * {@code target/}, in a process of its own, with an environment of our choosing (no HSM_* variable
 * of the build's leaks in) and this JVM's java. Also runs other tools (openssl, gpg) the same way.
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

  Result hsm(String... args) throws IOException {
    return hsmWithInput(null, args);
  }

  Result hsmWithInput(byte[] stdin, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("sh");
    command.add(TARGET.resolve("hsm").toString());
    command.addAll(List.of(args));
    return run(command, stdin);
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
