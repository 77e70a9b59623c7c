package dev.hsm.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.HsmException;
import dev.hsm.TestStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * What every property of the fuzz suites shares: inputs made by mutating valid ones, a call that
 * must end within a time limit (no hang), the check that a refusal is one of the documented
 * exceptions, and the store's content before and after (no partial write).
 *
 * <p>With the system property {@code fuzz.statistics} (the {@code fuzz} profile sets it), each
 * call's outcome (worked, or the exception's class) is collected in jqwik's statistics under the
 * parser's name, so the run's report shows how far the inputs got.
 *
 * <p>The default build runs a fast sample ({@code jqwik.tries.default} in {@code
 * junit-platform.properties}); the {@code fuzz} Maven profile raises it to 100,000 per property
 * (docs/FUZZING.md).
 */
final class Fuzz {
  /** The longest any single call may take: far above any honest input's cost. */
  static final long TIMEOUT_SECONDS = 30;

  private static final boolean STATISTICS = Boolean.getBoolean("fuzz.statistics");

  /** Runs the calls; replaced after a call hangs, so that the next one does not wait behind it. */
  private static ExecutorService runner = newRunner();

  private Fuzz() {}

  private static ExecutorService newRunner() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread thread = new Thread(r, "fuzz-call");
          thread.setDaemon(true);
          return thread;
        });
  }

  /** An action on the library that may throw. */
  interface Call<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code call} within {@link #TIMEOUT_SECONDS}: it must return, or throw one of {@code
   * documented}. Anything else (another exception, an error, a hang) fails the property.
   */
  @SafeVarargs
  static synchronized <T> Outcome<T> attempt(
      String parser, Call<T> call, Class<? extends HsmException>... documented) {
    Future<T> future = runner.submit(call::run);
    try {
      T result = future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      collect(parser, "works");
      return new Outcome<>(result, null);
    } catch (TimeoutException hang) {
      future.cancel(true);
      runner.shutdownNow();
      runner = newRunner();
      throw new AssertionError(parser + ": the call did not end within " + TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      Throwable thrown = e.getCause();
      if (Arrays.stream(documented).noneMatch(type -> type.isInstance(thrown))) {
        throw new AssertionError(
            parser
                + " threw an exception the API does not document for it ("
                + Arrays.stream(documented).map(Class::getSimpleName).toList()
                + "): "
                + thrown,
            thrown);
      }
      collect(parser, thrown.getClass().getSimpleName());
      return new Outcome<>(null, (HsmException) thrown);
    }
  }

  private static void collect(String parser, String outcome) {
    if (STATISTICS) {
      Statistics.label(parser).collect(outcome);
    }
  }

  /** What a call gave: a result, or a documented refusal. */
  record Outcome<T>(T result, HsmException refusal) {
    boolean worked() {
      return refusal == null;
    }
  }

  // ---------------------------------------------------------------- inputs

  /** {@link #near(byte[], List, int)} for each of {@code seeds}, any of them the donor. */
  static Arbitrary<byte[]> near(List<byte[]> seeds, int maxRandom) {
    return Arbitraries.of(seeds).flatMap(seed -> near(seed, seeds, maxRandom));
  }

  /**
   * Inputs near {@code seed}: the seed itself, the seed with one to three mutations (bits flipped,
   * truncated, extended, a slice cut out or repeated, an interesting byte or a 32-bit number
   * written somewhere), the head of the seed spliced onto the tail of a donor (a header moved onto
   * another body), mutated too, or random bytes up to {@code maxRandom} long. Most inputs are thus
   * nearly valid and reach deep into the parser, past its first length or format check.
   */
  static Arbitrary<byte[]> near(byte[] seed, List<byte[]> donors, int maxRandom) {
    Arbitrary<Random> randoms = Arbitraries.longs().map(Random::new);
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(seed).map(byte[]::clone)),
        Tuple.of(
            2,
            Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(maxRandom)
                .withSizeDistribution(RandomDistribution.biased())),
        Tuple.of(12, randoms.map(random -> mutate(seed, random))),
        Tuple.of(
            3,
            Combinators.combine(Arbitraries.of(donors), randoms)
                .as(
                    (donor, random) -> {
                      byte[] spliced = splice(seed, donor, random);
                      return random.nextBoolean() ? spliced : mutate(spliced, random);
                    })));
  }

  /** The first bytes of {@code head} followed by the last bytes of {@code tail}. */
  static byte[] splice(byte[] head, byte[] tail, Random random) {
    int from = random.nextInt(head.length + 1);
    int to = random.nextInt(tail.length + 1);
    byte[] out = Arrays.copyOf(head, from + tail.length - to);
    System.arraycopy(tail, to, out, from, tail.length - to);
    return out;
  }

  /** One to three mutations of {@code seed}, chosen by {@code random}. */
  static byte[] mutate(byte[] seed, Random random) {
    byte[] out = seed.clone();
    int rounds = 1 + random.nextInt(3);
    for (int round = 0; round < rounds; round++) {
      out = mutateOnce(out, random);
    }
    return out;
  }

  private static byte[] mutateOnce(byte[] in, Random random) {
    int length = in.length;
    switch (random.nextInt(7)) {
      case 0: // flip bits in a few bytes
        {
          byte[] out = in.clone();
          for (int i = 0, n = 1 + random.nextInt(4); i < n && length > 0; i++) {
            out[random.nextInt(length)] ^= (byte) (1 + random.nextInt(255));
          }
          return out;
        }
      case 1: // truncate
        return Arrays.copyOf(in, length == 0 ? 0 : random.nextInt(length));
      case 2: // extend with random bytes
        {
          byte[] out = Arrays.copyOf(in, length + 1 + random.nextInt(64));
          for (int i = length; i < out.length; i++) {
            out[i] = (byte) random.nextInt(256);
          }
          return out;
        }
      case 3: // an interesting value at a random place (lengths, versions, tags)
        {
          byte[] out = in.clone();
          if (length > 0) {
            byte[] values = {0, 1, 2, 4, 5, 0x7f, (byte) 0x80, (byte) 0xff};
            out[random.nextInt(length)] = values[random.nextInt(values.length)];
          }
          return out;
        }
      case 4: // cut a slice out
        {
          if (length < 2) {
            return in;
          }
          int from = random.nextInt(length);
          int to = from + random.nextInt(length - from);
          byte[] out = new byte[length - (to - from)];
          System.arraycopy(in, 0, out, 0, from);
          System.arraycopy(in, to, out, from, length - to);
          return out;
        }
      case 5: // repeat a slice
        {
          if (length == 0) {
            return in;
          }
          int from = random.nextInt(length);
          int size = 1 + random.nextInt(Math.min(64, length - from));
          byte[] out = new byte[length + size];
          System.arraycopy(in, 0, out, 0, from + size);
          System.arraycopy(in, from, out, from + size, length - from);
          return out;
        }
      default: // a 32-bit big-endian number somewhere (an envelope's version, a length field)
        {
          byte[] out = in.clone();
          if (length >= 4) {
            int at = random.nextInt(length - 3);
            int value = random.nextBoolean() ? random.nextInt() : random.nextInt(4);
            out[at] = (byte) (value >>> 24);
            out[at + 1] = (byte) (value >>> 16);
            out[at + 2] = (byte) (value >>> 8);
            out[at + 3] = (byte) value;
          }
          return out;
        }
    }
  }

  /**
   * Text near {@code seeds}: their bytes mutated as by {@link #near(List, int)}, read as ISO-8859-1
   * (so every byte survives), or any string up to {@code maxRandom} characters.
   */
  static Arbitrary<String> nearText(List<String> seeds, int maxRandom) {
    List<byte[]> bytes = new ArrayList<>();
    for (String seed : seeds) {
      bytes.add(seed.getBytes(StandardCharsets.ISO_8859_1));
    }
    return Arbitraries.frequencyOf(
        Tuple.of(9, near(bytes, maxRandom).map(b -> new String(b, StandardCharsets.ISO_8859_1))),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(maxRandom)));
  }

  // ---------------------------------------------------------------- the store

  /**
   * The content of an SQLite store that a refused input must leave as it was: every table but the
   * usage counters, and the audit entries that are not refusals (a refusal is written to the log
   * where that is documented). Reads through one read-only connection, kept open.
   */
  static final class StoreContent implements AutoCloseable {
    private final Path db;
    private final Connection connection;

    StoreContent(Path db) {
      this.db = db;
      try {
        connection = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
      } catch (SQLException e) {
        throw new AssertionError("cannot open the store " + db, e);
      }
    }

    /**
     * What a refused input must not change, cheap enough to read on every try however large the
     * store grows (no query scans a table): the last row of the key rows and of the version rows (a
     * row added), the unlock slots, the settings, and the audit log's last entry. Entries after it
     * must all be refusals: the library writes an entry with every change of a key, in the same
     * transaction, so a changed row shows there.
     */
    Snapshot snapshot() {
      try (Statement s = connection.createStatement();
          ResultSet row =
              s.executeQuery(
                  "SELECT (SELECT ifnull(max(rowid), 0) FROM hsm_key) || ',' || (SELECT"
                      + " ifnull(max(rowid), 0) FROM key_version) || ',' || (SELECT count(*) FROM"
                      + " unlock_slot) || ',' || (SELECT ifnull(max(id), 0) FROM unlock_slot) ||"
                      + " ',' || (SELECT group_concat(name || '=' || value, ';') FROM store_meta),"
                      + " (SELECT ifnull(max(seq), 0) FROM audit_log)")) {
        row.next();
        return new Snapshot(row.getString(1), row.getLong(2));
      } catch (SQLException e) {
        throw new AssertionError("cannot read the store " + db, e);
      }
    }

    /** Fails unless the store is as {@code before}, but for refusals appended to the log. */
    void assertUnchangedSince(Snapshot before, String what) {
      Snapshot now = snapshot();
      assertThat(now.tables())
          .as("%s: the key rows, slots and settings", what)
          .isEqualTo(before.tables());
      try (PreparedStatement s =
          connection.prepareStatement(
              "SELECT count(*) FROM audit_log WHERE seq > ? AND outcome <> 'refused'")) {
        s.setLong(1, before.lastAudit());
        try (ResultSet row = s.executeQuery()) {
          row.next();
          assertThat(row.getLong(1)).as("%s: audit entries other than refusals", what).isZero();
        }
      } catch (SQLException e) {
        throw new AssertionError("cannot read the store " + db, e);
      }
    }

    /** The action, key name and outcome of each audit entry written since {@code before}. */
    List<List<String>> auditSince(Snapshot before) {
      try (PreparedStatement s =
          connection.prepareStatement(
              "SELECT action, key_name, outcome FROM audit_log WHERE seq > ? ORDER BY seq")) {
        s.setLong(1, before.lastAudit());
        List<List<String>> entries = new ArrayList<>();
        try (ResultSet rows = s.executeQuery()) {
          while (rows.next()) {
            entries.add(Arrays.asList(rows.getString(1), rows.getString(2), rows.getString(3)));
          }
        }
        return entries;
      } catch (SQLException e) {
        throw new AssertionError("cannot read the store " + db, e);
      }
    }

    /** Every row that matters, digested: for the start and end of a suite. */
    String digest() {
      try (Statement s = connection.createStatement()) {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (String query :
            List.of(
                "SELECT * FROM store_meta ORDER BY 1",
                "SELECT * FROM unlock_slot ORDER BY 1",
                "SELECT * FROM hsm_key ORDER BY 1",
                "SELECT * FROM key_version ORDER BY 1, 2",
                "SELECT seq, actor, action, key_name, version, outcome FROM audit_log"
                    + " WHERE outcome <> 'refused' ORDER BY seq")) {
          try (ResultSet rows = s.executeQuery(query)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
              for (int i = 1; i <= columns; i++) {
                byte[] value = rows.getBytes(i);
                digest.update(value == null ? new byte[] {(byte) 0xff} : value);
                digest.update((byte) 0);
              }
            }
          }
        }
        return HexFormat.of().formatHex(digest.digest());
      } catch (SQLException | NoSuchAlgorithmException e) {
        throw new AssertionError("cannot read the store " + db, e);
      }
    }

    @Override
    public void close() {
      try {
        connection.close();
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** A store's state as {@link StoreContent#snapshot()} reads it. */
  record Snapshot(String tables, long lastAudit) {}

  /**
   * Opens (creating) a key-file-unlocked store {@code dir/name} whose background maintenance does
   * not run during a suite (a refresh interval of a day): its rotations and destructions of keys
   * that came due (an imported key's dates are the input's) would be writes that no input made.
   */
  static HsmClient openStore(Path dir, String name) {
    return HsmClient.open(TestStores.keyFileConfig(dir, name).refreshInterval(Duration.ofDays(1)));
  }

  // ---------------------------------------------------------------- files

  /**
   * A new directory for a suite's stores: under {@code /dev/shm} where there is one (a RAM disk, so
   * the commits of accepted inputs do not wait for a disk: the fuzzed code is the same), else under
   * the JVM's temporary directory.
   */
  static Path tempDir(String prefix) {
    try {
      Path shm = Path.of("/dev/shm");
      if (Files.isDirectory(shm) && Files.isWritable(shm)) {
        return Files.createTempDirectory(shm, prefix);
      }
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names of the files in {@code dir}. */
  static Set<String> fileNames(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
