package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One of the two processes of {@link MultiProcessTest}, sharing a key-file store with the other.
 *
 * <p>Arguments: {@code dir store id otherId iterations refreshMillis}. Waits until the other
 * process is ready too, then each iteration creates a key {@code <id>-<n>} (AES-GCM, HMAC, ECDSA
 * P-256 in turn), every fourth iteration rotates the shared key {@code shared-aes}, encrypts {@code
 * <id>:<n>} with it (context {@link #CONTEXT}) and hands the ciphertext to the other process
 * through a file, and decrypts every ciphertext the other process handed over since. Before each
 * such decryption it encrypts a probe: if the other's ciphertext names a newer version than the
 * probe, the other rotated after this process last loaded the key, so the decryption had to find a
 * version this process had not cached. At the end it waits for the other to finish and decrypts the
 * rest. Stdout, one line per act that returned:
 *
 * <pre>
 * READY
 * CREATED &lt;name&gt;
 * ROTATED &lt;version&gt;
 * CT &lt;n&gt; &lt;hex ciphertext&gt;
 * DECRYPTED &lt;otherId&gt; &lt;n&gt; &lt;version&gt;
 * STALE &lt;otherId&gt; &lt;n&gt; &lt;version&gt; &lt;probe version&gt;
 * FAIL &lt;what went wrong&gt;
 * DONE
 * </pre>
 *
 * <p>Exit code 0 only if nothing failed; 1 if an exception reached {@code main}, 2 on FAIL lines.
 */
public final class WorkerChild {
  static final String SHARED = "shared-aes";
  static final byte[] CONTEXT = "multi-process".getBytes(UTF_8);
  private static final long WAIT_MILLIS = 40_000;

  private final Path exchange;
  private final String id;
  private final String other;
  private final KeyHandle shared;
  private final PrintStream out;
  private final Set<String> seen = new HashSet<>();
  private int failures;

  private WorkerChild(Path exchange, String id, String other, KeyHandle shared, PrintStream out) {
    this.exchange = exchange;
    this.id = id;
    this.other = other;
    this.shared = shared;
    this.out = out;
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
    int failures;
    try {
      failures = run(args, out);
    } catch (Throwable e) {
      out.println("ERROR " + e.toString().replace('\n', ' '));
      e.printStackTrace();
      out.flush();
      System.exit(1);
      return;
    }
    System.exit(failures == 0 ? 0 : 2);
  }

  private static int run(String[] args, PrintStream out) throws Exception {
    Path dir = Path.of(args[0]);
    String store = args[1];
    String id = args[2];
    String other = args[3];
    int iterations = Integer.parseInt(args[4]);
    Duration refresh = Duration.ofMillis(Long.parseLong(args[5]));
    Path exchange = Files.createDirectories(dir.resolve("exchange"));

    try (HsmClient hsm =
        HsmClient.open(TestStores.keyFileConfig(dir, store).refreshInterval(refresh))) {
      WorkerChild worker = new WorkerChild(exchange, id, other, hsm.key(SHARED), out);
      worker.encryptProbe(); // load the shared key before the race starts
      Files.createFile(exchange.resolve("ready-" + id));
      worker.awaitFile("ready-" + other);
      out.println("READY");

      KeySpec[] specs = {KeySpec.aes256Gcm(), KeySpec.hmacSha256(), KeySpec.ecdsaP256()};
      for (int n = 0; n < iterations; n++) {
        String name = id + "-" + n;
        hsm.createKey(name, specs[n % specs.length]);
        out.println("CREATED " + name);
        if (n % 4 == 0) {
          out.println("ROTATED " + worker.shared.rotate());
        }
        worker.handOver(n);
        worker.decryptOthers();
      }
      Files.createFile(exchange.resolve("done-" + id));
      worker.awaitFile("done-" + other);
      worker.decryptOthers();
      out.println("DONE");
      return worker.failures;
    }
  }

  private void awaitFile(String name) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (!Files.exists(exchange.resolve(name))) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(id + ": gave up waiting for " + name);
      }
      Thread.sleep(5);
    }
  }

  /** Encrypts {@code <id>:<n>}, prints it and hands it to the other process (atomically). */
  private void handOver(int n) throws IOException {
    byte[] ciphertext = shared.encrypt(plaintext(id, n), CONTEXT);
    Path partial = exchange.resolve("partial-" + id + "-" + n);
    Files.write(partial, ciphertext);
    Files.move(partial, exchange.resolve("ct-" + id + "-" + n), StandardCopyOption.ATOMIC_MOVE);
    out.println("CT " + n + " " + HexFormat.of().formatHex(ciphertext));
  }

  /** Decrypts every ciphertext of the other process not decrypted yet, oldest first. */
  private void decryptOthers() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(exchange)) {
      files =
          new ArrayList<>(
              list.filter(f -> f.getFileName().toString().startsWith("ct-" + other + "-"))
                  .filter(f -> !seen.contains(f.getFileName().toString()))
                  .toList());
    }
    files.sort((a, b) -> Integer.compare(number(a), number(b)));
    for (Path file : files) {
      seen.add(file.getFileName().toString());
      int n = number(file);
      byte[] ciphertext = Files.readAllBytes(file);
      int version = version(ciphertext);
      int probe = encryptProbe();
      try {
        byte[] plaintext = shared.decrypt(ciphertext, CONTEXT);
        if (!Arrays.equals(plaintext, plaintext(other, n))) {
          fail("ciphertext " + other + "-" + n + " decrypted to the wrong plaintext");
          continue;
        }
      } catch (RuntimeException e) {
        fail(
            "ciphertext "
                + other
                + "-"
                + n
                + " (version "
                + version
                + ", probe "
                + probe
                + ") does not decrypt: "
                + e);
        continue;
      }
      if (version > probe) {
        out.println("STALE " + other + " " + n + " " + version + " " + probe);
      }
      out.println("DECRYPTED " + other + " " + n + " " + version);
    }
  }

  /** Encrypts a probe and returns the version it used: the primary as this process has it. */
  private int encryptProbe() {
    return version(shared.encrypt(new byte[] {1}, CONTEXT));
  }

  private void fail(String what) {
    failures++;
    out.println("FAIL " + what.replace('\n', ' '));
  }

  private static int number(Path file) {
    String name = file.getFileName().toString();
    return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
  }

  static byte[] plaintext(String id, int n) {
    return (id + ":" + n).getBytes(UTF_8);
  }

  /** The key version an envelope names (bytes 1-4, big-endian). */
  static int version(byte[] envelope) {
    return ByteBuffer.wrap(envelope, 1, 4).getInt();
  }
}
