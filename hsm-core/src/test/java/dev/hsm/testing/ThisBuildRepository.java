package dev.hsm.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * This build's own {@code dev.hsm} artifacts as a Maven repository of files, for the tests that
 * build a fresh application from a doc page with a real {@code mvn} (the library is not published).
 *
 * <p>The artifacts are published under a release version unique to the run ({@code
 * 0.1.0-docs-<millis>}), never used elsewhere: a release is never re-checked, so the fresh build
 * cannot pick up an older copy from the local repository (a previous run's, or the user's own
 * {@code mvn install} of {@code 0.1.0-SNAPSHOT}), and nothing of the user's is overwritten. The
 * published poms and the application's pom name that version instead of the build's; {@link
 * #close()} then deletes {@code dev/hsm/<artifact>/<that version>/} from the local repository (the
 * outer build's, passed as the system property {@code hsm.maven.repo.local}) and leaves every other
 * file there alone.
 */
public final class ThisBuildRepository implements AutoCloseable {
  /** A dev.hsm reference (project, parent, dependency or processor path) and its version. */
  private static final Pattern DEV_HSM =
      Pattern.compile(
          "(<groupId>dev\\.hsm</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>)"
              + "([^<]+)(</version>)");

  private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

  private final Path repository;
  private final String buildVersion;
  private final String version;
  private final Path localRepository;
  private final boolean offline;

  /** Directories of the local repository above the published versions, and whether they existed. */
  private final Map<Path, Boolean> parents = new LinkedHashMap<>();

  private final List<Path> published = new ArrayList<>();

  /**
   * An empty repository in {@code repository}, for this build's {@code buildVersion} (e.g. {@code
   * 0.1.0-SNAPSHOT}). The outer build's offline mode and local repository come from the system
   * properties {@code hsm.maven.offline} ({@code offline=true}) and {@code hsm.maven.repo.local}
   * (the user's {@code ~/.m2/repository} when unset).
   */
  public ThisBuildRepository(Path repository, String buildVersion) {
    this(
        repository,
        buildVersion,
        System.getProperty("hsm.maven.repo.local", "").isBlank()
            ? Path.of(System.getProperty("user.home"), ".m2", "repository")
            : Path.of(System.getProperty("hsm.maven.repo.local")),
        System.getProperty("hsm.maven.offline", "").equals("offline=true"));
  }

  ThisBuildRepository(Path repository, String buildVersion, Path localRepository, boolean offline) {
    this.repository = repository;
    this.buildVersion = buildVersion;
    this.localRepository = localRepository;
    this.offline = offline;
    String base = buildVersion.replace("-SNAPSHOT", "") + "-docs-";
    long millis = System.currentTimeMillis();
    while (Files.exists(localRepository.resolve("dev/hsm/hsm-parent").resolve(base + millis))) {
      millis++;
    }
    this.version = base + millis;
    remember(localRepository.resolve("dev"));
    remember(localRepository.resolve("dev/hsm"));
  }

  /** The version this run publishes under, e.g. {@code 0.1.0-docs-1796199506604}. */
  public String version() {
    return version;
  }

  /** Publishes a pom-only artifact (a parent). */
  public void publishPom(String artifactId, Path pom) throws IOException {
    directoryOf(artifactId, pom);
  }

  /** Publishes a module's pom and jar. */
  public void publishJar(String artifactId, Path pom, Path jar) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no jar " + jar + ": build the module first");
    }
    Files.copy(jar, directoryOf(artifactId, pom).resolve(artifactId + "-" + version + ".jar"));
  }

  /** Publishes a module's pom and, as its jar, its compiled {@code classes} directory. */
  public void publishClasses(String artifactId, Path pom, Path classes) throws IOException {
    if (!Files.isDirectory(classes)) {
      throw new IllegalStateException("no " + classes + ": compile the module first");
    }
    Path file = directoryOf(artifactId, pom).resolve(artifactId + "-" + version + ".jar");
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path path : walk.filter(Files::isRegularFile).sorted().toList()) {
        jar.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
        Files.copy(path, jar);
        jar.closeEntry();
      }
    }
  }

  /**
   * The application's pom with its dev.hsm references on this run's version and a {@code
   * <repository>} of these files. Every dev.hsm reference must name the build's version, directly
   * or through a property set to it (so the doc stays right), and nothing else may name it.
   */
  public String applicationPom(String pom) {
    StringBuilder out = new StringBuilder();
    Matcher reference = DEV_HSM.matcher(pom);
    Set<String> properties = new LinkedHashSet<>();
    int count = 0;
    while (reference.find()) {
      count++;
      String named = reference.group(3);
      Matcher property = PROPERTY.matcher(named);
      if (property.matches()) {
        properties.add(property.group(1));
        reference.appendReplacement(out, Matcher.quoteReplacement(reference.group()));
      } else {
        reference.appendReplacement(out, Matcher.quoteReplacement(rewritten(reference)));
      }
    }
    reference.appendTail(out);
    if (count == 0) {
      throw new AssertionError("the application's pom names no dev.hsm artifact:\n" + pom);
    }
    String result = out.toString();
    for (String name : properties) {
      String set = "<" + name + ">" + buildVersion + "</" + name + ">";
      if (!result.contains(set)) {
        throw new AssertionError("the application's pom must set " + set + " for dev.hsm");
      }
      result = result.replace(set, "<" + name + ">" + version + "</" + name + ">");
    }
    return withoutBuildVersion(result, "the application's pom")
        .replace("</project>", repositories() + "</project>");
  }

  /**
   * The options of the fresh build's {@code mvn}: offline when the outer build is (reading this
   * repository's files all the same), and the outer build's local repository.
   */
  public List<String> mavenOptions() {
    List<String> options = new ArrayList<>();
    if (offline) {
      options.addAll(List.of("-o", "-Daether.offline.protocols=file"));
    }
    options.add("-Dmaven.repo.local=" + localRepository);
    return options;
  }

  /**
   * Deletes this run's version of each published artifact from the local repository, and the
   * directories above it that this run created if they are empty; nothing else.
   */
  @Override
  public void close() throws IOException {
    for (Path dir : published) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
    }
    List<Path> created = new ArrayList<>();
    parents.forEach(
        (dir, existed) -> {
          if (!existed) {
            created.add(dir);
          }
        });
    // Artifacts' directories first, then dev/hsm, then dev.
    created.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path dir : created) {
      if (Files.isDirectory(dir) && isEmpty(dir)) {
        Files.delete(dir);
      }
    }
  }

  private Path directoryOf(String artifactId, Path pom) throws IOException {
    Path dir = repository.resolve("dev/hsm").resolve(artifactId).resolve(version);
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve(artifactId + "-" + version + ".pom"), publishedPom(Files.readString(pom), pom));
    remember(localRepository.resolve("dev/hsm").resolve(artifactId));
    published.add(localRepository.resolve("dev/hsm").resolve(artifactId).resolve(version));
    return dir;
  }

  /** One of this build's poms, its dev.hsm references on this run's version. */
  String publishedPom(String pom, Path file) {
    StringBuilder out = new StringBuilder();
    Matcher reference = DEV_HSM.matcher(pom);
    while (reference.find()) {
      String named = reference.group(3);
      String replacement =
          named.equals("${project.version}") ? reference.group() : rewritten(reference);
      reference.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    reference.appendTail(out);
    return withoutBuildVersion(out.toString(), file.toString());
  }

  private String rewritten(Matcher reference) {
    if (!reference.group(3).equals(buildVersion)) {
      throw new AssertionError(
          "dev.hsm:"
              + reference.group(2)
              + " is at "
              + reference.group(3)
              + ", not this build's "
              + buildVersion);
    }
    return reference.group(1) + version + reference.group(4);
  }

  private String withoutBuildVersion(String pom, String what) {
    if (pom.contains(buildVersion)) {
      throw new AssertionError(
          what
              + " still names "
              + buildVersion
              + " where it could not be rewritten (a dev.hsm reference not written groupId,"
              + " artifactId, version?)");
    }
    return pom;
  }

  private String repositories() {
    return "  <repositories>\n"
        + "    <repository>\n"
        + "      <id>hsm-this-build</id>\n"
        + "      <url>"
        + repository.toUri()
        + "</url>\n"
        + "      <releases><enabled>true</enabled></releases>\n"
        + "      <snapshots><enabled>false</enabled></snapshots>\n"
        + "    </repository>\n"
        + "  </repositories>\n";
  }

  private void remember(Path dir) {
    parents.putIfAbsent(dir, Files.exists(dir));
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  @Override
  public String toString() {
    return "ThisBuildRepository[" + repository + " as " + version + "]";
  }
}
