package dev.hsm.wycheproof;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The vector files are on the classpath, parse, and are exactly the ones the suites run. */
class WycheproofFilesTest {
  static List<String> allFiles() {
    return Stream.of(
            AeadWycheproofTest.FILES,
            HmacWycheproofTest.FILES,
            EcdsaWycheproofTest.FILES,
            Ed25519WycheproofTest.FILES,
            RsaPkcs1WycheproofTest.FILES,
            RsaPssWycheproofTest.FILES,
            RsaOaepWycheproofTest.FILES,
            MlDsaWycheproofTest.FILES,
            MlKemWycheproofTest.FILES,
            X25519WycheproofTest.FILES)
        .flatMap(List::stream)
        .collect(Collectors.toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allFiles")
  void fileIsOnTheClasspathAndComplete(String name) {
    JsonNode file = Wycheproof.file(name);
    long tests =
        StreamSupport.stream(file.get("testGroups").spliterator(), false)
            .mapToLong(group -> group.get("tests").size())
            .sum();
    assertThat(tests).isPositive().isEqualTo(file.get("numberOfTests").asLong());
  }

  @Test
  void directoryHoldsTheUsedFilesWithLicenseAndReadme() throws IOException, URISyntaxException {
    URL dir = getClass().getResource(Wycheproof.RESOURCES);
    assertThat(dir).as("classpath resource %s", Wycheproof.RESOURCES).isNotNull();
    try (Stream<Path> listing = Files.list(Path.of(dir.toURI()))) {
      List<String> names = listing.map(path -> path.getFileName().toString()).toList();
      assertThat(names).contains("LICENSE", "README.md");
      assertThat(names.stream().filter(n -> n.endsWith(".json")))
          .as("no vector file is copied but unused")
          .containsExactlyInAnyOrderElementsOf(allFiles());
    }
  }
}
