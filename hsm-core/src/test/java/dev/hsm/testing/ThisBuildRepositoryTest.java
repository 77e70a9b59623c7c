package dev.hsm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThisBuildRepositoryTest {
  private static final String BUILD = "0.1.0-SNAPSHOT";

  @TempDir Path dir;

  @Test
  void publishedPoms_nameThisRunsVersion_andKeepProjectVersionReferences() throws Exception {
    Path local = dir.resolve("local");
    ThisBuildRepository repository =
        new ThisBuildRepository(dir.resolve("repo"), BUILD, local, false);
    assertThat(repository.version()).matches("0\\.1\\.0-docs-\\d+");
    Path pom = dir.resolve("pom.xml");
    Files.writeString(
        pom,
        """
        <project>
          <parent>
            <groupId>dev.hsm</groupId>
            <artifactId>hsm-parent</artifactId>
            <version>0.1.0-SNAPSHOT</version>
          </parent>
          <artifactId>hsm-core</artifactId>
          <dependencies>
            <dependency>
              <groupId>dev.hsm</groupId>
              <artifactId>hsm-pkcs11</artifactId>
              <version>${project.version}</version>
            </dependency>
          </dependencies>
        </project>
        """);
    Path classes = Files.createDirectories(dir.resolve("classes/dev/hsm")).getParent().getParent();
    Files.writeString(classes.resolve("dev/hsm/A.class"), "a");

    repository.publishClasses("hsm-core", pom, classes);

    Path published = dir.resolve("repo/dev/hsm/hsm-core").resolve(repository.version());
    assertThat(Files.readString(published.resolve("hsm-core-" + repository.version() + ".pom")))
        .contains("<version>" + repository.version() + "</version>")
        .contains("<version>${project.version}</version>")
        .doesNotContain(BUILD);
    try (JarFile jar =
        new JarFile(published.resolve("hsm-core-" + repository.version() + ".jar").toFile())) {
      assertThat(jar.getEntry("dev/hsm/A.class")).isNotNull();
    }
  }

  @Test
  void theApplicationsPom_namesThisRunsVersion_onlyForDevHsm_andReadsTheRepository() {
    ThisBuildRepository repository =
        new ThisBuildRepository(dir.resolve("repo"), BUILD, dir.resolve("local"), true);
    String pom =
        """
        <project>
          <properties><hsm.version>0.1.0-SNAPSHOT</hsm.version><other>1.0</other></properties>
          <dependency>
            <groupId>dev.hsm</groupId><artifactId>hsm-micronaut</artifactId>
            <version>${hsm.version}</version>
          </dependency>
          <path>
            <groupId>dev.hsm</groupId><artifactId>hsm-micronaut-annotations</artifactId>
            <version>${hsm.version}</version>
          </path>
          <dependency>
            <groupId>dev.hsm</groupId><artifactId>hsm-core</artifactId>
            <version>0.1.0-SNAPSHOT</version>
          </dependency>
          <dependency>
            <groupId>org.example</groupId><artifactId>x</artifactId><version>1.0</version>
          </dependency>
        </project>
        """;

    String rewritten = repository.applicationPom(pom);

    assertThat(rewritten)
        .contains("<hsm.version>" + repository.version() + "</hsm.version>")
        .contains("<version>${hsm.version}</version>")
        .contains("<artifactId>hsm-core</artifactId>\n    <version>" + repository.version())
        .contains("<artifactId>x</artifactId><version>1.0</version>")
        .contains(dir.resolve("repo").toUri().toString())
        .doesNotContain(BUILD);
    assertThat(repository.mavenOptions())
        .containsExactly(
            "-o", "-Daether.offline.protocols=file", "-Dmaven.repo.local=" + dir.resolve("local"));
  }

  @Test
  void anApplicationsPomOnAnotherVersion_orWithoutTheLibrary_isRejected() {
    ThisBuildRepository repository =
        new ThisBuildRepository(dir.resolve("repo"), BUILD, dir.resolve("local"), false);
    assertThatThrownBy(
            () ->
                repository.applicationPom(
                    "<project><groupId>dev.hsm</groupId><artifactId>hsm-core</artifactId>"
                        + "<version>0.0.9</version></project>"))
        .hasMessageContaining("dev.hsm:hsm-core is at 0.0.9");
    assertThatThrownBy(
            () ->
                repository.applicationPom(
                    "<project><properties><hsm.version>0.0.9</hsm.version></properties>"
                        + "<groupId>dev.hsm</groupId><artifactId>hsm-core</artifactId>"
                        + "<version>${hsm.version}</version></project>"))
        .hasMessageContaining("<hsm.version>0.1.0-SNAPSHOT</hsm.version>");
    assertThatThrownBy(() -> repository.applicationPom("<project></project>"))
        .hasMessageContaining("names no dev.hsm artifact");
  }

  @Test
  void close_deletesThisRunsVersion_andWhatItCreated_nothingElse() throws Exception {
    Path local = dir.resolve("local");
    Path installed =
        Files.createDirectories(local.resolve("dev/hsm/hsm-core/0.1.0-SNAPSHOT"))
            .resolve("hsm-core-0.1.0-SNAPSHOT.jar");
    Files.writeString(installed, "the user's own mvn install");
    ThisBuildRepository repository =
        new ThisBuildRepository(dir.resolve("repo"), BUILD, local, false);
    Path pom = dir.resolve("pom.xml");
    Files.writeString(pom, "<project></project>");
    repository.publishPom("hsm-core", pom);
    repository.publishPom("hsm-micronaut-parent", pom);
    // What the fresh build's Maven downloads
    for (String artifact : new String[] {"hsm-core", "hsm-micronaut-parent"}) {
      Path version =
          Files.createDirectories(
              local.resolve("dev/hsm").resolve(artifact).resolve(repository.version()));
      Files.writeString(version.resolve("_remote.repositories"), "x");
    }

    repository.close();

    assertThat(local.resolve("dev/hsm/hsm-core").resolve(repository.version())).doesNotExist();
    assertThat(local.resolve("dev/hsm/hsm-micronaut-parent")).doesNotExist();
    assertThat(installed).hasContent("the user's own mvn install");
  }
}
