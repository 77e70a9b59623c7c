package dev.hsm.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs docs/CLI.md: every {@code sh} block whose first line is {@code # run: NAME}, in order, as
 * one script (stopping at the first failing command) in a fresh directory, with an {@code hsm} on
 * the PATH that runs each command inside this JVM ({@link HsmBridge}; CliLauncherTest runs each
 * command family through the packaged launcher); then checks what the page says its verification
 * commands (openssl, gpg, jarsigner, as processes) print.
 */
class CliDocTest {
  private static final Pattern BLOCK =
      Pattern.compile("```sh\n(# run: [^\n]+\n.*?)```", Pattern.DOTALL);

  @TempDir Path dir;

  static List<String> runBlocks() throws Exception {
    Path doc = Path.of(System.getProperty("hsm.repo.dir", "..")).resolve("docs/CLI.md");
    Matcher matcher = BLOCK.matcher(Files.readString(doc, UTF_8));
    List<String> blocks = new ArrayList<>();
    while (matcher.find()) {
      blocks.add(matcher.group(1));
    }
    return blocks;
  }

  @Test
  void theCommandsOfDocsCliMd_run_andTheirChecksPass() throws Exception {
    List<String> blocks = runBlocks();
    assertThat(blocks)
        .extracting(b -> b.lines().findFirst().orElseThrow())
        .contains(
            "# run: operators",
            "# run: ci-job",
            "# run: verify-openssl",
            "# run: verify-gpg",
            "# run: jar",
            "# run: verify-jar");
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path work = Files.createDirectory(dir.resolve("work"));
    String script = "set -eu\nexport PATH='" + bin + "':\"$PATH\"\n" + String.join("\n", blocks);
    Path file = Files.writeString(dir.resolve("cli-doc.sh"), script);

    Cli.Result ran;
    try (HsmBridge bridge = new HsmBridge(dir.resolve("bridge"))) {
      bridge.install(bin);
      ran = new Cli(work).tool("bash", file.toString());
    }

    assertThat(ran.exit()).as(ran.toString()).isZero();
    assertThat(ran.out())
        .contains("Verified OK")
        .contains("{\"artifact\":\"app-1.0.tar.gz\"}")
        .contains("jar verified.");
    assertThat(ran.stderr())
        .contains("Good signature from \"Example Releases <releases@example.org>\"");
    assertThat(work.resolve("app-1.0.tar.gz.sig")).exists();
    assertThat(work.resolve("app-1.0-signed.jar")).exists();
    assertThat(work.resolve("ci-copy.db")).doesNotExist();
  }
}
