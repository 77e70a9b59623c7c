package dev.hsm.postgresql;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances ({@link WriterChild}, real JVMs) writing to a PostgreSQL store as fast as they can:
 * killed with SIGKILL mid-write, round after round (system property {@code hsm.pg.kill.rounds},
 * default 50), and through a restart of the PostgreSQL server itself (stopped and started again on
 * the same data directory and port). Every key and rotation an instance acknowledged (it prints it
 * only after the call returned) is there afterwards with the material that made its output; the
 * instances that stay up, and the server's restart, need nobody's help: they go on writing, and
 * changes reach them at once again.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CrashAndRestartTest {
  private static final Predicate<String> CREATED = l -> l.startsWith("CREATED ");

  @TempDir Path dir;
  private final List<HsmClient> clients = new ArrayList<>();
  private final List<ChildProcess> children = new ArrayList<>();
  private EmbeddedPostgres server; // the restart test's own server

  @AfterEach
  void close() throws Exception {
    children.forEach(ChildProcess::close);
    clients.forEach(HsmClient::close);
    if (server != null) {
      server.close();
    }
  }

  private HsmClient open(HsmConfig config) {
    HsmClient client = HsmClient.open(config);
    clients.add(client);
    return client;
  }

  /** A writer that starts writing at once ({@code go} false) or once {@link #go} lets it. */
  private ChildProcess startWriter(
      String label,
      String jdbcUrl,
      String schema,
      Path keyFile,
      long seed,
      Duration refresh,
      boolean waitForGo)
      throws Exception {
    ChildProcess child =
        ChildProcess.start(
            dir,
            label,
            WriterChild.class,
            jdbcUrl,
            schema,
            keyFile.toString(),
            label,
            Long.toString(seed),
            Long.toString(refresh.toMillis()),
            dir.resolve("stop").toString(),
            waitForGo ? dir.resolve("go-" + label).toString() : "-");
    children.add(child);
    return child;
  }

  private void go(ChildProcess child) throws Exception {
    Files.createFile(dir.resolve("go-" + child.label()));
  }

  /** What instances acknowledged, checked against the store. */
  private static final class Acknowledged {
    int keys;
    int rotations;
    int unsure;

    /**
     * Checks every acknowledged line of {@code child} in {@code hsm}: the key is there, and its
     * printed output (signature, ciphertext or tag of the new key or version) verifies.
     */
    void check(HsmClient hsm, ChildProcess child) {
      for (String line : child.lines()) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "CREATED" -> {
            keys++;
            KeyHandle key =
                hsm.findKey(f[1])
                    .orElseThrow(
                        () -> new AssertionError("acknowledged key " + f[1] + " is missing"));
            checkOutput(key, Algorithm.valueOf(f[2]), f[3], line);
          }
          case "ROTATED" -> {
            rotations++;
            KeyHandle key = hsm.key(f[1]);
            assertThat(key.info().versions().size())
                .as("versions of %s after %s", f[1], line)
                .isGreaterThanOrEqualTo(Integer.parseInt(f[2]));
            checkOutput(key, Algorithm.valueOf(f[3]), f[4], line);
          }
          case "UNSURE" -> unsure++;
          case "READY", "SHARED", "DONE", "HOOK" -> {}
          default -> fail("%s: %s%n%s", child.label(), line, child.describe());
        }
      }
    }

    private static void checkOutput(KeyHandle key, Algorithm algorithm, String hex, String line) {
      if (hex.equals("-")) {
        return; // acknowledged while the database was away to load it for an output
      }
      byte[] output = HexFormat.of().parseHex(hex);
      switch (algorithm.kind()) {
        case SIGNATURE -> key.verify(WriterChild.DATA, output);
        case MAC -> key.verifyMac(WriterChild.DATA, output);
        case AEAD ->
            assertThat(key.decrypt(output, key.name().getBytes(UTF_8)))
                .as(line)
                .isEqualTo(WriterChild.DATA);
        default -> fail("unexpected %s", line);
      }
    }
  }

  @Test
  void instancesKilledMidWrite_loseNoAcknowledgedKey_andTheOthersGoOnUnhindered() throws Exception {
    int rounds = Integer.getInteger("hsm.pg.kill.rounds", 50);
    String schema = TestDatabase.newSchema();
    Path keyFile = TestStores.keyFile(dir, "hsm.key");
    HsmConfig config =
        HsmConfig.store(
                PostgresKeyRecordStore.factory(
                    TestDatabase.jdbcUrl(), TestDatabase.USER, null, schema))
            .keyFile(keyFile);
    HsmClient survivor = open(config);
    survivor.createKey(WriterChild.SHARED, KeySpec.aes256Gcm());
    Random random = new Random(42);
    Acknowledged acknowledged = new Acknowledged();

    long started = System.nanoTime();
    Deque<ChildProcess> live = new ArrayDeque<>();
    int launched = 0;
    for (int round = 1; round <= rounds; round++) {
      // Two at a time: the next one starts its JVM while the one to be killed writes.
      while (live.size() < 2 && launched < rounds) {
        live.add(
            startWriter(
                "k" + launched,
                TestDatabase.jdbcUrl(),
                schema,
                keyFile,
                launched,
                Duration.ofSeconds(1),
                true));
        launched++;
      }
      ChildProcess victim = live.removeFirst();
      if (!victim.awaitLines("READY"::equals, 1, 90_000)) {
        fail("round %d: %s did not open the store%n%s", round, victim.label(), victim.describe());
      }
      go(victim);
      int writes = 1 + random.nextInt(5);
      if (!victim.awaitLines(CREATED, writes, 90_000)) {
        fail(
            "round %d: %s acknowledged no %d keys%n%s",
            round, victim.label(), writes, victim.describe());
      }
      Thread.sleep(random.nextInt(20));
      victim.kill();
      assertThat(victim.lines()).as("SIGKILL runs no shutdown hook").doesNotContain("HOOK");

      // The instance that stays up goes on at once: nothing the dead one held is in its way.
      long before = System.nanoTime();
      survivor.createKey("survivor-" + round, KeySpec.hmacSha256());
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before))
          .as("ms for the survivor's create after round %d", round)
          .isLessThan(10_000);
      acknowledged.check(survivor, victim);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(survivor.auditLog().verify()).isPositive();
    try (HsmClient fresh = HsmClient.open(config)) {
      assertThat(fresh.listKeys().stream().map(KeyInfo::name))
          .as("keys of every round")
          .hasSizeGreaterThanOrEqualTo(1 + rounds + acknowledged.keys);
    }
    System.out.printf(
        "CrashAndRestartTest: %d instances killed with SIGKILL mid-write in %d ms; %d acknowledged"
            + " keys and %d rotations all present%n",
        rounds, millis, acknowledged.keys, acknowledged.rotations);
  }

  @Test
  void aPostgresqlRestartUnderLoad_losesNoAcknowledgedKey_andEveryInstanceRecoversByItself()
      throws Exception {
    Path data = dir.resolve("pgdata");
    server = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
    int port = server.getPort();
    String url = "jdbc:postgresql://localhost:" + port + "/postgres";
    String schema = "restarted";
    Path keyFile = TestStores.keyFile(dir, "hsm.key");
    HsmConfig config =
        HsmConfig.store(PostgresKeyRecordStore.factory(url, TestDatabase.USER, null, schema))
            .keyFile(keyFile)
            .refreshInterval(Duration.ofHours(1));
    HsmClient survivor = open(config);
    survivor.createKey(WriterChild.SHARED, KeySpec.aes256Gcm());

    // Their refresh is an hour: only notifications (and the listener's catch-up when it connects
    // again) tell them of other instances' changes.
    List<ChildProcess> writers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      writers.add(startWriter("w" + i, url, schema, keyFile, i, Duration.ofHours(1), false));
    }
    for (ChildProcess writer : writers) {
      if (!writer.awaitLines(CREATED, 5, 90_000)) {
        fail("%s acknowledged no 5 keys%n%s", writer.label(), writer.describe());
      }
    }

    long[] before = new long[writers.size()];
    for (int i = 0; i < writers.size(); i++) {
      before[i] = writers.get(i).count(CREATED);
    }
    long stopped = System.nanoTime();
    server.close(); // a fast shutdown: every connection is cut, transactions in flight abort
    Thread.sleep(500);
    server =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setPort(port)
            .start();
    long downMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);

    for (int i = 0; i < writers.size(); i++) {
      ChildProcess writer = writers.get(i);
      if (!writer.awaitLines(CREATED, before[i] + 5, 60_000)) {
        fail("%s wrote nothing after the restart%n%s", writer.label(), writer.describe());
      }
    }
    int rotated = survivor.key(WriterChild.SHARED).rotate(); // the survivor recovered too
    for (ChildProcess writer : writers) {
      if (!writer.awaitLines(("SHARED " + rotated)::equals, 1, 10_000)) {
        fail("%s was not told of the rotation%n%s", writer.label(), writer.describe());
      }
    }

    Files.createFile(dir.resolve("stop"));
    Acknowledged acknowledged = new Acknowledged();
    for (ChildProcess writer : writers) {
      if (!writer.awaitExit(60_000)) {
        fail("%s did not stop%n%s", writer.label(), writer.describe());
      }
      assertThat(writer.process().exitValue()).as(writer.describe()).isZero();
      assertThat(writer.lines()).as(writer.label()).contains("DONE");
      acknowledged.check(survivor, writer);
    }
    assertThat(survivor.auditLog().verify()).isPositive();
    System.out.printf(
        "CrashAndRestartTest: PostgreSQL restarted under 3 writing instances (down %d ms): %d"
            + " acknowledged keys and %d rotations all present, %d writes unacknowledged while it"
            + " was away%n",
        downMillis, acknowledged.keys, acknowledged.rotations, acknowledged.unsure);
  }
}
