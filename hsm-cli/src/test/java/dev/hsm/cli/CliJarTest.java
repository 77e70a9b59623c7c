package dev.hsm.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code hsm jar sign}: JARs signed with a key in the store and its version's certificate, which
 * {@code jarsigner -verify -strict} accepts as a process (trusting the certificate through a
 * PKCS#12 trust store that keytool makes), for ECDSA P-256 and RSA keys; a JAR edited after signing
 * is rejected; the version with a certificate signs after a rotation, or the one asked for; keys
 * not made for standard signatures, without a certificate, or of another kind are refused with
 * their documented exit codes, and nothing is written; signing leaves no plaintext key in the store
 * files.
 */
class CliJarTest {
  private static final String SUBJECT = "CN=Example Code Signing, O=Example";

  @TempDir Path dir;
  private Cli cli;
  private Path jar;

  @BeforeEach
  void store() throws IOException {
    cli = Cli.withKeyFileStore(dir, "jar");
    jar = dir.resolve("app.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry("hello.txt"));
      out.write("hello from the HSM".getBytes(UTF_8));
      out.closeEntry();
      out.putNextEntry(new JarEntry("dev/example/App.class"));
      out.write(new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0, 0, 61});
      out.closeEntry();
    }
  }

  private void create(String key, String algorithm) {
    Cli.Result created =
        cli.hsm(
            "key",
            "create",
            key,
            "--algorithm",
            algorithm,
            "--rsa-bits",
            "2048",
            "--operations",
            "SIGN_STANDARD");
    assertThat(created.exit()).as(created.toString()).isZero();
  }

  private Path selfSigned(String key, String subject, String... more) {
    Path pem = dir.resolve(key + "-" + Math.abs(subject.hashCode()) + ".pem");
    List<String> args =
        new java.util.ArrayList<>(
            List.of("cert", "self-sign", key, "--subject", subject, "--out", pem.toString()));
    args.addAll(List.of(more));
    Cli.Result made = cli.hsm(args.toArray(new String[0]));
    assertThat(made.exit()).as(made.toString()).isZero();
    return pem;
  }

  /** A PKCS#12 trust store holding these certificates, made by keytool. */
  private Path trustStore(Path... certificates) throws IOException {
    Path store = dir.resolve("trust.p12");
    Files.deleteIfExists(store);
    int n = 0;
    for (Path certificate : certificates) {
      Cli.Result imported =
          cli.tool(
              "keytool",
              "-importcert",
              "-noprompt",
              "-alias",
              "trusted" + n++,
              "-file",
              certificate.toString(),
              "-keystore",
              store.toString(),
              "-storetype",
              "PKCS12",
              "-storepass",
              "changeit");
      assertThat(imported.exit()).as(imported.toString()).isZero();
    }
    return store;
  }

  private Cli.Result jarsignerVerify(Path trust, Path signed) throws IOException {
    return cli.tool(
        "jarsigner",
        "-verify",
        "-strict",
        "-verbose",
        "-certs",
        "-keystore",
        trust.toString(),
        "-storepass",
        "changeit",
        signed.toString());
  }

  private static List<String> entries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return Collections.list(zip.entries()).stream()
          .map(ZipEntry::getName)
          .collect(Collectors.toList());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ECDSA_P256_SHA256", "RSA_PKCS1_SHA256"})
  void aSignedJar_verifiesWithJarsignerStrict_andOneEditedAfterSigningDoesNot(String algorithm)
      throws Exception {
    create("signer", algorithm);
    Path certificate = selfSigned("signer", SUBJECT, "--extended-key-usage", "CODE_SIGNING");

    Cli.Result signed = cli.hsm("jar", "sign", jar.toString(), "--key", "signer");

    assertThat(signed.exit()).as(signed.toString()).isZero();
    Path out = dir.resolve("app-signed.jar");
    assertThat(signed.out()).contains("signed " + jar).contains(out.toString());
    assertThat(Files.getPosixFilePermissions(out)).contains(PosixFilePermission.OTHERS_READ);
    assertThat(entries(out))
        .contains("META-INF/SIGNER.SF", "hello.txt", "dev/example/App.class")
        .contains(algorithm.startsWith("ECDSA") ? "META-INF/SIGNER.EC" : "META-INF/SIGNER.RSA");
    Path trust = trustStore(certificate);
    Cli.Result verified = jarsignerVerify(trust, out);
    assertThat(verified.exit()).as(verified.toString()).isZero();
    assertThat(verified.out()).contains("jar verified").contains(SUBJECT);

    Path edited = dir.resolve("edited.jar");
    try (ZipFile zip = new ZipFile(out.toFile());
        ZipOutputStream copy = new ZipOutputStream(Files.newOutputStream(edited))) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        copy.putNextEntry(new ZipEntry(entry.getName()));
        try (InputStream in = zip.getInputStream(entry)) {
          byte[] bytes = in.readAllBytes();
          copy.write(
              entry.getName().equals("hello.txt") ? "hello from elsewhere".getBytes(UTF_8) : bytes);
        }
        copy.closeEntry();
      }
    }
    Cli.Result rejected = jarsignerVerify(trust, edited);
    assertThat(rejected.exit()).as(rejected.toString()).isNotZero();
    assertThat(rejected.out() + rejected.stderr()).contains("digest error for hello.txt");
  }

  @Test
  void afterRotation_theVersionWithACertificateSigns_orTheVersionAskedFor() throws Exception {
    create("signer", "ECDSA_P256_SHA256");
    Path first = selfSigned("signer", "CN=signer v1");
    assertThat(cli.hsm("key", "rotate", "signer").exit()).isZero();

    Cli.Result byDefault = cli.hsm("jar", "sign", jar.toString(), "--key", "signer", "--json");
    assertThat(byDefault.exit()).as(byDefault.toString()).isZero();
    assertThat(byDefault.out()).contains("\"version\":1");
    Path second = selfSigned("signer", "CN=signer v2", "--version", "2");
    Cli.Result asked =
        cli.hsm(
            "jar",
            "sign",
            jar.toString(),
            "--key",
            "signer",
            "--version",
            "1",
            "--signer-name",
            "rel-1",
            "--out",
            cli.path("v1.jar"));
    assertThat(asked.exit()).as(asked.toString()).isZero();
    assertThat(entries(dir.resolve("v1.jar"))).contains("META-INF/REL-1.SF");
    Cli.Result latest =
        cli.hsm("jar", "sign", jar.toString(), "--key", "signer", "--out", cli.path("v2.jar"));
    assertThat(latest.exit()).as(latest.toString()).isZero();

    Path trust = trustStore(first, second);
    Cli.Result v1 = jarsignerVerify(trust, dir.resolve("v1.jar"));
    assertThat(v1.exit()).as(v1.toString()).isZero();
    assertThat(v1.out()).contains("CN=signer v1").doesNotContain("CN=signer v2");
    Cli.Result v2 = jarsignerVerify(trust, dir.resolve("v2.jar"));
    assertThat(v2.exit()).as(v2.toString()).isZero();
    assertThat(v2.out()).contains("CN=signer v2").doesNotContain("CN=signer v1");

    assertThat(cli.hsm("key", "disable", "signer", "--version", "1").exit()).isZero();
    Cli.Result disabled =
        cli.hsm(
            "jar",
            "sign",
            jar.toString(),
            "--key",
            "signer",
            "--version",
            "1",
            "--out",
            cli.path("x.jar"));
    assertThat(disabled.exit()).as(disabled.toString()).isEqualTo(5);
    assertThat(dir.resolve("x.jar")).doesNotExist();
  }

  @Test
  void aKeyForEnvelopesAndJws_isRefused_withExit5_audited_andNoJarIsWritten() {
    Cli.Result created = cli.hsm("key", "create", "tokens", "--algorithm", "ECDSA_P256_SHA256");
    assertThat(created.exit()).isZero();

    Cli.Result refused = cli.hsm("jar", "sign", jar.toString(), "--key", "tokens");

    assertThat(refused.exit()).as(refused.toString()).isEqualTo(5);
    assertThat(refused.stderr().strip().lines()).hasSize(1);
    assertThat(refused.stderr())
        .startsWith("hsm jar sign: key 'tokens' does not allow SIGN_STANDARD")
        .contains("--operations SIGN_STANDARD")
        .doesNotContain("\tat ");
    assertThat(dir.resolve("app-signed.jar")).doesNotExist();
    assertThat(cli.hsm("audit", "tail", "-n", "1", "--json").out())
        .contains("\"action\":\"key.sign-standard\"")
        .contains("\"outcome\":\"refused\"");
  }

  @Test
  void aKeyWithoutACertificate_exits4_sayingHowToGiveItOne() {
    create("signer", "ECDSA_P256_SHA256");

    Cli.Result refused = cli.hsm("jar", "sign", jar.toString(), "--key", "signer");

    assertThat(refused.exit()).as(refused.toString()).isEqualTo(4);
    assertThat(refused.stderr().strip().lines()).hasSize(1);
    assertThat(refused.stderr())
        .startsWith("hsm jar sign: key 'signer' version 1 has no certificate")
        .contains("hsm cert self-sign signer")
        .contains("hsm cert attach signer");
    assertThat(dir.resolve("app-signed.jar")).doesNotExist();
  }

  @Test
  void wrongUse_isRefused_beforeAnythingIsWritten() throws Exception {
    create("ed", "ED25519");
    create("signer", "ECDSA_P256_SHA256");
    selfSigned("signer", SUBJECT);
    Path notAJar = Files.writeString(dir.resolve("notes.jar"), "not a zip");
    Files.writeString(dir.resolve("app-signed.jar"), "keep me");

    assertThat(
            cli.hsm("jar", "sign", jar.toString(), "--key", "ed", "-o", cli.path("a.jar")).exit())
        .isEqualTo(2);
    assertThat(cli.hsm("jar", "sign", notAJar.toString(), "--key", "signer").exit()).isEqualTo(2);
    assertThat(
            cli.hsm(
                    "jar",
                    "sign",
                    jar.toString(),
                    "--key",
                    "signer",
                    "--signer-name",
                    "much too long",
                    "-o",
                    cli.path("b.jar"))
                .exit())
        .isEqualTo(2);
    assertThat(cli.hsm("jar", "sign", cli.path("missing.jar"), "--key", "signer").exit())
        .isEqualTo(4);
    assertThat(
            cli.hsm("jar", "sign", jar.toString(), "--key", "nope", "-o", cli.path("c.jar")).exit())
        .isEqualTo(4);
    assertThat(cli.hsm("jar", "sign", jar.toString(), "--key", "signer").exit()).isEqualTo(7);
    assertThat(Files.readString(dir.resolve("app-signed.jar"))).isEqualTo("keep me");
    assertThat(dir.resolve("a.jar")).doesNotExist();
    assertThat(dir.resolve("b.jar")).doesNotExist();
    assertThat(dir.resolve("c.jar")).doesNotExist();
    assertThat(dir.resolve("notes-signed.jar")).doesNotExist();
  }

  @Test
  void signingWithAnImportedKey_leavesNoPlaintextKeyInTheStoreFiles() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    BigInteger s = ((ECPrivateKey) pair.getPrivate()).getS();
    byte[] scalar = new byte[32];
    byte[] bytes = s.toByteArray();
    int copy = Math.min(32, bytes.length);
    System.arraycopy(bytes, bytes.length - copy, scalar, 32 - copy, copy);
    try (HsmClient hsm =
        HsmClient.open(HsmConfig.sqlite(dir.resolve("jar.db")).keyFile(dir.resolve("jar.key")))) {
      hsm.importKey(
          "imported",
          KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD),
          KeyMaterial.privateKeyPkcs8(pair.getPrivate().getEncoded()));
    }
    selfSigned("imported", SUBJECT);

    Cli.Result signed = cli.hsm("jar", "sign", jar.toString(), "--key", "imported");

    assertThat(signed.exit()).as(signed.toString()).isZero();
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Path file = dir.resolve("jar.db" + suffix);
      if (Files.exists(file)) {
        assertThat(Collections.indexOfSubList(boxed(Files.readAllBytes(file)), boxed(scalar)))
            .as("the private key in " + file)
            .isEqualTo(-1);
      }
    }
  }

  private static List<Byte> boxed(byte[] bytes) {
    List<Byte> list = new java.util.ArrayList<>(bytes.length);
    for (byte b : bytes) {
      list.add(b);
    }
    return list;
  }
}
