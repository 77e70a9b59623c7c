package dev.hsm.postgresql;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code main} class of the test sources run in a child JVM with this JVM's java binary and class
 * path: a real second (third, fourth) instance of an application on the same database. Its stdout
 * is collected line by line in the background; only lines ended by a newline count, so a line cut
 * short by a kill is never seen. Stderr goes to a file, shown in failure messages.
 */
final class ChildProcess implements AutoCloseable {
  private final String label;
  private final Process process;
  private final Path stderr;
  private final Thread reader;
  private final List<String> lines = new ArrayList<>();
  private boolean eof;

  private ChildProcess(String label, Process process, Path stderr) {
    this.label = label;
    this.process = process;
    this.stderr = stderr;
    this.reader = new Thread(this::readStdout, "child-stdout " + label);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code mainClass} with {@code args}; {@code workDir} receives its stderr file. */
  static ChildProcess start(Path workDir, String label, Class<?> mainClass, String... args)
      throws IOException {
    return start(workDir, label, List.of(), mainClass, args);
  }

  static ChildProcess start(
      Path workDir, String label, List<String> jvmOptions, Class<?> mainClass, String... args)
      throws IOException {
    Path scratch = Files.createDirectories(workDir.resolve("tmp-" + label));
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1"); // many short-lived children: start fast
    command.add("-XX:+UseSerialGC");
    command.add("-Xshare:auto");
    command.add("-Djava.io.tmpdir=" + scratch);
    command.add("-Dorg.sqlite.tmpdir=" + scratch);
    command.addAll(jvmOptions);
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    Path stderr = workDir.resolve(label + ".stderr");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    return new ChildProcess(label, builder.start(), stderr);
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .filter(c -> Files.isExecutable(Path.of(c)))
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private void readStdout() {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try (InputStream in = process.getInputStream()) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            String complete = line.toString(UTF_8);
            line.reset();
            synchronized (this) {
              lines.add(complete);
              notifyAll();
            }
          } else {
            line.write(buffer[i]);
          }
        }
      }
    } catch (IOException ignored) {
      // the stream closes when the process dies
    } finally {
      synchronized (this) {
        eof = true;
        notifyAll();
      }
    }
  }

  String label() {
    return label;
  }

  Process process() {
    return process;
  }

  /** The complete lines read so far. */
  synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  /** How many complete lines so far match {@code wanted}. */
  synchronized long count(Predicate<String> wanted) {
    return lines.stream().filter(wanted).count();
  }

  /**
   * Waits until {@code count} lines matching {@code wanted} arrived; false if the child's stdout
   * ends or the timeout passes first.
   */
  synchronized boolean awaitLines(Predicate<String> wanted, long count, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      if (lines.stream().filter(wanted).count() >= count) {
        return true;
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (eof || left <= 0) {
        return false;
      }
      wait(left);
    }
  }

  /** Waits for the child to exit and its stdout to be read to the end; false on timeout. */
  boolean awaitExit(long timeoutMillis) throws InterruptedException {
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      return false;
    }
    reader.join(timeoutMillis);
    return !reader.isAlive();
  }

  /** Kills the child with SIGKILL (no shutdown hook, no finally block runs) and waits for it. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    reader.join(10_000);
  }

  /** What the child wrote to stderr so far. */
  String stderr() {
    try {
      return Files.exists(stderr) ? Files.readString(stderr, UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The child's problem lines, last stdout lines and stderr, for failure messages. */
  String describe() {
    List<String> all = lines();
    List<String> tail = all.subList(Math.max(0, all.size() - 15), all.size());
    List<String> problems =
        all.stream().filter(l -> l.startsWith("FAIL") || l.startsWith("ERROR")).limit(20).toList();
    String err = stderr();
    return label
        + " (pid "
        + process.pid()
        + (process.isAlive() ? ", alive" : ", exit " + process.exitValue())
        + ")\n--- FAIL and ERROR lines:\n"
        + String.join("\n", problems)
        + "\n--- last stdout lines:\n"
        + String.join("\n", tail)
        + "\n--- stderr:\n"
        + (err.length() > 6_000 ? err.substring(0, 6_000) + "\n[...]" : err);
  }

  /** Kills the child if it still runs. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
