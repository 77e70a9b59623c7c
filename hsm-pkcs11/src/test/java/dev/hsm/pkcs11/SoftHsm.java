package dev.hsm.pkcs11;

import dev.hsm.PinSource;
import dev.hsm.spi.KeyCustody;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A SoftHSM2 token for the tests, initialised once per test JVM in a temporary directory (deleted
 * at exit): SoftHSM2 reads its configuration ({@code SOFTHSM2_CONF}, which surefire sets to a file
 * under target/) once per process, so every test of a JVM shares the token; keys never collide, as
 * their labels carry the store's binding and 64 random bits.
 *
 * <p>Where SoftHSM2 is missing the tests are skipped, and one loud line says how to run them.
 */
public final class SoftHsm {
  /** The token's user PIN. */
  public static final String PIN = "1234";

  /** The token's label. */
  public static final String LABEL = "hsm-test";

  private static final String HOW_TO_RUN =
      "install SoftHSM2 and OpenSC (apt-get install softhsm2 opensc; .ci/run does) and run"
          + " mvn -pl hsm-pkcs11 -am test, whose surefire sets SOFTHSM2_CONF";

  private static Setup setup;
  private static boolean toldPkcs11Tool;

  private SoftHsm() {}

  private record Setup(String library, long slot, long secondSlot, String skipReason) {}

  /** Skips the calling test, with the reason, unless a SoftHSM2 token is ready. */
  public static void assumeAvailable() {
    Setup current = setup();
    Assumptions.assumeTrue(
        current.skipReason() == null, () -> "SoftHSM2 tests skipped: " + current.skipReason());
  }

  /** The SoftHSM2 library. */
  public static Path library() {
    return Paths.get(setup().library());
  }

  /** The token's slot id. */
  public static long slot() {
    return setup().slot();
  }

  /** The slot id of a second token (same PIN), which only the login tests use. */
  public static long secondSlot() {
    return setup().secondSlot();
  }

  /** Custody in the test token. */
  public static KeyCustody.Factory custody() {
    assumeAvailable();
    return Pkcs11.custody(library(), slot(), PinSource.of(PIN));
  }

  /** Skips the calling test unless {@code pkcs11-tool} (OpenSC) is installed too. */
  public static synchronized void assumePkcs11Tool() {
    assumeAvailable();
    boolean present = runs("pkcs11-tool", "--module", setup().library(), "--list-slots");
    if (!present && !toldPkcs11Tool) {
      toldPkcs11Tool = true;
      System.err.println(
          "\n*** hsm-pkcs11: pkcs11-tool tests SKIPPED: pkcs11-tool (OpenSC) is not installed;"
              + " to run them, "
              + HOW_TO_RUN
              + " ***\n");
    }
    Assumptions.assumeTrue(present, "pkcs11-tool (OpenSC) is not installed");
  }

  /** Runs {@code pkcs11-tool} on the test token with {@code arguments}; its output, or fails. */
  public static String pkcs11Tool(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add("pkcs11-tool");
    command.add("--module");
    command.add(setup().library());
    command.add("--slot");
    command.add(Long.toString(slot()));
    command.addAll(List.of(arguments));
    return run(command);
  }

  private static synchronized Setup setup() {
    if (setup == null) {
      setup = prepare();
      if (setup.skipReason() != null) {
        System.err.println(
            "\n*** hsm-pkcs11: SoftHSM2 tests SKIPPED: "
                + setup.skipReason()
                + "; to run them, "
                + HOW_TO_RUN
                + " ***\n");
      }
    }
    return setup;
  }

  private static Setup prepare() {
    String library =
        System.getenv().getOrDefault("SOFTHSM2_LIB", "/usr/lib/softhsm/libsofthsm2.so");
    if (!Files.isRegularFile(Paths.get(library))) {
      return new Setup(library, -1, -1, "no SoftHSM2 library at " + library);
    }
    if (!runs("softhsm2-util", "--version")) {
      return new Setup(library, -1, -1, "softhsm2-util is not installed");
    }
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null) {
      return new Setup(library, -1, -1, "SOFTHSM2_CONF is not set (not run by Maven?)");
    }
    try {
      Path tokens = Files.createTempDirectory("hsm-softhsm2-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(tokens)));
      Path confFile = Paths.get(conf);
      Files.createDirectories(confFile.toAbsolutePath().getParent());
      Files.writeString(
          confFile,
          "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n",
          StandardCharsets.UTF_8);
      return new Setup(library, initToken(LABEL), initToken(LABEL + "-2"), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Initialises a token in the first free slot; its slot id. */
  private static long initToken(String label) {
    String out =
        run(
            List.of(
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                "5678"));
    Matcher slot = Pattern.compile("slot (\\d+)").matcher(out);
    if (!slot.find()) {
      throw new AssertionError("softhsm2-util printed no slot: " + out);
    }
    return Long.parseLong(slot.group(1));
  }

  private static boolean runs(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs a command; its standard output and error, or an AssertionError with them. */
  static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at exit
    }
  }
}
