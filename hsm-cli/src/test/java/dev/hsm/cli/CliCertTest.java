package dev.hsm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsm cert}: a request that OpenSSL verifies and an OpenSSL CA issues a certificate for, the
 * issued chain attached to the version (and a chain for another key refused with exit 6, nothing
 * stored), shown as PEM and JSON; a self-signed certificate OpenSSL accepts, kept unless replaced;
 * refusals of keys not made for standard signatures and of bad input.
 */
class CliCertTest {
  @TempDir Path dir;
  private Cli cli;

  @BeforeEach
  void store() throws Exception {
    cli = Cli.withKeyFileStore(dir, "cert");
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
  }

  private Cli.Result openssl(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Cli.Result result = cli.tool(command);
    assertThat(result.exit()).as(String.join(" ", command) + "\n" + result).isZero();
    return result;
  }

  @Test
  void aRequest_issuedByAnOpensslCa_isAttached_andShown_butAChainForAnotherKeyIsRefused()
      throws Exception {
    Cli.Result csr =
        cli.hsm(
            "cert",
            "csr",
            "release",
            "--subject",
            "CN=Release Signing, O=Example",
            "--san",
            "email:releases@example.org,dns:releases.example.org",
            "--extended-key-usage",
            "CODE_SIGNING",
            "-o",
            cli.path("release.csr"));
    assertThat(csr.exit()).as(csr.toString()).isZero();
    Cli.Result request = openssl("req", "-in", "release.csr", "-noout", "-verify", "-text");
    assertThat(request.out() + request.stderr())
        .contains("verify OK")
        .contains("CN = Release Signing")
        .contains("email:releases@example.org")
        .contains("DNS:releases.example.org")
        .contains("Code Signing");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=Test Root CA",
        "-days",
        "30");
    openssl(
        "x509",
        "-req",
        "-in",
        "release.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "30",
        "-copy_extensions",
        "copy",
        "-out",
        "release.crt");
    Path chain =
        Files.writeString(
            dir.resolve("chain.pem"),
            Files.readString(dir.resolve("release.crt")) + Files.readString(dir.resolve("ca.pem")));

    Cli.Result foreign = cli.hsm("cert", "attach", "release", "--chain", cli.path("ca.pem"));
    assertThat(foreign.exit()).as(foreign.toString()).isEqualTo(6);
    assertThat(foreign.stderr().strip().lines()).hasSize(1);
    assertThat(foreign.stderr()).startsWith("hsm cert attach: ").contains("hsm cert csr");
    Cli.Result none = cli.hsm("cert", "show", "release");
    assertThat(none.exit()).isEqualTo(4);
    assertThat(none.stderr()).contains("has no certificate").contains("hsm cert self-sign");

    Cli.Result attached = cli.hsm("cert", "attach", "release", "--chain", chain.toString());
    assertThat(attached.exit()).as(attached.toString()).isZero();
    assertThat(attached.out()).contains("attached a chain of 2 to key release version 1");

    Map<String, Object> shown =
        JSONObjectUtils.parse(cli.hsm("cert", "show", "release", "--json").out());
    assertThat(shown.get("version")).isEqualTo(1L);
    List<?> certificates = (List<?>) shown.get("certificates");
    assertThat(certificates).hasSize(2);
    assertThat(certificates.get(0).toString()).contains("CN=Release Signing,O=Example");
    assertThat(certificates.get(1).toString()).contains("CN=Test Root CA");
    assertThat(cli.hsm("cert", "show", "release", "-o", cli.path("shown.pem")).exit()).isZero();
    assertThat(openssl("verify", "-CAfile", "ca.pem", "shown.pem").out()).contains("shown.pem: OK");
    assertThat(openssl("x509", "-in", "shown.pem", "-noout", "-ext", "extendedKeyUsage").out())
        .contains("Code Signing");
    assertThat(cli.hsm("audit", "tail", "-n", "10").out())
        .contains("key.attach-certificate")
        .contains("refused");
  }

  @Test
  void aSelfSignedCertificate_verifiesWithOpenssl_andIsKeptUnlessReplaced() throws Exception {
    Cli.Result made =
        cli.hsm(
            "cert",
            "self-sign",
            "release",
            "--subject",
            "CN=Release Signing",
            "--days",
            "10",
            "--san",
            "ip:127.0.0.1");
    assertThat(made.exit()).as(made.toString()).isZero();
    assertThat(made.out()).startsWith("-----BEGIN CERTIFICATE-----");
    Files.writeString(dir.resolve("self.pem"), made.out());
    Cli.Result verified = openssl("verify", "-CAfile", "self.pem", "self.pem");
    assertThat(verified.out()).contains("self.pem: OK");
    Cli.Result text = openssl("x509", "-in", "self.pem", "-noout", "-text");
    assertThat(text.out()).contains("IP Address:127.0.0.1").contains("Digital Signature");
    assertThat(cli.hsm("cert", "show", "release").out()).isEqualTo(made.out());

    Cli.Result kept = cli.hsm("cert", "self-sign", "release", "--subject", "CN=Other");
    assertThat(kept.exit()).isEqualTo(7);
    assertThat(kept.stderr()).contains("--replace");
    Cli.Result replaced =
        cli.hsm("cert", "self-sign", "release", "--subject", "CN=Other", "--replace", "--json");
    assertThat(replaced.exit()).as(replaced.toString()).isZero();
    assertThat(replaced.out()).contains("CN=Other");
    assertThat(cli.hsm("cert", "show", "release").out()).isNotEqualTo(made.out());
  }

  @Test
  void keysNotMadeForStandardSignatures_andBadInput_areRefused() throws Exception {
    assertThat(cli.hsm("key", "create", "tokens", "--algorithm", "ECDSA_P256_SHA256").exit())
        .isZero();
    Cli.Result refused = cli.hsm("cert", "csr", "tokens", "--subject", "CN=tokens");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(5);
    assertThat(refused.stderr()).contains("does not allow SIGN_STANDARD");
    Cli.Result selfSigned = cli.hsm("cert", "self-sign", "tokens", "--subject", "CN=tokens");
    assertThat(selfSigned.exit()).isEqualTo(5);

    Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");
    Cli.Result notACertificate = cli.hsm("cert", "attach", "release", "--chain", notPem.toString());
    assertThat(notACertificate.exit()).isEqualTo(2);
    assertThat(notACertificate.stderr()).contains("holds no X.509 certificate");
    assertThat(cli.hsm("cert", "csr", "release", "--subject", "CN=x", "--san", "uri:x").exit())
        .isEqualTo(2);
    assertThat(cli.hsm("cert", "csr", "release", "--subject", "not a name").exit()).isEqualTo(2);
    assertThat(cli.hsm("cert", "csr", "release", "--subject", "CN=x", "--version", "9").exit())
        .isEqualTo(4);
    assertThat(cli.hsm("cert", "self-sign", "release", "--subject", "CN=x", "--days", "0").exit())
        .isEqualTo(2);
    assertThat(cli.hsm("cert", "show", "nope").exit()).isEqualTo(4);
  }
}
