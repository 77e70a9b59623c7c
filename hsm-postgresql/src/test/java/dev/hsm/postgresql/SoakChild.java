package dev.hsm.postgresql;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
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
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * One of the instances of {@link FourJvmSoakTest}: a JVM of its own on the shared PostgreSQL store,
 * for a given time. Arguments: {@code jdbcUrl schema keyFile id otherIds(comma-separated)
 * exchangeDir durationMillis}.
 *
 * <p>Each iteration creates a key {@code <id>-<n>} (AES-GCM, HMAC, ECDSA P-256 in turn); every
 * tenth rotates the shared key (at most {@value #MAX_ROTATIONS} times, so that its rows stay
 * small); every fifth disables the key made five iterations before, and every fifteenth enables
 * again the one it disabled ten iterations before; then it encrypts {@code <id>:<n>} with the
 * shared key and hands the ciphertext to the others through a file, and decrypts every ciphertext
 * the others handed over since, using (every third iteration) the key each of them made in that
 * iteration too (which its owner may have disabled meanwhile: the one expected refusal), and the
 * key it made ten iterations before if its owner has disabled it for good, which must be refused
 * here too. An iteration takes at least 100 ms. At the end it waits until the others are done and
 * decrypts the rest. Stdout, one line per act that returned:
 *
 * <pre>
 * READY
 * CREATED &lt;name&gt;
 * ROTATED &lt;version&gt;
 * DISABLED &lt;name&gt; | ENABLED &lt;name&gt;
 * CT &lt;n&gt; &lt;hex ciphertext&gt;
 * DECRYPTED &lt;otherId&gt; &lt;n&gt;
 * USED &lt;name&gt; ok|disabled|late
 * FAIL &lt;what went wrong&gt;
 * DONE
 * </pre>
 *
 * <p>Exit code 0 only if nothing failed; 1 if an exception reached {@code main}, 2 on FAIL lines.
 */
public final class SoakChild {
  static final String SHARED = "shared";
  static final byte[] CONTEXT = "soak".getBytes(UTF_8);
  private static final int MAX_ROTATIONS = 40;
  private static final long WAIT_MILLIS = 120_000;

  /**
   * An iteration takes at least this long: an instance far ahead of the others would hand them more
   * ciphertexts than they can take, and slow them down further.
   */
  private static final long PACE_NANOS = 100_000_000;

  private final HsmClient hsm;
  private final Path exchange;
  private final String id;
  private final List<String> others;
  private final PrintStream out;
  private final KeyHandle shared;
  private final Set<String> seen = new HashSet<>();
  private final Set<String> disabled = new TreeSet<>();
  private int failures;

  private SoakChild(HsmClient hsm, Path exchange, String id, List<String> others, PrintStream out) {
    this.hsm = hsm;
    this.exchange = exchange;
    this.id = id;
    this.others = others;
    this.out = out;
    this.shared = hsm.key(SHARED);
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
    HsmConfig config =
        HsmConfig.store(PostgresKeyRecordStore.factory(args[0], TestDatabase.USER, null, args[1]))
            .keyFile(Path.of(args[2]));
    String id = args[3];
    List<String> others = List.of(args[4].split(","));
    Path exchange = Path.of(args[5]);
    long deadline = System.nanoTime() + Duration.ofMillis(Long.parseLong(args[6])).toNanos();

    try (HsmClient hsm = HsmClient.open(config)) {
      SoakChild child = new SoakChild(hsm, exchange, id, others, out);
      child.shared.encrypt(new byte[1], CONTEXT); // loaded before the others start
      Files.createFile(exchange.resolve("ready-" + id));
      for (String other : others) {
        child.awaitFile("ready-" + other);
      }
      out.println("READY");
      int rotations = 0;
      KeySpec[] specs = {KeySpec.aes256Gcm(), KeySpec.hmacSha256(), KeySpec.ecdsaP256()};
      for (int n = 0; System.nanoTime() < deadline; n++) {
        long next = System.nanoTime() + PACE_NANOS;
        String name = id + "-" + n;
        hsm.createKey(name, specs[n % specs.length]);
        out.println("CREATED " + name);
        if (n % 10 == 0 && rotations < MAX_ROTATIONS) {
          out.println("ROTATED " + child.shared.rotate());
          rotations++;
        }
        if (n % 5 == 0 && n >= 5) {
          child.toggle(id + "-" + (n - 5)); // disables it
        }
        if (n % 15 == 0 && n >= 15) {
          child.toggle(id + "-" + (n - 15)); // enables it again
        }
        child.handOver(n);
        child.decryptOthers();
        long early = next - System.nanoTime();
        if (early > 0) {
          Thread.sleep(early / 1_000_000, (int) (early % 1_000_000));
        }
      }
      Files.createFile(exchange.resolve("done-" + id));
      for (String other : others) {
        child.awaitFile("done-" + other);
      }
      child.decryptOthers();
      out.println("DONE");
      return child.failures;
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

  /** Disables the key if it is enabled, else enables it again. */
  private void toggle(String name) {
    try {
      KeyHandle key = hsm.key(name);
      if (disabled.remove(name)) {
        key.enable();
        out.println("ENABLED " + name);
      } else {
        key.disable();
        disabled.add(name);
        out.println("DISABLED " + name);
      }
    } catch (RuntimeException e) {
      fail("toggling " + name + ": " + e);
    }
  }

  /** Encrypts {@code <id>:<n>}, prints it and hands it to the others (atomically). */
  private void handOver(int n) throws IOException {
    byte[] ciphertext = shared.encrypt(plaintext(id, n), CONTEXT);
    Path partial = exchange.resolve("partial-" + id + "-" + n);
    Files.write(partial, ciphertext);
    Files.move(partial, exchange.resolve("ct-" + id + "-" + n), StandardCopyOption.ATOMIC_MOVE);
    out.println("CT " + n + " " + HexFormat.of().formatHex(ciphertext));
  }

  /** Decrypts every ciphertext of the others not decrypted yet, and uses their keys. */
  private void decryptOthers() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(exchange)) {
      files =
          new ArrayList<>(
              list.filter(f -> f.getFileName().toString().startsWith("ct-"))
                  .filter(f -> !f.getFileName().toString().startsWith("ct-" + id + "-"))
                  .filter(f -> !seen.contains(f.getFileName().toString()))
                  .toList());
    }
    for (Path file : files) {
      seen.add(file.getFileName().toString());
      String[] parts = file.getFileName().toString().split("-");
      String other = parts[1];
      int n = Integer.parseInt(parts[2]);
      byte[] ciphertext = Files.readAllBytes(file);
      try {
        byte[] plaintext = shared.decrypt(ciphertext, CONTEXT);
        if (!Arrays.equals(plaintext, plaintext(other, n))) {
          fail("ciphertext " + other + "-" + n + " decrypted to the wrong plaintext");
          continue;
        }
        out.println("DECRYPTED " + other + " " + n);
      } catch (RuntimeException e) {
        fail("ciphertext " + other + "-" + n + " (version " + version(ciphertext) + "): " + e);
      }
      if (n % 3 == 0) {
        use(other + "-" + n, false);
      }
      int older = n - 10;
      if (older >= 0 && older % 5 == 0 && older % 15 != 0) {
        use(other + "-" + older, true); // disabled by its owner, in its iteration n - 5
      }
    }
  }

  /**
   * Uses another instance's key, made moments ago in its JVM; {@code disabledThere} if its owner
   * disabled it before it handed over the ciphertext that led here (at least 0.4 s before).
   */
  private void use(String name, boolean disabledThere) {
    try {
      KeyHandle key = hsm.key(name);
      byte[] data = name.getBytes(UTF_8);
      switch (key.info().algorithm().kind()) {
        case AEAD -> key.decrypt(key.encrypt(data, CONTEXT), CONTEXT);
        case MAC -> key.verifyMac(data, key.mac(data));
        default -> key.verify(data, key.sign(data));
      }
      // Still usable though disabled there: this instance had it cached and had not been told
      // yet (counted: the parent bounds how often that happens).
      out.println("USED " + name + (disabledThere ? " late" : " ok"));
    } catch (KeyDisabledException expected) {
      out.println("USED " + name + " disabled"); // its owner disabled it meanwhile
    } catch (RuntimeException e) {
      fail("using " + name + ": " + e);
    }
  }

  private void fail(String what) {
    failures++;
    out.println("FAIL " + what.replace('\n', ' '));
  }

  static byte[] plaintext(String id, int n) {
    return (id + ":" + n).getBytes(UTF_8);
  }

  /** The key version an envelope names (bytes 1-4, big-endian). */
  static int version(byte[] envelope) {
    return ByteBuffer.wrap(envelope, 1, 4).getInt();
  }
}
