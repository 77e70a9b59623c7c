package dev.hsm.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands, run as a process on real stores: init, the key lifecycle, policies, public
 * keys, unlock slots, the admin credential, master key rotation, backup and restore, export and
 * import between stores, the audit log; {@code --json} output parsed as JSON.
 */
class CliOperatorTest {
  @TempDir Path dir;

  private static Map<String, Object> json(Cli.Result result) throws Exception {
    assertThat(result.exit()).as(result.toString()).isZero();
    return JSONObjectUtils.parse(result.out());
  }

  @Test
  void init_withAPassphraseFromTheEnvironment_thenTheKeyLifecycle() throws Exception {
    Cli cli = new Cli(dir).env("HSM_STORE", dir.resolve("ops.db").toString());
    cli.env("HSM_PASSPHRASE", "correct horse battery staple");
    Cli.Result init = cli.hsm("init", "--argon2-memory-kib", "1024", "--argon2-iterations", "1");
    assertThat(init.exit()).as(init.toString()).isZero();
    assertThat(init.out()).contains("created store");

    Map<String, Object> created =
        json(
            cli.hsm(
                "key",
                "create",
                "pii",
                "--algorithm",
                "AES_256_GCM",
                "--label",
                "team=payments",
                "--rotation-period",
                "90d",
                "--json"));
    assertThat(created.get("algorithm")).isEqualTo("AES_256_GCM");
    assertThat(created.get("labels")).isEqualTo(Map.of("team", "payments"));
    assertThat(created.get("rotationPeriod")).isEqualTo("PT2160H");

    assertThat(json(cli.hsm("key", "rotate", "pii", "--json")).get("primaryVersion")).isEqualTo(2L);
    assertThat(cli.hsm("key", "disable", "pii", "--version", "1").exit()).isZero();
    assertThat(versionState(cli, "pii", 0)).isEqualTo("DISABLED");
    assertThat(cli.hsm("key", "enable", "pii", "--version", "1").exit()).isZero();
    assertThat(versionState(cli, "pii", 0)).isEqualTo("ENABLED");

    Map<String, Object> scheduled =
        json(
            cli.hsm(
                "key",
                "schedule-destruction",
                "pii",
                "--version",
                "1",
                "--waiting-period",
                "2d",
                "--json"));
    assertThat(versionOf(scheduled, 0).get("state")).isEqualTo("SCHEDULED_FOR_DESTRUCTION");
    assertThat(versionOf(scheduled, 0)).containsKey("destructionAt");
    Map<String, Object> cancelled =
        json(cli.hsm("key", "cancel-destruction", "pii", "--version", "1", "--json"));
    assertThat(versionOf(cancelled, 0).get("state")).isEqualTo("DISABLED");

    Map<String, Object> policy =
        json(
            cli.hsm(
                "key",
                "set-policy",
                "pii",
                "--min-decryption-version",
                "2",
                "--rotation-period",
                "0",
                "--json"));
    assertThat(policy.get("minDecryptionVersion")).isEqualTo(2L);
    assertThat(policy.get("rotationPeriod")).isNull();

    assertThat(cli.hsm("key", "disable", "pii").exit()).isZero();
    assertThat(json(cli.hsm("key", "show", "pii", "--json")).get("enabled")).isEqualTo(false);
    assertThat(cli.hsm("key", "enable", "pii").exit()).isZero();

    Cli.Result list = cli.hsm("key", "list");
    assertThat(list.out()).contains("pii").contains("AES_256_GCM").contains("v2");
    Cli.Result show = cli.hsm("key", "show", "pii");
    assertThat(show.out())
        .contains("version 1: DISABLED")
        .contains("labels:          {team=payments}");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> versionOf(Map<String, Object> key, int index) {
    return ((List<Map<String, Object>>) key.get("versions")).get(index);
  }

  private static String versionState(Cli cli, String key, int index) throws Exception {
    return (String) versionOf(json(cli.hsm("key", "show", key, "--json")), index).get("state");
  }

  @Test
  void publicKeys_asPem_jwk_andAJwkSetOfEveryEnabledVersion() throws Exception {
    Cli cli = Cli.withKeyFileStore(dir, "pub");
    assertThat(cli.hsm("key", "create", "tokens", "--algorithm", "ED25519").exit()).isZero();
    cli.hsm("key", "rotate", "tokens");
    cli.hsm("key", "rotate", "tokens");
    cli.hsm("key", "disable", "tokens", "--version", "1");

    assertThat(cli.hsm("key", "public", "tokens").out()).startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(json(cli.hsm("key", "public", "tokens", "--format", "jwk")).get("kid"))
        .isEqualTo("tokens:3");
    Map<String, Object> jwks = json(cli.hsm("key", "public", "tokens", "--format", "jwks"));
    assertThat((List<?>) jwks.get("keys")).hasSize(2);
    assertThat(jwks.toString())
        .contains("tokens:2")
        .contains("tokens:3")
        .doesNotContain("tokens:1");
    Cli.Result pem = cli.hsm("key", "public", "tokens", "--out", cli.path("tokens.pem"));
    assertThat(pem.exit()).isZero();
    Cli.Result parsed =
        cli.tool("openssl", "pkey", "-pubin", "-in", "tokens.pem", "-noout", "-text");
    assertThat(parsed.exit()).as(parsed.toString()).isZero();
    assertThat(parsed.out()).contains("ED25519");
  }

  @Test
  void unlockSlots_addAKeyFile_openWithIt_andRemoveTheOld() throws Exception {
    Cli cli = Cli.withKeyFileStore(dir, "slots");
    Path second = Cli.newKeyFile(dir.resolve("second.key"));

    Map<String, Object> added =
        json(cli.hsm("slot", "add", "--new-key-file", second.toString(), "--json"));
    long id = (Long) added.get("id");
    assertThat((List<?>) json(cli.hsm("slot", "list", "--json")).get("slots")).hasSize(2);

    String first = cli.env("HSM_KEY_FILE");
    cli.env("HSM_KEY_FILE", second.toString());
    assertThat(cli.hsm("key", "list").exit()).isZero();
    Map<String, Object> slots = json(cli.hsm("slot", "list", "--json"));
    long firstId =
        ((List<Map<String, Object>>) (List<?>) slots.get("slots"))
            .stream()
                .mapToLong(s -> (Long) s.get("id"))
                .filter(s -> s != id)
                .findFirst()
                .orElseThrow();
    assertThat(cli.hsm("slot", "remove", Long.toString(firstId)).exit()).isZero();

    cli.env("HSM_KEY_FILE", first);
    Cli.Result refused = cli.hsm("key", "list");
    assertThat(refused.exit()).isEqualTo(3);
  }

  @Test
  void theAdminCredential_onceSet_isNeededForAdminActs_fromAFileOrTheEnvironment()
      throws Exception {
    Cli cli = Cli.withKeyFileStore(dir, "admin");
    cli.hsm("key", "create", "signer", "--algorithm", "ECDSA_P256_SHA256");
    cli.hsm("key", "rotate", "signer");
    Path adminFile = Files.writeString(dir.resolve("admin.pass"), "officer passphrase\n");

    Cli.Result set =
        cli.hsm("admin", "set-passphrase", "--new-admin-passphrase-file", adminFile.toString());
    assertThat(set.exit()).as(set.toString()).isZero();

    Cli.Result refused = cli.hsm("key", "schedule-destruction", "signer", "--version", "1");
    assertThat(refused.exit()).isEqualTo(3);
    assertThat(refused.stderr()).contains("HSM_ADMIN_PASSPHRASE");
    assertThat(versionState(cli, "signer", 0)).isEqualTo("ENABLED");

    Cli.Result withFile =
        cli.hsm(
            "key",
            "schedule-destruction",
            "signer",
            "--version",
            "1",
            "--admin-passphrase-file",
            adminFile.toString());
    assertThat(withFile.exit()).as(withFile.toString()).isZero();
    cli.env("HSM_ADMIN_PASSPHRASE", "officer passphrase");
    assertThat(cli.hsm("key", "cancel-destruction", "signer", "--version", "1").exit()).isZero();
    cli.env("HSM_ADMIN_PASSPHRASE", "wrong");
    assertThat(cli.hsm("slot", "list").exit()).isEqualTo(3);
  }

  @Test
  void masterKeyRotation_backup_andRestore() throws Exception {
    Cli cli = Cli.withKeyFileStore(dir, "main");
    cli.hsm("key", "create", "tokens", "--algorithm", "ED25519");
    String jwk = cli.hsm("key", "public", "tokens", "--format", "jwk").out();

    Cli.Result rotated = cli.hsm("store", "rotate-master-key");
    assertThat(rotated.exit()).as(rotated.toString()).isZero();
    assertThat(cli.hsm("key", "public", "tokens", "--format", "jwk").out()).isEqualTo(jwk);

    assertThat(cli.hsm("store", "backup", cli.path("main.backup")).exit()).isZero();
    assertThat(cli.hsm("store", "backup", cli.path("main.backup")).exit()).isEqualTo(7);
    Cli restore = new Cli(dir).env("HSM_STORE", dir.resolve("restored.db").toString());
    restore.env("HSM_KEY_FILE", cli.env("HSM_KEY_FILE"));
    Map<String, Object> restored =
        json(restore.hsm("store", "restore", cli.path("main.backup"), "--json"));
    assertThat(restored.get("keys")).isEqualTo(1L);
    assertThat(restore.hsm("key", "public", "tokens", "--format", "jwk").out()).isEqualTo(jwk);
  }

  @Test
  void anExtractableKey_movesToAnotherStore_signedByATrustedSigner() throws Exception {
    Cli source = Cli.withKeyFileStore(dir, "source");
    Cli target = Cli.withKeyFileStore(dir, "target");
    source.hsm("key", "create", "shared", "--algorithm", "AES_256_GCM", "--extractable");
    source.hsm("key", "create", "exporter", "--algorithm", "ECDSA_P256_SHA256");
    target.hsm(
        "key", "create", "transport", "--algorithm", "RSA_OAEP_SHA256", "--rsa-bits", "2048");
    assertThat(
            target.hsm("key", "public", "transport", "--out", target.path("transport.pem")).exit())
        .isZero();
    assertThat(source.hsm("key", "public", "exporter", "--out", source.path("exporter.pem")).exit())
        .isZero();
    Cli.Result trusted =
        target.hsm(
            "key",
            "import-public",
            "from-source",
            "--algorithm",
            "ECDSA_P256_SHA256",
            "--pem",
            target.path("exporter.pem"));
    assertThat(trusted.exit()).as(trusted.toString()).isZero();

    Cli.Result exported =
        source.hsm(
            "key",
            "export",
            "shared",
            "--transport-pem",
            source.path("transport.pem"),
            "--signer",
            "exporter",
            "--out",
            source.path("shared.hsmx"));
    assertThat(exported.exit()).as(exported.toString()).isZero();
    Cli.Result imported =
        target.hsm(
            "key",
            "import",
            "shared",
            "--in",
            target.path("shared.hsmx"),
            "--transport",
            "transport",
            "--signer",
            "from-source",
            "--json");

    Map<String, Object> key = json(imported);
    assertThat(key.get("imported")).isEqualTo(true);
    assertThat(key.get("algorithm")).isEqualTo("AES_256_GCM");

    byte[] blob = Files.readAllBytes(dir.resolve("shared.hsmx"));
    blob[blob.length - 1] ^= 1;
    Files.write(dir.resolve("altered.hsmx"), blob);
    Cli.Result refused =
        target.hsm(
            "key",
            "import",
            "copy",
            "--in",
            target.path("altered.hsmx"),
            "--transport",
            "transport",
            "--signer",
            "from-source");
    assertThat(refused.exit()).isEqualTo(6);
    assertThat(target.hsm("key", "show", "copy").exit()).isEqualTo(4);
  }

  @Test
  void theAuditLog_verifies_andItsTailShowsTheNewestEntries() throws Exception {
    Cli cli = Cli.withKeyFileStore(dir, "audit");
    cli.hsm("key", "create", "a", "--algorithm", "AES_256_GCM");
    cli.hsm("key", "rotate", "a");

    Map<String, Object> verified = json(cli.hsm("audit", "verify", "--json"));
    assertThat(verified.get("verified")).isEqualTo(true);
    assertThat((Long) verified.get("entries")).isGreaterThanOrEqualTo(2L);
    Map<String, Object> tail = json(cli.hsm("audit", "tail", "-n", "1", "--json"));
    assertThat(tail.toString()).contains("key.rotate");
    assertThat(cli.hsm("audit", "tail").out()).contains("key.create").contains("key.rotate");
  }

  @Test
  void helpOnEveryLevel_andACompletionScript() throws Exception {
    Cli cli = new Cli(dir);
    for (String[] args :
        List.of(
            new String[] {"--help"},
            new String[] {"key", "--help"},
            new String[] {"key", "create", "--help"},
            new String[] {"sign", "--help"},
            new String[] {"pgp", "sign", "--help"},
            new String[] {"audit", "tail", "--help"},
            new String[] {"key", "disable", "--help"},
            new String[] {"key", "public", "--help"},
            new String[] {"jar", "sign", "--help"},
            new String[] {"cert", "self-sign", "--help"})) {
      Cli.Result help = cli.hsm(args);
      assertThat(help.exit()).as(String.join(" ", args)).isZero();
      assertThat(help.out()).contains("Usage: hsm");
    }
    assertThat(cli.hsm("--help").out())
        .contains("Exit codes:")
        .contains("refused by the key's policy or state");
    Cli.Result completion = cli.hsm("generate-completion");
    assertThat(completion.exit()).isZero();
    assertThat(completion.out())
        .contains("complete -F")
        .contains("schedule-destruction")
        .contains("self-sign");
    assertThat(new String(cli.hsm("--version").stdout(), UTF_8)).startsWith("hsm ");
  }
}
