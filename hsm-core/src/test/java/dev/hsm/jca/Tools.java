package dev.hsm.jca;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the JDK's command-line tools and OpenSSL as processes, as a user would. */
final class Tools {
  private Tools() {}

  /** What a finished process said. */
  record Result(int exitCode, String output) {}

  /** The JDK tool {@code name} of the JDK running the tests. */
  static String jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  /**
   * Test-only options for keytool and jarsigner: their native-library scratch directory in {@code
   * dir}, and a quick start.
   */
  static List<String> jvmOptions(Path dir) throws IOException {
    Path scratch = Files.createDirectories(dir.resolve("native-tmp"));
    return List.of(
        "-J-Djava.io.tmpdir=" + scratch,
        "-J-Dorg.sqlite.tmpdir=" + scratch,
        "-J-XX:TieredStopAtLevel=1");
  }

  /** The class path our provider loads from: the tests' own (classes and their dependencies). */
  static String classPath() {
    return System.getProperty("java.class.path");
  }

  static Result run(Path workDir, List<String> command) throws Exception {
    Path log = Files.createTempFile(workDir, "tool", ".log");
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(process.exitValue(), Files.readString(log, UTF_8));
  }

  static List<String> list(String... parts) {
    return new ArrayList<>(List.of(parts));
  }
}
