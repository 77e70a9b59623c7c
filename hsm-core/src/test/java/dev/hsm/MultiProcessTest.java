package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
 * Two processes ({@link WorkerChild}) use one store at once: each creates its own keys, both rotate
 * and use one shared key, and each decrypts the other's ciphertexts as they appear, including ones
 * made with a version it had not loaded yet. Afterwards no write is lost, every ciphertext decrypts
 * and the audit log is intact.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MultiProcessTest {
  private static final int ITERATIONS = 150;
  private static final long REFRESH_MILLIS = 50;
  private static final String STORE = "shared.db";
  private static final List<String> IDS = List.of("A", "B");

  @TempDir Path dir;

  /** What one worker printed. */
  private static final class Report {
    final String id;
    final Set<String> created = new TreeSet<>();
    final List<Integer> rotations = new ArrayList<>();
    final Map<Integer, byte[]> ciphertexts = new TreeMap<>();
    final Set<Integer> decrypted = new TreeSet<>();
    int stale;
    boolean done;

    Report(String id) {
      this.id = id;
    }
  }

  @Test
  void twoProcessesShareOneStoreWithoutLosingWrites() throws Exception {
    HsmConfig config = TestStores.keyFileConfig(dir, STORE);
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey(WorkerChild.SHARED, KeySpec.aes256Gcm());
    }

    long started = System.nanoTime();
    List<ChildJvm> children = new ArrayList<>();
    Map<String, Report> reports = new TreeMap<>();
    try {
      for (int i = 0; i < IDS.size(); i++) {
        String id = IDS.get(i);
        String other = IDS.get(1 - i);
        children.add(
            ChildJvm.start(
                dir,
                "worker-" + id,
                WorkerChild.class,
                dir.toString(),
                STORE,
                id,
                other,
                Integer.toString(ITERATIONS),
                Long.toString(REFRESH_MILLIS)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(75);
      for (int i = 0; i < IDS.size(); i++) {
        ChildJvm child = children.get(i);
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        if (!child.awaitExit(left)) {
          fail("worker %s did not finish in time%n%s", IDS.get(i), child.describe());
        }
        assertThat(child.process().exitValue())
            .as("worker %s exit code%n%s", IDS.get(i), child.describe())
            .isZero();
        // Nor in the background: a failed refresh or usage save is logged, not thrown.
        assertThat(child.stderr())
            .as("worker %s stderr", IDS.get(i))
            .doesNotContain("Exception")
            .doesNotContain("WARNING");
        reports.put(IDS.get(i), parse(IDS.get(i), child));
      }
    } finally {
      children.forEach(ChildJvm::close);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    Report a = reports.get("A");
    Report b = reports.get("B");
    for (Report report : reports.values()) {
      assertThat(report.done).as("worker %s finished", report.id).isTrue();
      assertThat(report.created).as("worker %s created every key", report.id).hasSize(ITERATIONS);
      assertThat(report.ciphertexts).hasSize(ITERATIONS);
    }
    // Each decrypted every ciphertext of the other, during the run or at the end.
    assertThat(a.decrypted).isEqualTo(b.ciphertexts.keySet());
    assertThat(b.decrypted).isEqualTo(a.ciphertexts.keySet());

    int rotations = a.rotations.size() + b.rotations.size();
    try (HsmClient hsm = HsmClient.open(config)) {
      // No lost write: exactly the keys both created, plus the shared one.
      Set<String> expected = new TreeSet<>(a.created);
      expected.addAll(b.created);
      expected.add(WorkerChild.SHARED);
      assertThat(hsm.listKeys().stream().map(KeyInfo::name).collect(Collectors.toList()))
          .containsExactlyElementsOf(expected);

      // No lost rotation: one version per rotation, and each rotation got its own number.
      KeyHandle shared = hsm.key(WorkerChild.SHARED);
      KeyInfo info = shared.info();
      assertThat(info.versions()).hasSize(1 + rotations);
      assertThat(info.primaryVersion()).isEqualTo(1 + rotations);
      Set<Integer> reported = new TreeSet<>(a.rotations);
      reported.addAll(b.rotations);
      assertThat(reported)
          .as("versions the two rotations returned")
          .containsExactlyElementsOf(IntStream.rangeClosed(2, 1 + rotations).boxed().toList());

      // Every ciphertext either printed decrypts here.
      for (Report report : reports.values()) {
        report.ciphertexts.forEach(
            (n, ciphertext) ->
                assertThat(shared.decrypt(ciphertext, WorkerChild.CONTEXT))
                    .as("ciphertext %s-%d", report.id, n)
                    .isEqualTo(WorkerChild.plaintext(report.id, n)));
      }

      long entries = hsm.auditLog().verify();
      int acts = 1 + a.created.size() + b.created.size() + rotations;
      assertThat(entries).as("audit entries").isGreaterThanOrEqualTo(acts);
      List<AuditEntry> log = hsm.auditLog().entries(1, Integer.MAX_VALUE);
      assertThat(log.stream().filter(e -> e.action().equals("key.rotate")).count())
          .isEqualTo(rotations);
      assertThat(log.stream().filter(e -> e.action().equals("key.create")).count())
          .isEqualTo(1 + a.created.size() + b.created.size());

      System.out.printf(
          "MultiProcessTest: 2 processes x %d iterations in %d ms; %d keys created, %d rotations"
              + " (A %d, B %d), %d ciphertexts, %d decrypted across processes of which %d named a"
              + " version newer than the decrypting process had loaded (A %d, B %d); %d audit"
              + " entries%n",
          ITERATIONS,
          millis,
          a.created.size() + b.created.size(),
          rotations,
          a.rotations.size(),
          b.rotations.size(),
          a.ciphertexts.size() + b.ciphertexts.size(),
          a.decrypted.size() + b.decrypted.size(),
          a.stale + b.stale,
          a.stale,
          b.stale,
          entries);
    }
    // The case the refresh interval cannot cover: a version made by the other process moments
    // ago, decrypted before this process noticed the change (the key is then reloaded once).
    assertThat(a.stale + b.stale)
        .as("decryptions of a version the decrypting process had not loaded")
        .isPositive();
  }

  private static Report parse(String id, ChildJvm child) {
    Report report = new Report(id);
    for (String line : child.lines()) {
      String[] f = line.split(" ");
      switch (f[0]) {
        case "READY" -> {}
        case "CREATED" -> assertThat(report.created.add(f[1])).as(line).isTrue();
        case "ROTATED" -> report.rotations.add(Integer.parseInt(f[1]));
        case "CT" -> report.ciphertexts.put(Integer.parseInt(f[1]), HexFormat.of().parseHex(f[2]));
        case "DECRYPTED" ->
            assertThat(report.decrypted.add(Integer.parseInt(f[2]))).as(line).isTrue();
        case "STALE" -> report.stale++;
        case "DONE" -> report.done = true;
        default -> fail("worker %s: %s%n%s", id, line, child.describe());
      }
    }
    return report;
  }
}
