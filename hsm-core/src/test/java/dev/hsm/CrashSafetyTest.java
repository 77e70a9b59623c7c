package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process with SIGKILL, many times, at random moments, and checks after each kill
 * that the store opens and holds exactly whole acts: every key and version the child saw committed
 * is there and usable, nothing half-written is visible, and the audit log is intact and matches the
 * keys. The randomness is only in the timing; the seed is printed (rerun with {@code
 * -Dcrash.seed=...}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrashSafetyTest {
  /**
   * Rounds of start, write, SIGKILL, check; each costs a child JVM start (about a second). On a
   * busy machine it stops after {@link #MIN_ROUNDS} once {@link #BUDGET_SECONDS} have passed.
   */
  private static final int MAX_ROUNDS = 20;

  private static final int MIN_ROUNDS = 12;
  private static final long BUDGET_SECONDS = 30;

  private static final String STORE = "crash.db";

  /** {@code Process.exitValue()} of a process ended by signal 9 on Linux: 128 + 9. */
  private static final int KILLED_BY_SIGKILL = 137;

  @TempDir Path dir;

  /** What the children reported, cumulated over the rounds. */
  private final Map<String, Algorithm> created = new TreeMap<>();

  private final Map<String, Integer> rotatedTo = new TreeMap<>();

  /** Outputs (signature, ciphertext, tag) of every key version seen, to check again later. */
  private final List<Output> outputs = new ArrayList<>();

  private int reportedRotations;

  private record Output(String key, int version, Algorithm algorithm, byte[] bytes) {}

  @Test
  void storeSurvivesSigkillAtRandomMoments() throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    System.out.println("CrashSafetyTest seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")");
    Random random = new Random(seed);
    HsmConfig config = TestStores.keyFileConfig(dir, STORE);
    try (HsmClient hsm = HsmClient.open(config)) {
      KeyHandle first = hsm.createKey("parent-0", KeySpec.ecdsaP256());
      created.put("parent-0", Algorithm.ECDSA_P256_SHA256);
      record(
          first, Algorithm.ECDSA_P256_SHA256, CrashChild.output(first, first.info().algorithm()));
    }

    long started = System.nanoTime();
    int unreportedKeys = 0;
    int killedWhileWriting = 0;
    int killedEarly = 0;
    int round = 0;
    for (;
        round < MAX_ROUNDS
            && (round < MIN_ROUNDS
                || System.nanoTime() - started < TimeUnit.SECONDS.toNanos(BUDGET_SECONDS));
        round++) {
      // Most rounds kill 20-350 ms after the child's first create returned, while it writes;
      // every fourth kills 300-900 ms after the start, so sometimes while it opens the store.
      boolean duringStart = round % 4 == 2;
      long delay = duringStart ? 300 + random.nextInt(601) : 20 + random.nextInt(331);
      List<String> lines;
      try (ChildJvm child =
          ChildJvm.start(
              dir,
              "round-" + round,
              CrashChild.class,
              dir.toString(),
              STORE,
              "r" + round,
              Long.toString(random.nextLong()))) {
        if (!duringStart && !child.awaitLine(l -> l.startsWith("CREATED "), 30_000)) {
          fail("round %d: child did not create a key%n%s", round, child.describe());
        }
        Thread.sleep(delay);
        assertThat(child.process().isAlive())
            .as("round %d: child still running when killed%n%s", round, child.describe())
            .isTrue();
        long pid = child.pid();
        child.process().destroyForcibly(); // SIGKILL on Linux
        assertThat(child.awaitExit(10_000)).as("round %d: child %d died", round, pid).isTrue();
        assertThat(child.process().exitValue())
            .as("round %d: child ended by SIGKILL%n%s", round, child.describe())
            .isEqualTo(KILLED_BY_SIGKILL);
        assertThat(Path.of("/proc/" + pid)).as("child %d is gone", pid).doesNotExist();
        lines = child.lines();
        assertThat(lines).as("SIGKILL runs no shutdown hook").doesNotContain("HOOK");
        assertThat(child.stderr()).as("round %d: child stderr", round).doesNotContain("Exception");
      }
      killedEarly += lines.contains("READY") ? 0 : 1;
      killedWhileWriting += lines.stream().anyMatch(l -> l.startsWith("CREATED ")) ? 1 : 0;
      parse(round, lines);

      // WAL mode never writes a rollback journal; a child killed with the store open leaves its
      // WAL behind (the parent's clean close before removed the previous one), which the next
      // open must recover.
      assertThat(sibling("-journal")).as("round %d: no rollback journal", round).doesNotExist();
      if (!duringStart) {
        assertThat(sibling("-wal")).as("round %d: WAL left by the killed child", round).exists();
      }
      unreportedKeys = checkStore(config, round);
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

    // A clean close checkpoints and removes the WAL; the store stays in WAL mode and reopens.
    assertThat(sibling("-journal")).doesNotExist();
    assertThat(!Files.exists(sibling("-wal")) || Files.size(sibling("-wal")) == 0)
        .as("WAL checkpointed on close")
        .isTrue();
    try (Connection c = StoreFiles.connect(dir.resolve(STORE));
        Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA journal_mode")) {
      assertThat(rows.getString(1)).isEqualTo("wal");
    }
    checkStore(config, round);

    System.out.printf(
        "CrashSafetyTest: %d rounds (%d SIGKILLs, %d of them before the store was open) in %d s;"
            + " %d keys reported created and %d rotations reported; %d rounds killed after at"
            + " least one create; %d keys committed but not reported (killed between commit and"
            + " print)%n",
        round,
        round,
        killedEarly,
        seconds,
        created.size(),
        reportedRotations,
        killedWhileWriting,
        unreportedKeys);
    assertThat(killedWhileWriting)
        .as("rounds killed while writing")
        .isGreaterThanOrEqualTo(round / 2);
  }

  private Path sibling(String suffix) {
    return dir.resolve(STORE + suffix);
  }

  /** Takes in the child's complete lines; a key or version must be reported only once. */
  private void parse(int round, List<String> lines) {
    for (String line : lines) {
      String[] f = line.split(" ");
      switch (f[0]) {
        case "READY":
          break;
        case "CREATED":
          {
            Algorithm algorithm = Algorithm.valueOf(f[2]);
            assertThat(created.put(f[1], algorithm)).as("round %d: %s", round, line).isNull();
            Output output = new Output(f[1], 1, algorithm, HexFormat.of().parseHex(f[3]));
            assertThat(envelopeVersion(output.bytes())).as(line).isEqualTo(1);
            outputs.add(output);
            break;
          }
        case "ROTATED":
          {
            int version = Integer.parseInt(f[2]);
            Output output =
                new Output(f[1], version, Algorithm.valueOf(f[3]), HexFormat.of().parseHex(f[4]));
            assertThat(envelopeVersion(output.bytes())).as(line).isEqualTo(version);
            Integer previous = rotatedTo.put(f[1], version);
            assertThat(previous == null ? 1 : previous).as(line).isLessThan(version);
            outputs.add(output);
            reportedRotations++;
            break;
          }
        default:
          fail("round %d: unexpected line from the child: %s", round, line);
      }
    }
  }

  /**
   * Reopens the store and checks it completely; returns how many keys exist that no child reported
   * (created, then killed before it could print).
   */
  private int checkStore(HsmConfig config, int round) {
    try (HsmClient hsm = HsmClient.open(config)) {
      List<KeyInfo> keys = hsm.listKeys();
      Map<String, KeyInfo> byName = new HashMap<>();
      keys.forEach(k -> byName.put(k.name(), k));

      created.forEach(
          (name, algorithm) -> {
            assertThat(byName).as("round %d: reported key %s", round, name).containsKey(name);
            assertThat(byName.get(name).algorithm()).isEqualTo(algorithm);
          });
      rotatedTo.forEach(
          (name, version) ->
              assertThat(byName.get(name).primaryVersion())
                  .as("round %d: %s was reported rotated to %d", round, name, version)
                  .isGreaterThanOrEqualTo(version));

      // Nothing half-written: each key has versions 1..primary, all enabled, each unwraps (the
      // first use loads and unwraps every enabled version) and its primary works.
      long versions = 0;
      for (KeyInfo info : keys) {
        assertThat(info.versions())
            .as("round %d: versions of %s", round, info.name())
            .extracting(KeyVersionInfo::version)
            .containsExactlyElementsOf(
                IntStream.rangeClosed(1, info.primaryVersion()).boxed().toList());
        assertThat(info.versions())
            .extracting(KeyVersionInfo::state)
            .containsOnly(KeyState.ENABLED);
        versions += info.versions().size();
        KeyHandle key = hsm.key(info.name());
        assertThat(key.info()).isEqualTo(info);
        byte[] output = CrashChild.output(key, info.algorithm());
        assertThat(envelopeVersion(output)).isEqualTo(info.primaryVersion());
        if (outputs.stream()
            .noneMatch(o -> o.key().equals(info.name()) && o.version() == info.primaryVersion())) {
          record(key, info.algorithm(), output); // so later rounds check this version again
        }
      }
      for (Output output : outputs) {
        check(hsm.key(output.key()), output);
      }

      // The audit entry commits with its act: one key.create per key, one key.rotate per
      // version after the first, and the chain verifies.
      long entries = hsm.auditLog().verify();
      List<AuditEntry> log = hsm.auditLog().entries(1, Integer.MAX_VALUE);
      assertThat(log).hasSize((int) entries);
      assertThat(log.stream().filter(e -> e.action().equals("key.create")).count())
          .as("round %d: key.create entries", round)
          .isEqualTo(keys.size());
      assertThat(log.stream().filter(e -> e.action().equals("key.rotate")).count())
          .as("round %d: key.rotate entries", round)
          .isEqualTo(versions - keys.size());
      assertThat(entries).isGreaterThanOrEqualTo(created.size() + reportedRotations);
      return (int) keys.stream().filter(k -> !created.containsKey(k.name())).count();
    }
  }

  private void record(KeyHandle key, Algorithm algorithm, byte[] output) {
    outputs.add(new Output(key.name(), envelopeVersion(output), algorithm, output));
  }

  /** Verifies or decrypts an output made earlier by a child or the parent. */
  private static void check(KeyHandle key, Output output) {
    switch (output.algorithm().kind()) {
      case SIGNATURE -> key.verify(CrashChild.DATA, output.bytes());
      case MAC -> key.verifyMac(CrashChild.DATA, output.bytes());
      case AEAD ->
          assertThat(key.decrypt(output.bytes(), key.name().getBytes(UTF_8)))
              .isEqualTo(CrashChild.DATA);
      default -> fail("unexpected %s", output.algorithm());
    }
  }

  /** The key version an envelope names (bytes 1-4, big-endian). */
  private static int envelopeVersion(byte[] envelope) {
    return ByteBuffer.wrap(envelope, 1, 4).getInt();
  }
}
