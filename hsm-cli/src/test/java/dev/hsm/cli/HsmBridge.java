package dev.hsm.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code hsm} command for shell scripts that runs each command inside this JVM, through {@link
 * Hsm#run(Path, String[], Map, InputStream, PrintStream, PrintStream)}, instead of starting a JVM
 * per command: the script {@link #install} writes hands over its working directory, environment,
 * arguments and stdin in a request directory, names it on a named pipe, waits for the exit status,
 * then prints what the command wrote to stdout and stderr and exits with that status. CliDocTest
 * runs docs/CLI.md with it; CliLauncherTest runs the packaged jar through the real launcher.
 */
final class HsmBridge implements AutoCloseable {
  private final Path dir;
  private final Path requests;
  private final Thread server;
  private final List<Throwable> failures = new ArrayList<>();
  private volatile boolean closed;

  HsmBridge(Path dir) throws IOException, InterruptedException {
    this.dir = Files.createDirectories(dir);
    this.requests = dir.resolve("requests");
    Process mkfifo = new ProcessBuilder("mkfifo", requests.toString()).inheritIO().start();
    if (mkfifo.waitFor() != 0) {
      throw new IOException("mkfifo " + requests + " failed");
    }
    server = new Thread(this::serve, "hsm bridge");
    server.setDaemon(true);
    server.start();
  }

  /** Writes the {@code hsm} script into {@code bin}, for the PATH. */
  Path install(Path bin) throws IOException {
    String script =
        "#!/bin/bash\n"
            + "# hsm, run inside the test's JVM (HsmBridge)\n"
            + "set -e\n"
            + "request=$(mktemp -d '"
            + dir
            + "/request.XXXXXX')\n"
            + "if [ $# -gt 0 ]; then printf '%s\\0' \"$@\"; fi > \"$request/args\"\n"
            + "env -0 > \"$request/env\"\n"
            + "pwd > \"$request/cwd\"\n"
            + "cat > \"$request/stdin\"\n"
            + "echo \"$request\" > '"
            + requests
            + "'\n"
            + "while [ ! -e \"$request/exit\" ]; do sleep 0.01; done\n"
            + "cat \"$request/stdout\"\n"
            + "cat \"$request/stderr\" >&2\n"
            + "exit \"$(cat \"$request/exit\")\"\n";
    Path hsm = Files.writeString(bin.resolve("hsm"), script);
    Files.setPosixFilePermissions(hsm, PosixFilePermissions.fromString("rwxr-xr-x"));
    return hsm;
  }

  private void serve() {
    while (!closed) {
      try (BufferedReader reader = Files.newBufferedReader(requests, UTF_8)) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (closed) {
            return;
          }
          run(Path.of(line));
        }
      } catch (IOException | RuntimeException e) {
        synchronized (failures) {
          failures.add(e);
        }
        return;
      }
    }
  }

  private static void run(Path request) throws IOException {
    List<String> args = split(Files.readAllBytes(request.resolve("args")));
    Map<String, String> env = new HashMap<>();
    for (String variable : split(Files.readAllBytes(request.resolve("env")))) {
      int equals = variable.indexOf('=');
      if (equals > 0) {
        env.put(variable.substring(0, equals), variable.substring(equals + 1));
      }
    }
    Path directory = Path.of(Files.readString(request.resolve("cwd"), UTF_8).strip());
    int exit;
    try (InputStream in = Files.newInputStream(request.resolve("stdin"));
        OutputStream outFile = Files.newOutputStream(request.resolve("stdout"));
        OutputStream errFile = Files.newOutputStream(request.resolve("stderr"));
        PrintStream out = new PrintStream(outFile, true, UTF_8);
        PrintStream err = new PrintStream(errFile, true, UTF_8)) {
      try {
        exit = Hsm.run(directory, args.toArray(new String[0]), env, in, out, err);
      } catch (RuntimeException e) {
        e.printStackTrace(err);
        exit = 70;
      }
    }
    Path partial = Files.writeString(request.resolve("exit.partial"), Integer.toString(exit));
    Files.move(partial, request.resolve("exit"), StandardCopyOption.ATOMIC_MOVE);
  }

  private static List<String> split(byte[] nulSeparated) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < nulSeparated.length; i++) {
      if (nulSeparated[i] == 0) {
        parts.add(new String(nulSeparated, start, i - start, UTF_8));
        start = i + 1;
      }
    }
    return parts;
  }

  /** Stops serving; fails if serving failed. */
  @Override
  public void close() throws Exception {
    closed = true;
    if (server.isAlive()) {
      try (OutputStream wake = Files.newOutputStream(requests)) {
        wake.write("stop\n".getBytes(UTF_8));
      }
      server.join(10_000);
    }
    synchronized (failures) {
      if (!failures.isEmpty()) {
        throw new AssertionError("the hsm bridge failed", failures.get(0));
      }
    }
  }
}
