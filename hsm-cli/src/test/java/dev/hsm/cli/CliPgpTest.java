package dev.hsm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code hsm pgp}: the OpenPGP public key that {@code gpg --import} takes, and detached {@code
 * .asc} signatures that {@code gpg --verify} accepts, with GnuPG run as a process in a keyring of
 * its own; a changed file fails.
 */
class CliPgpTest {
  @TempDir Path dir;
  private Cli cli;
  private Path gnupgHome;

  @BeforeEach
  void store() throws Exception {
    cli = Cli.withKeyFileStore(dir, "pgp");
    gnupgHome = Files.createDirectory(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(
        gnupgHome, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
  }

  private Cli.Result gpg(String... args) throws Exception {
    String[] command = new String[args.length + 4];
    command[0] = "gpg";
    command[1] = "--homedir";
    command[2] = gnupgHome.toString();
    command[3] = "--batch";
    System.arraycopy(args, 0, command, 4, args.length);
    return cli.tool(command);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ECDSA_P256_SHA256", "ED25519", "RSA_PKCS1_SHA256"})
  void aDetachedSignature_verifiesWithGpg_andAChangedFileDoesNot(String algorithm)
      throws Exception {
    Cli.Result created =
        cli.hsm(
            "key",
            "create",
            "releases",
            "--algorithm",
            algorithm,
            "--rsa-bits",
            "2048",
            "--operations",
            "SIGN_STANDARD");
    assertThat(created.exit()).as(created.toString()).isZero();
    Cli.Result exported =
        cli.hsm(
            "pgp",
            "public-key",
            "--key",
            "releases",
            "--user-id",
            "Example Releases <releases@example.org>",
            "--out",
            cli.path("releases.asc"),
            "--json");
    assertThat(exported.exit()).as(exported.toString()).isZero();
    Cli.Result imported = gpg("--import", dir.resolve("releases.asc").toString());
    assertThat(imported.exit()).as(imported.toString()).isZero();
    assertThat(imported.stderr()).contains("Example Releases <releases@example.org>");
    Path artifact = Files.writeString(dir.resolve("app-1.0.jar"), "jar bytes\n".repeat(5000));

    Cli.Result signed = cli.hsm("pgp", "sign", "--key", "releases", artifact.toString());

    assertThat(signed.exit()).as(signed.toString()).isZero();
    Path asc = dir.resolve("app-1.0.jar.asc");
    assertThat(Files.readString(asc)).startsWith("-----BEGIN PGP SIGNATURE-----");
    Cli.Result verified = gpg("--verify", asc.toString(), artifact.toString());
    assertThat(verified.exit()).as(verified.toString()).isZero();
    assertThat(verified.stderr())
        .contains("Good signature from \"Example Releases <releases@example.org>\"");
    String fingerprint = exported.out().replaceAll(".*\"fingerprint\":\"([0-9A-F]+)\".*\\s*", "$1");
    assertThat(verified.stderr().replace(" ", ""))
        .contains(fingerprint.substring(fingerprint.length() - 16));

    Files.writeString(artifact, "jar bytes\n".repeat(4999));
    Cli.Result refused = gpg("--verify", asc.toString(), artifact.toString());
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.stderr()).contains("BAD signature");
  }
}
