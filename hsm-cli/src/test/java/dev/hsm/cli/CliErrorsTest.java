package dev.hsm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures: one line on stderr naming what failed and what to do, the documented exit code, no
 * stack trace unless {@code --verbose}, and nothing changed (the store file's audit log and keys
 * are as before). Secrets are never taken as arguments.
 */
class CliErrorsTest {
  @TempDir Path dir;
  private Cli cli;

  @BeforeEach
  void store() throws Exception {
    cli = Cli.withKeyFileStore(dir, "errors");
    assertThat(cli.hsm("key", "create", "tokens", "--algorithm", "ECDSA_P256_SHA256").exit())
        .isZero();
  }

  private String auditEntries() throws Exception {
    Cli.Result verified = cli.hsm("audit", "verify");
    assertThat(verified.exit()).as(verified.toString()).isZero();
    return verified.out();
  }

  private static void assertOneLine(Cli.Result result, int exit, String start) {
    assertThat(result.exit()).as(result.toString()).isEqualTo(exit);
    assertThat(result.stderr().strip().lines()).as(result.stderr()).hasSize(1);
    assertThat(result.stderr()).startsWith(start).doesNotContain("\tat ");
  }

  @Test
  void aWrongKeyFile_exits3_andChangesNothing() throws Exception {
    String before = auditEntries();
    Path wrong = Cli.newKeyFile(dir.resolve("wrong.key"));
    String right = cli.env("HSM_KEY_FILE");
    cli.env("HSM_KEY_FILE", wrong.toString());

    Cli.Result refused = cli.hsm("key", "create", "other", "--algorithm", "AES_256_GCM");

    assertOneLine(refused, 3, "hsm key create: ");
    assertThat(refused.stderr()).contains("--key-file");
    cli.env("HSM_KEY_FILE", right);
    assertThat(auditEntries()).isEqualTo(before);
    assertThat(cli.hsm("key", "show", "other").exit()).isEqualTo(4);
  }

  @Test
  void aWrongPassphrase_exits3_andChangesNothing() throws Exception {
    Cli pass = new Cli(dir).env("HSM_STORE", dir.resolve("pass.db").toString());
    pass.env("HSM_PASSPHRASE", "right passphrase");
    assertThat(pass.hsm("init", "--argon2-memory-kib", "1024", "--argon2-iterations", "1").exit())
        .isZero();
    byte[] before = Files.readAllBytes(dir.resolve("pass.db"));
    pass.env("HSM_PASSPHRASE", "wrong passphrase");

    Cli.Result refused = pass.hsm("key", "create", "k", "--algorithm", "AES_256_GCM");

    assertOneLine(refused, 3, "hsm key create: ");
    assertThat(refused.stderr()).contains("HSM_PASSPHRASE").doesNotContain("wrong passphrase");
    assertThat(Files.readAllBytes(dir.resolve("pass.db"))).isEqualTo(before);
  }

  @Test
  void aMissingKey_exits4_namingIt() throws Exception {
    Cli.Result missing = cli.hsm("key", "rotate", "nope");

    assertOneLine(missing, 4, "hsm key rotate: ");
    assertThat(missing.stderr()).contains("nope").contains("hsm key list");
  }

  @Test
  void aRefusedOperation_exits5_audited_andTheKeyIsUnchanged() throws Exception {
    Path file = Files.writeString(dir.resolve("f.txt"), "data");
    assertThat(
            cli.hsm(
                    "key",
                    "create",
                    "archive",
                    "--algorithm",
                    "AES_256_GCM",
                    "--operations",
                    "DECRYPT")
                .exit())
        .isZero();
    String before = cli.hsm("key", "show", "archive", "--json").out();

    Cli.Result refused = cli.hsm("encrypt", "--key", "archive", file.toString());

    assertOneLine(refused, 5, "hsm encrypt: key 'archive' does not allow ENCRYPT");
    assertThat(dir.resolve("f.txt.hsmenc")).doesNotExist();
    assertThat(cli.hsm("key", "show", "archive", "--json").out()).isEqualTo(before);
    assertThat(cli.hsm("audit", "tail", "-n", "1").out()).contains("refused");
  }

  @Test
  void verbose_addsTheStackTrace() throws Exception {
    Cli.Result verbose = cli.hsm("key", "rotate", "nope", "--verbose");

    assertThat(verbose.exit()).isEqualTo(4);
    assertThat(verbose.stderr()).contains("KeyNotFoundException").contains("\tat ");
  }

  @Test
  void noStore_orNoSecret_orAMistypedStore_areUsageErrors_andCreateNothing() throws Exception {
    Cli bare = new Cli(dir);
    assertOneLine(bare.hsm("key", "list"), 2, "hsm key list: no store given: set HSM_STORE");

    bare.env("HSM_STORE", dir.resolve("errors.db").toString());
    assertOneLine(bare.hsm("key", "list"), 2, "hsm key list: no unlock secret");

    cli.env("HSM_STORE", dir.resolve("typo.db").toString());
    assertOneLine(cli.hsm("key", "list"), 4, "hsm key list: no store at");
    assertThat(dir.resolve("typo.db")).doesNotExist();
  }

  @Test
  void secretsAreNotAcceptedAsArguments() throws Exception {
    Cli.Result refused = cli.hsm("key", "list", "--passphrase", "secret");

    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.stderr()).contains("Unknown option");
  }

  @Test
  void initRefusesAnExistingStore() throws Exception {
    assertOneLine(cli.hsm("init"), 7, "hsm init: a file exists at");
  }
}
