package dev.hsm.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hsm.testing.ThisBuildRepository;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's path through docs/SPRING-BOOT.md, as real processes: the page's files alone (its
 * {@code pom.xml}, configuration, schema and Java, nothing else) make a new Maven project, which
 * {@code mvn package} builds and {@code java -jar} runs; then HTTP requests create a customer, find
 * it by e-mail, get a signed receipt and read the {@code hsm} endpoint.
 *
 * <p>The library is not published: the test lays out this build's poms and jars of hsm-parent,
 * hsm-core and the starter as a file repository under a version of this run alone ({@link
 * ThisBuildRepository}), which the project's pom names instead of the page's {@code
 * 0.1.0-SNAPSHOT}, and deletes that version from the local repository afterwards. Maven runs
 * offline when the build running this test is ({@code -Daether.offline.protocols=file} keeps the
 * file repository readable). Run by failsafe, after this module's {@code package}, so the starter's
 * jar is built and every plugin the page's pom uses is in the local repository. Skipped, saying so,
 * when {@code mvn} is not on the PATH.
 */
class DocApplicationIT {
  private static final String VERSION = System.getProperty("hsm.version", "0.1.0-SNAPSHOT");
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final String QUICK_JVM = "-XX:TieredStopAtLevel=1";

  @TempDir Path work;

  @Test
  void theDocsFilesAlone_buildAnApplicationThatRunsAndAnswers() throws Exception {
    Path mvn = onPath("mvn");
    if (mvn == null) {
      System.err.println(
          "DocApplicationIT SKIPPED: no mvn on the PATH; put Maven's bin directory on the PATH and"
              + " run mvn -pl examples/spring-boot -am verify");
    }
    assumeTrue(mvn != null, "mvn is not on the PATH");

    Path app = work.resolve("app");
    Path buildLog = work.resolve("build.log");
    Process maven;
    Instant started;
    try (ThisBuildRepository repository =
        new ThisBuildRepository(work.resolve("repository"), VERSION)) {
      publish(repository);
      for (Map.Entry<String, String> file : DocBlocks.files().entrySet()) {
        Path target = app.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        String content = file.getValue();
        Files.writeString(
            target, file.getKey().equals("pom.xml") ? repository.applicationPom(content) : content);
      }

      List<String> build = new ArrayList<>(List.of(mvn.toString(), "-B", "-ntp"));
      build.addAll(repository.mavenOptions());
      build.add("package");
      ProcessBuilder packaging =
          new ProcessBuilder(build)
              .directory(app.toFile())
              .redirectErrorStream(true)
              .redirectOutput(buildLog.toFile());
      // Only to keep the suite short: the JIT's first tier is enough for one build and one start.
      packaging.environment().put("MAVEN_OPTS", QUICK_JVM);
      started = Instant.now();
      maven = packaging.start();
      if (!maven.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        maven.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail("mvn package did not finish in " + BUILD_TIMEOUT + ":\n" + tail(buildLog));
      }
    }
    assertThat(maven.exitValue()).as("mvn package:\n" + tail(buildLog)).isZero();
    Path jar = app.resolve("target/customers-1.0.0.jar");
    assertThat(jar).exists();
    System.out.println(
        "DocApplicationIT: mvn package took " + Duration.between(started, Instant.now()));

    int port = freePort();
    Path runLog = work.resolve("run.log");
    ProcessBuilder run =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                QUICK_JVM,
                "-jar",
                jar.toString())
            .directory(app.toFile())
            .redirectErrorStream(true)
            .redirectOutput(runLog.toFile());
    run.environment().put("PORT", Integer.toString(port));
    run.environment().put("HSM_PASSPHRASE", "doc application test passphrase");
    started = Instant.now();
    Process service = run.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://localhost:" + port);
      awaitHealth(http, base, service, runLog);
      System.out.println(
          "DocApplicationIT: java -jar answered after " + Duration.between(started, Instant.now()));

      HttpResponse<String> created =
          http.send(
              json(base.resolve("/customers"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"name\":\"Alice\",\"email\":\"alice@example.com\","
                              + "\"phone\":\"+33 1 23 45 67 89\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String id = created.body().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");

      String found = get(http, base.resolve("/customers?email=alice@example.com"));
      assertThat(found).contains("\"id\":\"" + id + "\"").contains("+33 1 23 45 67 89");

      HttpResponse<String> receipt =
          http.send(
              json(base.resolve("/customers/" + id + "/receipts"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"item\":\"book\",\"amountCents\":1250}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(receipt.statusCode()).as(receipt.body()).isEqualTo(200);
      String[] jws = receipt.body().split("\\.");
      assertThat(jws).hasSize(3);
      assertThat(new String(Base64.getUrlDecoder().decode(jws[0])))
          .contains("\"kid\":\"receipts:1\"");

      assertThat(get(http, base.resolve("/.well-known/jwks.json")))
          .contains("\"kid\":\"receipts:1\"");
      assertThat(get(http, base.resolve("/actuator/hsm")))
          .contains("\"name\":\"receipts\"")
          .contains("\"verified\":true");
      assertThat(get(http, base.resolve("/actuator/metrics/hsm.operations")))
          .contains("\"name\":\"hsm.operations\"");

      // What the table holds: ciphertext only.
      try (Connection db =
              DriverManager.getConnection(
                  "jdbc:sqlite:" + app.resolve("spring-example-customers.db"));
          ResultSet row = db.createStatement().executeQuery("SELECT email, phone FROM customer")) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString("email")).isNotBlank().doesNotContain("alice");
        assertThat(row.getString("phone")).isNotBlank().doesNotContain("23 45");
      }
    } finally {
      service.destroy();
      if (!service.waitFor(20, TimeUnit.SECONDS)) {
        service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** This build's hsm-parent, hsm-core and starter, in the file repository. */
  private static void publish(ThisBuildRepository repository) throws IOException {
    repository.publishPom("hsm-parent", DocBlocks.ROOT.resolve("pom.xml"));
    for (String module : List.of("hsm-core", "hsm-spring-boot-starter")) {
      Path dir = DocBlocks.ROOT.resolve(module);
      Path jar = dir.resolve("target").resolve(module + "-" + VERSION + ".jar");
      assertThat(jar)
          .as("this build's " + module + " jar; run mvn -pl examples/spring-boot -am verify")
          .exists();
      repository.publishJar(module, dir.resolve("pom.xml"), jar);
    }
  }

  private static void awaitHealth(HttpClient http, URI base, Process service, Path log)
      throws Exception {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!service.isAlive()) {
        fail("java -jar exited with " + service.exitValue() + ":\n" + tail(log));
      }
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          assertThat(health.body()).contains("\"hsm\"");
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    fail("java -jar did not answer within " + START_TIMEOUT + ":\n" + tail(log));
  }

  private static HttpRequest.Builder json(URI uri) {
    return HttpRequest.newBuilder(uri).header("Content-Type", "application/json");
  }

  private static String get(HttpClient http, URI uri) throws Exception {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(uri + ": " + response.body()).isEqualTo(200);
    return response.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Path onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    return Stream.of(path.split(File.pathSeparator))
        .map(dir -> Path.of(dir, command))
        .filter(Files::isExecutable)
        .findFirst()
        .orElse(null);
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no output)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
