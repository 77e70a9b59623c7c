package dev.hsm.examples.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hsm.testing.ThisBuildRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/MICRONAUT.md builds a service from an empty directory, one complete file per block (a line
 * "File `path`:" names each). These tests keep the page true: the service's files are this
 * example's sources, every other Java snippet (with its imports) comes from code the build
 * compiles, and {@link #theDocsFilesAlone_buildAServiceThatRunsWithJavaJar} builds the page's files
 * as a fresh project with a real Maven process, runs the jar and calls it over HTTP.
 */
class MicronautDocTest {
  private static final Path ROOT = Path.of("..", "..");
  private static final Path DOC = ROOT.resolve("docs").resolve("MICRONAUT.md");
  private static final Pattern FILE = Pattern.compile("^File `([^`]+)`:$");
  private static final String VERSION = System.getProperty("hsm.version", "0.1.0-SNAPSHOT");
  private static final String QUICK_JVM = "-XX:TieredStopAtLevel=1";

  /** The doc's files by path, in order. */
  private static Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    String[] lines = read(DOC).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher file = FILE.matcher(lines[i]);
      if (!file.matches()) {
        continue;
      }
      int open = i + 1;
      while (lines[open].isBlank()) {
        open++;
      }
      assertThat(lines[open]).as("a code block follows " + lines[i]).startsWith("```");
      StringBuilder content = new StringBuilder();
      int line = open + 1;
      while (!lines[line].startsWith("```")) {
        content.append(lines[line++]).append('\n');
      }
      assertThat(files.put(file.group(1), content.toString())).as(file.group(1)).isNull();
      i = line;
    }
    return files;
  }

  @Test
  void theDocsFiles_areThisExamplesSources() {
    Map<String, String> files = files();
    List<String> sources;
    try (Stream<Path> walk = Files.walk(Path.of("src", "main", "java"))) {
      sources = walk.filter(Files::isRegularFile).map(Path::toString).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(files.keySet())
        .as("every source of the service is on the page")
        .containsAll(sources.stream().map(s -> s.replace('\\', '/')).toList())
        .contains("pom.xml", "src/main/resources/application.yml");
    files.forEach(
        (path, content) -> {
          if (!path.equals("pom.xml")) {
            assertThat(content).as(path).isEqualTo(read(Path.of(path)));
          }
        });
  }

  @Test
  void theDocsPom_pinsTheVersionsThisBuildUses() {
    String pom = files().get("pom.xml");
    String root = read(ROOT.resolve("pom.xml"));
    assertThat(pom)
        .contains("<version>" + property(root, "micronaut.platform.version") + "</version>")
        .contains("<hsm.version>" + VERSION + "</hsm.version>");
    for (String[] pinned :
        new String[][] {
          {"sqlite-jdbc", "sqlite-jdbc.version"},
          {"caffeine", "caffeine.version"},
          {"nimbus-jose-jwt", "nimbus-jose-jwt.version"}
        }) {
      assertThat(pom)
          .as(pinned[0])
          .containsPattern(
              "<artifactId>"
                  + pinned[0]
                  + "</artifactId>\\s*<version>"
                  + Pattern.quote(property(root, pinned[1]))
                  + "</version>");
    }
  }

  private static String property(String pom, String name) {
    Matcher value = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
    assertThat(value.find()).as(name).isTrue();
    return value.group(1);
  }

  @Test
  void everyOtherJavaSnippet_comesWithItsImports_fromCodeTheBuildCompiles() throws IOException {
    String code;
    try (Stream<Path> walk = Stream.concat(Files.walk(Path.of("src")), contract())) {
      code =
          walk.filter(f -> f.toString().endsWith(".java"))
              .map(MicronautDocTest::read)
              .collect(Collectors.joining("\n"));
    }
    String flatCode = flat(code);
    List<List<String>> snippets = javaSnippetsOutsideFiles();
    assertThat(snippets).isNotEmpty();
    for (List<String> snippet : snippets) {
      assertThat(snippet.get(0)).as("a snippet starts with its imports").startsWith("import ");
      assertThat(snippet)
          .allSatisfy(line -> assertThat(flatCode).as("doc line").contains(flat(line)));
    }
  }

  @Test
  void theDocumentedCommands_areTheOnesThatRunTheService() {
    String doc = read(DOC);
    assertThat(doc)
        .contains("mvn -pl examples/micronaut -am mn:run")
        .contains("\nmvn mn:run\n")
        .contains("java -jar target/customers-0.1.jar")
        .doesNotContain("exec:java");
    assertThat(read(Path.of("README.md"))).contains("mvn -pl examples/micronaut -am mn:run");
  }

  /**
   * The page's files alone, in an empty directory, built by {@code mvn package} as a user would
   * (plus one {@code <repository>} holding this build's own artifacts, which are not published,
   * under a version of this run alone: {@link ThisBuildRepository}), then run with {@code java
   * -jar}: a customer is stored, found, and the health and {@code hsm} endpoints answer.
   */
  @Test
  void theDocsFilesAlone_buildAServiceThatRunsWithJavaJar(@TempDir Path dir) throws Exception {
    String mvn = onPath("mvn");
    if (mvn == null) {
      System.err.println(
          "SKIPPED MicronautDocTest.theDocsFilesAlone_buildAServiceThatRunsWithJavaJar: no mvn on"
              + " the PATH; put Maven 3.8+ on it and run mvn -pl examples/micronaut -am test");
    }
    assumeTrue(mvn != null, "mvn is not on the PATH");
    Path app = dir.resolve("app");
    try (ThisBuildRepository repository = new ThisBuildRepository(dir.resolve("repo"), VERSION)) {
      publishReactorArtifacts(repository);
      for (Map.Entry<String, String> file : files().entrySet()) {
        String content = file.getValue();
        if (file.getKey().equals("pom.xml")) {
          content = repository.applicationPom(content);
        }
        Path target = app.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, content);
      }

      List<String> build = new ArrayList<>(List.of(mvn, "-B", "-q", "-ntp"));
      // Offline like the build running this test (file:// repositories stay allowed), same local
      // repository.
      build.addAll(repository.mavenOptions());
      build.add("package");
      Path buildLog = dir.resolve("build.log");
      ProcessBuilder packaging =
          new ProcessBuilder(build)
              .directory(app.toFile())
              .redirectErrorStream(true)
              .redirectOutput(buildLog.toFile());
      // The first JIT tier only: both JVMs are short-lived, and the suite's time counts.
      packaging.environment().put("MAVEN_OPTS", QUICK_JVM);
      Process maven = packaging.start();
      boolean done = maven.waitFor(5, TimeUnit.MINUTES);
      if (!done) {
        maven.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      assertThat(done && maven.exitValue() == 0)
          .as("mvn package of the doc's files:\n" + read(buildLog))
          .isTrue();
    }

    Path jar = app.resolve("target").resolve("customers-0.1.jar");
    assertThat(jar).exists();
    int port = freePort();
    Path log = dir.resolve("app.log");
    ProcessBuilder run =
        new ProcessBuilder(javaExecutable(), QUICK_JVM, "-jar", jar.toString())
            .directory(app.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    run.environment().put("PORT", Integer.toString(port));
    run.environment().put("HSM_PASSPHRASE", "a passphrase for MicronautDocTest");
    Process service = run.start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      String base = "http://127.0.0.1:" + port;
      waitForHealth(http, base, service, log);

      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/customers"))
                  .header("content-type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"name\":\"Ada\",\"email\":\"ada@example.com\","
                              + "\"address\":\"1 Main St\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(created.body()).contains("\"receipt\":\"eyJ");

      String found = get(http, base + "/customers?email=ada@example.com");
      assertThat(found).contains("\"name\":\"Ada\"").contains("\"address\":\"1 Main St\"");
      assertThat(get(http, base + "/hsm")).contains("\"name\":\"receipts\"");
      assertThat(get(http, base + "/health")).contains("\"hsm\"").contains("\"keys\":3");
      assertThat(get(http, base + "/metrics/hsm.operations"))
          .contains("\"name\":\"hsm.operations\"")
          .contains("sign-jws");
      String database = "";
      try (Stream<Path> dbFiles = Files.list(app)) {
        for (Path file :
            dbFiles
                .filter(f -> f.getFileName().toString().startsWith("example-customers.db"))
                .toList()) {
          database += new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        }
      }
      assertThat(database)
          .as("the customers' database and its write-ahead log")
          .contains("Ada")
          .doesNotContain("1 Main St")
          .doesNotContain("ada@example.com");
    } finally {
      service.destroy();
      if (!service.waitFor(20, TimeUnit.SECONDS)) {
        service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Lays out what the doc's pom needs from this build (the library's jars, made from the modules'
   * compiled classes, and the poms up to the root) in the file repository.
   */
  private static void publishReactorArtifacts(ThisBuildRepository repository) throws IOException {
    repository.publishPom("hsm-parent", ROOT.resolve("pom.xml"));
    repository.publishPom("hsm-micronaut-parent", ROOT.resolve("hsm-micronaut/pom.xml"));
    for (String[] module :
        new String[][] {
          {"hsm-core", "hsm-core"},
          {"hsm-micronaut", "hsm-micronaut/integration"},
          {"hsm-micronaut-annotations", "hsm-micronaut/annotations"}
        }) {
      Path dir = ROOT.resolve(module[1]);
      repository.publishClasses(module[0], dir.resolve("pom.xml"), dir.resolve("target/classes"));
    }
  }

  private static void waitForHealth(HttpClient http, String base, Process service, Path log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      assertThat(service.isAlive()).as("the service stopped:\n" + read(log)).isTrue();
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the service did not start within 90 s:\n" + read(log));
  }

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return response.body();
  }

  private static List<List<String>> javaSnippetsOutsideFiles() {
    List<List<String>> snippets = new ArrayList<>();
    String[] lines = read(DOC).split("\n");
    String previous = "";
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith("```")) {
        boolean java = lines[i].equals("```java") && !FILE.matcher(previous).matches();
        List<String> snippet = new ArrayList<>();
        for (i++; !lines[i].startsWith("```"); i++) {
          if (!lines[i].isBlank()) {
            snippet.add(lines[i].trim());
          }
        }
        if (java) {
          snippets.add(snippet);
        }
      }
      if (!lines[i].isBlank()) {
        previous = lines[i];
      }
    }
    return snippets;
  }

  private static Stream<Path> contract() {
    return Stream.of(
        ROOT.resolve("hsm-core/src/test/java/dev/hsm/contract/EncryptedEntityContract.java"));
  }

  private static String onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String flat(String text) {
    return text.replaceAll("\\s+", " ");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
