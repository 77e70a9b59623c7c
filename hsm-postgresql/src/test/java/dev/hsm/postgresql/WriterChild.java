package dev.hsm.postgresql;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.StoreException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An instance of {@link CrashAndRestartTest} that writes until it is killed or told to stop.
 * Arguments: {@code jdbcUrl schema keyFile prefix seed refreshMillis stopFile goFile}.
 *
 * <p>Creates keys {@code <prefix>-<n>} (AES-GCM, HMAC and ECDSA P-256 in turn: the cheap ones
 * first, as most instances are killed after a few keys) and now and then rotates one of them, as
 * fast as it can; a second thread creates keys {@code <prefix>-b<n>} at the same time, so that some
 * commits hold several keys (group commit) when a kill or a server restart comes. After every call
 * that returned it prints one line, with an output of the new key or version for the parent to
 * check; and whenever the shared key's primary version it sees changes (another instance rotated
 * it), a {@code SHARED} line:
 *
 * <pre>
 * READY
 * CREATED &lt;name&gt; &lt;ALGORITHM&gt; &lt;hex signature, ciphertext or tag&gt;
 * ROTATED &lt;name&gt; &lt;version&gt; &lt;ALGORITHM&gt; &lt;hex output of that version&gt;
 * SHARED &lt;version&gt;
 * UNSURE &lt;name&gt; &lt;message&gt;   (a StoreException: the database was away; not acknowledged)
 * FAIL &lt;what went wrong&gt;
 * DONE
 * </pre>
 *
 * <p>Once open it prints {@code READY} and waits for {@code goFile} to exist (unless it is {@code
 * -}), so that a parent can start it early without it using the CPU. It stops, closing its client,
 * once {@code stopFile} exists; exit code 0 unless something failed. A shutdown hook prints {@code
 * HOOK}: SIGKILL must not run it.
 */
public final class WriterChild {
  static final String SHARED = "shared";
  static final byte[] DATA = "written before the crash".getBytes(UTF_8);

  private final HsmClient hsm;
  private final PrintStream out;
  private final Path stopFile;
  private volatile int failures;
  private int sharedVersion;

  private WriterChild(HsmClient hsm, PrintStream out, Path stopFile) {
    this.hsm = hsm;
    this.out = out;
    this.stopFile = stopFile;
  }

  public static void main(String[] args) throws Exception {
    // Unbuffered: each println is one write, made before the next call starts.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> out.println("HOOK")));
    HsmConfig config =
        HsmConfig.store(PostgresKeyRecordStore.factory(args[0], TestDatabase.USER, null, args[1]))
            .keyFile(Path.of(args[2]))
            .refreshInterval(Duration.ofMillis(Long.parseLong(args[5])));
    String prefix = args[3];
    Random random = new Random(Long.parseLong(args[4]));
    Path stopFile = Path.of(args[6]);
    Path goFile = args[7].equals("-") ? null : Path.of(args[7]);
    int failures;
    try (HsmClient hsm = HsmClient.open(config)) {
      WriterChild child = new WriterChild(hsm, out, stopFile);
      child.watchShared();
      out.println("READY");
      while (goFile != null && !Files.exists(goFile)) {
        pause(2);
      }
      Thread second = new Thread(() -> child.createKeys(prefix + "-b", null), "second creator");
      second.start();
      child.createKeys(prefix + "-", random);
      second.join();
      failures = child.failures;
    } catch (Throwable e) {
      out.println("FAIL " + e.toString().replace('\n', ' '));
      e.printStackTrace();
      failures = 1;
    }
    out.println("DONE");
    System.exit(failures == 0 ? 0 : 2);
  }

  private boolean stopping() {
    return Files.exists(stopFile);
  }

  /** Creates keys {@code <prefix><n>} until told to stop; rotates one now and then if random. */
  private void createKeys(String prefix, Random random) {
    KeySpec[] specs = {KeySpec.aes256Gcm(), KeySpec.hmacSha256(), KeySpec.ecdsaP256()};
    List<String> mine = new ArrayList<>();
    Map<String, Algorithm> algorithms = new HashMap<>();
    for (int n = 0; !stopping(); n++) {
      String name = prefix + n;
      Algorithm algorithm = specs[n % specs.length].algorithm();
      try {
        KeyHandle key = hsm.createKey(name, specs[n % specs.length]);
        mine.add(name); // acknowledged from here on: the line follows, output or not
        algorithms.put(name, algorithm);
        out.println("CREATED " + name + " " + algorithm + " " + outputOrDash(key, algorithm));
        if (random != null && random.nextInt(3) == 0) {
          KeyHandle rotated = hsm.key(mine.get(random.nextInt(mine.size())));
          int version = rotated.rotate();
          Algorithm rotatedAlgorithm = algorithms.get(rotated.name());
          out.println(
              "ROTATED "
                  + rotated.name()
                  + " "
                  + version
                  + " "
                  + rotatedAlgorithm
                  + " "
                  + outputOrDash(rotated, rotatedAlgorithm));
        }
        if (random != null) {
          watchShared();
        }
      } catch (StoreException e) {
        // The database is away (a restart): nothing acknowledged; the client recovers by itself.
        out.println("UNSURE " + name + " " + e.getMessage().replace('\n', ' '));
        pause(50);
      } catch (RuntimeException e) {
        failures++;
        out.println("FAIL " + name + ": " + e.toString().replace('\n', ' '));
        e.printStackTrace();
        pause(50);
      }
    }
  }

  /** An output of the key's primary version, or "-" if the database was away to load it. */
  private static String outputOrDash(KeyHandle key, Algorithm algorithm) {
    try {
      return hex(output(key, algorithm));
    } catch (StoreException away) {
      return "-";
    }
  }

  /** Prints the shared key's primary version as this instance's cache has it, if it changed. */
  private void watchShared() {
    KeyHandle shared = hsm.key(SHARED);
    int version = ByteBuffer.wrap(shared.encrypt(DATA, DATA), 1, 4).getInt();
    if (version != sharedVersion) {
      sharedVersion = version;
      out.println("SHARED " + version);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A signature, ciphertext or MAC tag over {@link #DATA} with the key's primary version. */
  static byte[] output(KeyHandle key, Algorithm algorithm) {
    return switch (algorithm.kind()) {
      case SIGNATURE -> key.sign(DATA);
      case AEAD -> key.encrypt(DATA, key.name().getBytes(UTF_8));
      case MAC -> key.mac(DATA);
      default -> throw new IllegalArgumentException(algorithm.toString());
    };
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
