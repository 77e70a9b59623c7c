package dev.hsm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only a process of the packaged tool shows, run through the {@code hsm} launcher as users run
 * it (the other tests run the same commands inside the test JVM): the launcher finds the jar and a
 * JVM, the jar's manifest gives the version, {@code main} reads the process's own environment,
 * stdin and stdout carry bytes unchanged, the exit status is the command's, and a failure is one
 * line on stderr with nothing else from the JVM or a library, and each family of commands (Bouncy
 * Castle's PKIX and OpenPGP, the JDK's JAR signer, file encryption) finds what it needs in the jar.
 * The first test runs the JVM as the launcher starts it; the others with {@link Cli#fastStart}.
 */
class CliLauncherTest {
  @TempDir Path dir;

  @Test
  void theLauncher_runsThePackagedJar_ofTheBuildsVersion() throws Exception {
    Cli.Result version = new Cli(dir).env("HSM_JAVA_OPTS", "").hsmProcess("--version");

    assertThat(version.exit()).as(version.toString()).isZero();
    assertThat(version.out().strip()).matches("hsm \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(version.stderr()).isEmpty();
  }

  @Test
  void theProcessEnvironment_opensTheStore_bytesPassStdinAndStdout_andAFailureIsOneLine()
      throws Exception {
    Cli cli = new Cli(dir).env("HSM_STORE", dir.resolve("p.db").toString());
    cli.env("HSM_PASSPHRASE", "passphrase from the environment");
    Cli.Result init =
        cli.hsmProcess("init", "--argon2-memory-kib", "1024", "--argon2-iterations", "1");
    assertThat(init.exit()).as(init.toString()).isZero();
    assertThat(init.stderr()).isEmpty();
    Cli.Result created = cli.hsmProcess("key", "create", "tokens", "--algorithm", "ED25519");
    assertThat(created.exit()).as(created.toString()).isZero();
    byte[] payload = {0, (byte) 0xff, '\r', '\n', 'x', (byte) 0x80};

    Cli.Result signed = cli.hsmProcessWithInput(payload, "jws", "sign", "--key", "tokens");
    assertThat(signed.exit()).as(signed.toString()).isZero();
    Cli.Result verified =
        cli.hsmProcessWithInput(signed.stdout(), "jws", "verify", "--key", "tokens");
    assertThat(verified.exit()).as(verified.toString()).isZero();
    assertThat(verified.stdout()).isEqualTo(payload);

    cli.env("HSM_PASSPHRASE", "wrong passphrase");
    Cli.Result refused = cli.hsmProcess("key", "list");
    assertThat(refused.exit()).isEqualTo(3);
    assertThat(refused.stderr().lines()).hasSize(1);
    assertThat(refused.stderr())
        .startsWith("hsm key list: ")
        .contains("HSM_PASSPHRASE")
        .doesNotContain("wrong passphrase");
  }

  @Test
  void eachCommandFamily_runsFromThePackagedJar() throws Exception {
    Cli cli = Cli.withKeyFileStore(dir, "families");
    assertThat(cli.hsm("key", "create", "files", "--algorithm", "AES_256_GCM").exit()).isZero();
    Cli.Result created =
        cli.hsm(
            "key",
            "create",
            "release",
            "--algorithm",
            "ECDSA_P256_SHA256",
            "--operations",
            "SIGN_STANDARD");
    assertThat(created.exit()).as(created.toString()).isZero();
    Path artifact = Files.writeString(dir.resolve("app.txt"), "release contents\n");
    Path jar = dir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), new Manifest())) {
      out.putNextEntry(new JarEntry("app.txt"));
      out.write(Files.readAllBytes(artifact));
      out.closeEntry();
    }

    for (String[] command :
        List.of(
            new String[] {"cert", "self-sign", "release", "--subject", "CN=release", "-o", "c.pem"},
            new String[] {"jar", "sign", jar.toString(), "--key", "release"},
            new String[] {"pgp", "sign", "--key", "release", artifact.toString()},
            new String[] {"encrypt", "--key", "files", artifact.toString()},
            new String[] {"decrypt", "--out", "back.txt", "app.txt.hsmenc"})) {
      Cli.Result ran = cli.hsmProcess(command);
      assertThat(ran.exit()).as(ran.toString()).isZero();
      assertThat(ran.stderr()).as(ran.toString()).isEmpty();
    }

    assertThat(dir.resolve("app-signed.jar")).exists();
    assertThat(dir.resolve("app.txt.asc")).exists();
    assertThat(Files.readString(dir.resolve("back.txt"))).isEqualTo("release contents\n");
  }
}
