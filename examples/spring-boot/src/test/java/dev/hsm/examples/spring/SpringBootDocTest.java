package dev.hsm.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/SPRING-BOOT.md shows the example's files whole, so they cannot drift from what this module
 * compiles and tests; its one excerpt (the migration of old entity data) comes from hsm-core's
 * entity contract, which both starters run. {@code DocApplicationIT} builds and runs an application
 * made of the page's files alone.
 */
class SpringBootDocTest {
  private static final Path EXAMPLE = Path.of(".");

  @Test
  void theDoc_showsTheWholeApplication() {
    assertThat(DocBlocks.files().keySet())
        .containsExactly(
            "pom.xml",
            "src/main/resources/application.properties",
            "src/main/resources/schema.sql",
            "src/main/java/dev/hsm/examples/spring/Customer.java",
            "src/main/java/dev/hsm/examples/spring/CustomerRepository.java",
            "src/main/java/dev/hsm/examples/spring/ReceiptService.java",
            "src/main/java/dev/hsm/examples/spring/CustomerController.java",
            "src/main/java/dev/hsm/examples/spring/CustomerApplication.java",
            "src/main/java/dev/hsm/examples/spring/PhoneMigration.java");
  }

  @Test
  void everySourceFileTheDocShows_isTheExamplesOwn() {
    Map<String, String> files = DocBlocks.files();
    files.remove("pom.xml");
    assertThat(files)
        .allSatisfy(
            (path, text) ->
                assertThat(DocBlocks.withoutHeader(text))
                    .as("docs/SPRING-BOOT.md's " + path)
                    .isEqualTo(DocBlocks.read(EXAMPLE.resolve(path))));
  }

  @Test
  void theDocsPom_takesTheVersionsThisBuildUses() {
    String pom = DocBlocks.files().get("pom.xml");
    String root = DocBlocks.read(DocBlocks.ROOT.resolve("pom.xml"));
    assertThat(pom)
        .contains("<version>" + property(root, "spring-boot.version") + "</version>")
        .contains("<version>" + property(root, "sqlite-jdbc.version") + "</version>")
        .contains("<version>" + property(root, "caffeine.version") + "</version>")
        .contains("<version>" + pluginVersion(root, "maven-compiler-plugin") + "</version>")
        .contains("<version>" + pluginVersion(root, "maven-surefire-plugin") + "</version>")
        .contains("<maven.compiler.parameters>true</maven.compiler.parameters>");
  }

  @Test
  void everyJavaBlock_isAWholeFile() {
    assertThat(DocBlocks.all())
        .filteredOn(block -> block.language().equals("java"))
        .allSatisfy(block -> assertThat(DocBlocks.pathOf(block)).as(block.text()).isNotNull());
  }

  @Test
  void theDocumentedCommands_areTheOnesInTheApplicationsJavadoc() {
    String doc = DocBlocks.read(DocBlocks.DOC);
    String javadoc =
        flat(
            DocBlocks.read(
                    EXAMPLE.resolve(
                        "src/main/java/dev/hsm/examples/spring/CustomerApplication.java"))
                .replaceAll("\\n\\s*\\*", " "));
    for (String command :
        List.of(
            "mvn -pl examples/spring-boot -am spring-boot:run",
            "mvn -pl examples/spring-boot -am package -DskipTests",
            "java -jar examples/spring-boot/target/hsm-example-spring-boot-0.1.0-SNAPSHOT.jar")) {
      assertThat(doc).contains(command);
      assertThat(javadoc).contains(command);
      assertThat(DocBlocks.read(EXAMPLE.resolve("README.md"))).contains(command);
    }
  }

  private static String property(String pom, String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
    assertThat(m.find()).as(name).isTrue();
    return m.group(1);
  }

  private static String pluginVersion(String pom, String artifactId) {
    Matcher m =
        Pattern.compile("<artifactId>" + artifactId + "</artifactId>\\s*<version>([^<]+)</")
            .matcher(pom);
    assertThat(m.find()).as(artifactId).isTrue();
    return m.group(1);
  }

  private static String flat(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }
}
