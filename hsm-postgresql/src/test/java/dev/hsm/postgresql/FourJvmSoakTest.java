package dev.hsm.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.hsm.AuditEntry;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four JVMs ({@link SoakChild}) on one PostgreSQL store for a minute (system property {@code
 * hsm.pg.soak.seconds}, default 60): each creates keys, rotates the one key they share, disables
 * and enables its own keys, and decrypts the others' ciphertexts and uses the others' keys as they
 * appear. Afterwards nothing is lost: every key created is there in the state its owner left it,
 * every rotation has its own version, every ciphertext decrypts, each instance decrypted every
 * other's ciphertexts, the audit log records each act once and verifies, and no instance met an
 * unexpected exception (nor logged a warning).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES) // the duration is a property; see run()
class FourJvmSoakTest {
  private static final List<String> IDS = List.of("A", "B", "C", "D");

  @TempDir Path dir;

  /** What one instance printed. */
  private static final class Report {
    final String id;
    final Set<String> created = new TreeSet<>();
    final List<Integer> rotations = new ArrayList<>();
    final Set<String> disabled = new TreeSet<>(); // as its owner left them
    final Map<Integer, byte[]> ciphertexts = new TreeMap<>();
    final Set<String> decrypted = new TreeSet<>(); // "<otherId> <n>"
    int disables;
    int enables;
    int used;
    int usedDisabled;
    int usedLate;
    boolean done;

    Report(String id) {
      this.id = id;
    }
  }

  @Test
  void fourJvmsOnOneDatabase_createRotateDisableAndUseEachOthersKeys_withoutLosingAnything()
      throws Exception {
    long seconds = Long.getLong("hsm.pg.soak.seconds", 60);
    String schema = TestDatabase.newSchema();
    Path keyFile = TestStores.keyFile(dir, "hsm.key");
    HsmConfig config =
        HsmConfig.store(
                PostgresKeyRecordStore.factory(
                    TestDatabase.jdbcUrl(), TestDatabase.USER, null, schema))
            .keyFile(keyFile);
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey(SoakChild.SHARED, KeySpec.aes256Gcm());
    }
    Path exchange = Files.createDirectories(dir.resolve("exchange"));

    long started = System.nanoTime();
    List<ChildProcess> children = new ArrayList<>();
    Map<String, Report> reports = new TreeMap<>();
    try {
      for (String id : IDS) {
        String others = IDS.stream().filter(o -> !o.equals(id)).collect(Collectors.joining(","));
        children.add(
            ChildProcess.start(
                dir,
                "instance-" + id,
                SoakChild.class,
                TestDatabase.jdbcUrl(),
                schema,
                keyFile.toString(),
                id,
                others,
                exchange.toString(),
                Long.toString(TimeUnit.SECONDS.toMillis(seconds))));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 180);
      for (ChildProcess child : children) {
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        if (!child.awaitExit(left)) {
          fail("%s did not finish in time%n%s", child.label(), child.describe());
        }
        assertThat(child.process().exitValue()).as("exit code of %s", child.describe()).isZero();
        // Nor in the background: a failed look, refresh or usage save is logged, not thrown.
        assertThat(child.stderr())
            .as("stderr of %s", child.label())
            .doesNotContain("Exception")
            .doesNotContain("WARNING");
        String id = child.label().substring("instance-".length());
        reports.put(id, parse(id, child));
      }
    } finally {
      children.forEach(ChildProcess::close);
    }
    long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    int rotations = 0;
    Set<String> allCreated = new TreeSet<>();
    Set<String> allDisabled = new TreeSet<>();
    for (Report report : reports.values()) {
      assertThat(report.done).as("instance %s finished", report.id).isTrue();
      assertThat(report.created).as("instance %s created keys", report.id).isNotEmpty();
      rotations += report.rotations.size();
      allCreated.addAll(report.created);
      allDisabled.addAll(report.disabled);
      // Each decrypted every ciphertext the others handed over.
      Set<String> others = new TreeSet<>();
      reports.values().stream()
          .filter(r -> !r.id.equals(report.id))
          .forEach(r -> r.ciphertexts.keySet().forEach(n -> others.add(r.id + " " + n)));
      assertThat(report.decrypted).as("what %s decrypted", report.id).isEqualTo(others);
    }

    // A key its owner disabled at least 0.4 s before is refused in the other JVMs; "late" is one
    // an instance had cached and had not been told of yet (a core held elsewhere for that long).
    int refused = reports.values().stream().mapToInt(r -> r.usedDisabled).sum();
    int late = reports.values().stream().mapToInt(r -> r.usedLate).sum();
    assertThat(refused).as("uses of keys disabled in another JVM that were refused").isPositive();
    assertThat(late)
        .as("uses of keys disabled in another JVM 0.4 s or more before, not refused yet")
        .isLessThanOrEqualTo(Math.max(1, (refused + late) / 10));

    long verifyStarted = System.nanoTime();
    long entries;
    try (HsmClient hsm = HsmClient.open(config)) {
      List<KeyInfo> keys = hsm.listKeys();
      Set<String> expected = new TreeSet<>(allCreated);
      expected.add(SoakChild.SHARED);
      Set<String> names = keys.stream().map(KeyInfo::name).collect(Collectors.toSet());
      assertThat(names).as("no key lost, none extra").isEqualTo(expected);
      for (KeyInfo key : keys) {
        if (!key.name().equals(SoakChild.SHARED)) {
          assertThat(key.enabled())
              .as("%s enabled as its owner left it", key.name())
              .isEqualTo(!allDisabled.contains(key.name()));
        }
      }

      KeyHandle shared = hsm.key(SoakChild.SHARED);
      assertThat(shared.info().versions()).hasSize(1 + rotations);
      Set<Integer> reported = new TreeSet<>();
      reports.values().forEach(r -> reported.addAll(r.rotations));
      assertThat(reported)
          .as("versions the rotations returned: each its own")
          .containsExactlyElementsOf(IntStream.rangeClosed(2, 1 + rotations).boxed().toList());
      for (Report report : reports.values()) {
        report.ciphertexts.forEach(
            (n, ciphertext) ->
                assertThat(shared.decrypt(ciphertext, SoakChild.CONTEXT))
                    .as("ciphertext %s-%d", report.id, n)
                    .isEqualTo(SoakChild.plaintext(report.id, n)));
      }

      entries = hsm.auditLog().verify();
      Map<String, Long> acts =
          hsm.auditLog().entries(1, Integer.MAX_VALUE).stream()
              .filter(e -> e.outcome().equals("ok"))
              .collect(Collectors.groupingBy(AuditEntry::action, Collectors.counting()));
      assertThat(acts.get("key.create")).isEqualTo(1L + allCreated.size());
      assertThat(acts.getOrDefault("key.rotate", 0L)).isEqualTo((long) rotations);
      assertThat(acts.getOrDefault("key.disable", 0L))
          .isEqualTo(reports.values().stream().mapToLong(r -> r.disables).sum());
      assertThat(acts.getOrDefault("key.enable", 0L))
          .isEqualTo(reports.values().stream().mapToLong(r -> r.enables).sum());
    }
    long verifyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - verifyStarted);

    System.out.printf(
        "FourJvmSoakTest: 4 JVMs for %d s (run %d ms, check %d ms): %d keys created (%s), %d"
            + " rotations of the shared key, %d disables and %d enables, %d ciphertexts decrypted"
            + " across JVMs, %d uses of another JVM's key (%d refused as disabled there, %d not yet),"
            + " %d audit entries%n",
        seconds,
        runMillis,
        verifyMillis,
        allCreated.size(),
        reports.values().stream()
            .map(r -> r.id + " " + r.created.size())
            .collect(Collectors.joining(", ")),
        rotations,
        reports.values().stream().mapToInt(r -> r.disables).sum(),
        reports.values().stream().mapToInt(r -> r.enables).sum(),
        reports.values().stream().mapToInt(r -> r.decrypted.size()).sum(),
        reports.values().stream().mapToInt(r -> r.used).sum(),
        refused,
        late,
        entries);
  }

  private static Report parse(String id, ChildProcess child) {
    Report report = new Report(id);
    for (String line : child.lines()) {
      String[] f = line.split(" ");
      switch (f[0]) {
        case "READY" -> {}
        case "CREATED" -> assertThat(report.created.add(f[1])).as(line).isTrue();
        case "ROTATED" -> report.rotations.add(Integer.parseInt(f[1]));
        case "DISABLED" -> {
          report.disabled.add(f[1]);
          report.disables++;
        }
        case "ENABLED" -> {
          report.disabled.remove(f[1]);
          report.enables++;
        }
        case "CT" -> report.ciphertexts.put(Integer.parseInt(f[1]), HexFormat.of().parseHex(f[2]));
        case "DECRYPTED" -> assertThat(report.decrypted.add(f[1] + " " + f[2])).as(line).isTrue();
        case "USED" -> {
          report.used++;
          report.usedDisabled += f[2].equals("disabled") ? 1 : 0;
          report.usedLate += f[2].equals("late") ? 1 : 0;
        }
        case "DONE" -> report.done = true;
        default -> fail("instance %s: %s%n%s", id, line, child.describe());
      }
    }
    return report;
  }
}
