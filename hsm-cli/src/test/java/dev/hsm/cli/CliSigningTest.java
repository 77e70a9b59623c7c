package dev.hsm.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code hsm sign}: detached standard signatures of files, checked by OpenSSL as a process with the
 * public key {@code hsm key public} exported, for each algorithm; a key made for envelopes or JWS
 * is refused and nothing is written; a file larger than the JVM's heap signs in constant memory.
 */
class CliSigningTest {
  @TempDir Path dir;
  private Cli cli;
  private Path artifact;

  @BeforeEach
  void store() throws IOException {
    cli = Cli.withKeyFileStore(dir, "ci");
    artifact = Files.writeString(dir.resolve("app-1.0.tar.gz"), "release contents\n".repeat(1000));
  }

  private Path publicPem(String key) throws IOException {
    Cli.Result pem = cli.hsm("key", "public", key);
    assertThat(pem.exit()).as(pem.toString()).isZero();
    return Files.write(dir.resolve(key + ".pem"), pem.stdout());
  }

  private void create(String key, String algorithm, String... more) throws IOException {
    String[] args = {
      "key", "create", key, "--algorithm", algorithm, "--operations", "SIGN_STANDARD"
    };
    String[] all =
        java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
            .toArray(String[]::new);
    Cli.Result created = cli.hsm(all);
    assertThat(created.exit()).as(created.toString()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "ECDSA_P256_SHA256, -sha256, ''",
    "ECDSA_P384_SHA384, -sha384, ''",
    "ECDSA_P521_SHA512, -sha512, ''",
    "RSA_PKCS1_SHA256, -sha256, ''",
    "RSA_PSS_SHA256, -sha256, pss"
  })
  void aSignedFile_verifiesWithOpenssl_andATamperedOneDoesNot(
      String algorithm, String digest, String padding) throws IOException {
    create("release", algorithm, "--rsa-bits", "2048");
    Path pem = publicPem("release");

    Cli.Result signed = cli.hsm("sign", "--key", "release", artifact.toString());

    assertThat(signed.exit()).as(signed.toString()).isZero();
    Path signature = dir.resolve("app-1.0.tar.gz.sig");
    assertThat(signature).exists();
    assertThat(Files.getPosixFilePermissions(signature))
        .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
    String[] pss =
        padding.isEmpty()
            ? new String[0]
            : new String[] {"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"};
    Cli.Result verified = openssl(digest, pss, pem, signature, artifact);
    assertThat(verified.exit()).as(verified.toString()).isZero();
    assertThat(verified.out()).contains("Verified OK");

    Path tampered =
        Files.writeString(dir.resolve("tampered.tar.gz"), "release contents\n".repeat(999));
    Cli.Result refused = openssl(digest, pss, pem, signature, tampered);
    assertThat(refused.exit()).isNotZero();
  }

  private Cli.Result openssl(String digest, String[] pss, Path pem, Path signature, Path file)
      throws IOException {
    java.util.List<String> command =
        new java.util.ArrayList<>(java.util.List.of("openssl", "dgst", digest));
    command.addAll(java.util.List.of(pss));
    command.addAll(
        java.util.List.of(
            "-verify", pem.toString(), "-signature", signature.toString(), file.toString()));
    return cli.tool(command.toArray(new String[0]));
  }

  @Test
  void ed25519_signature_verifiesWithOpensslPkeyutl() throws IOException {
    create("ed", "ED25519");
    Path pem = publicPem("ed");

    Cli.Result signed =
        cli.hsm("sign", "--key", "ed", "--out", cli.path("ed.sig"), artifact.toString());

    assertThat(signed.exit()).as(signed.toString()).isZero();
    Cli.Result verified =
        cli.tool(
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            pem.toString(),
            "-rawin",
            "-in",
            artifact.toString(),
            "-sigfile",
            dir.resolve("ed.sig").toString());
    assertThat(verified.exit()).as(verified.toString()).isZero();
    assertThat(verified.out()).contains("Signature Verified Successfully");
  }

  @Test
  void base64Signature_ofStdin_decodesToWhatOpensslVerifies_andJsonNamesTheVersion()
      throws Exception {
    create("release", "ECDSA_P256_SHA256");
    cli.hsm("key", "rotate", "release");
    Path pem = publicPem("release");

    Cli.Result signed =
        cli.hsmWithInput(
            Files.readAllBytes(artifact), "sign", "--key", "release", "--encoding", "base64", "-");

    assertThat(signed.exit()).as(signed.toString()).isZero();
    Path signature =
        Files.write(dir.resolve("stdin.sig"), Base64.getMimeDecoder().decode(signed.out().trim()));
    assertThat(openssl("-sha256", new String[0], pem, signature, artifact).exit()).isZero();

    Cli.Result json =
        cli.hsm(
            "sign", "--key", "release", "--json", "--out", cli.path("x.sig"), artifact.toString());
    assertThat(json.out())
        .contains("\"version\":2")
        .contains("\"algorithm\":\"ECDSA_P256_SHA256\"");
    assertThat(JSONObjectUtils.parse(json.out()).get("signature")).isEqualTo(cli.path("x.sig"));
  }

  @Test
  void aKeyForEnvelopesAndJws_isRefused_withExit5_oneLine_andNoSignatureFile() throws IOException {
    Cli.Result created = cli.hsm("key", "create", "tokens", "--algorithm", "ECDSA_P256_SHA256");
    assertThat(created.exit()).isZero();

    Cli.Result refused = cli.hsm("sign", "--key", "tokens", artifact.toString());

    assertThat(refused.exit()).isEqualTo(5);
    assertThat(refused.stderr().strip().lines()).hasSize(1);
    assertThat(refused.stderr())
        .startsWith("hsm sign: key 'tokens' does not allow SIGN_STANDARD")
        .contains("--operations SIGN_STANDARD")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(dir.resolve("app-1.0.tar.gz.sig")).doesNotExist();
    Cli.Result audit = cli.hsm("audit", "tail", "-n", "1", "--json");
    assertThat(audit.out())
        .contains("\"action\":\"key.sign-standard\"")
        .contains("\"outcome\":\"refused\"");
  }

  @Test
  void aFileLargerThanTheHeap_signsInConstantMemory() throws IOException {
    create("release", "ECDSA_P256_SHA256");
    Path pem = publicPem("release");
    Path large = dir.resolve("large.bin");
    try (RandomAccessFile file = new RandomAccessFile(large.toFile(), "rw")) {
      file.setLength(200L * 1024 * 1024); // 200 MiB, four times the heap below
      file.seek(123_456_789L);
      file.write("not all zeros".getBytes(UTF_8));
    }
    cli.env("HSM_JAVA_OPTS", "-Xmx48m");

    Cli.Result signed = cli.hsmProcess("sign", "--key", "release", large.toString());

    assertThat(signed.exit()).as(signed.toString()).isZero();
    assertThat(openssl("-sha256", new String[0], pem, dir.resolve("large.bin.sig"), large).exit())
        .isZero();
  }

  @Test
  void anExistingSignatureFile_isNotOverwritten() throws IOException {
    create("release", "ECDSA_P256_SHA256");
    Path existing = Files.writeString(dir.resolve("app-1.0.tar.gz.sig"), "keep me");

    Cli.Result refused = cli.hsm("sign", "--key", "release", artifact.toString());

    assertThat(refused.exit()).isEqualTo(7);
    assertThat(Files.readString(existing)).isEqualTo("keep me");
  }
}
