package dev.hsm.jca;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.TestStores;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real tools against our key store, as processes: keytool lists it and makes a certificate
 * request from it, jarsigner signs a JAR with its key (and verifies it against the test CA), and
 * OpenSSL accepts our requests, our self-signed certificates and a chain the test CA issued for our
 * request. The commands are those docs/JCA.md shows.
 */
class JcaToolsTest {
  @TempDir Path dir;
  private TestCa ca;
  private byte[] privateScalar;
  private Path properties;

  @BeforeEach
  void createStore() throws Exception {
    ca = TestCa.create();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair imported = generator.generateKeyPair();
    privateScalar = unsigned(((ECPrivateKey) imported.getPrivate()).getS(), 32);
    try (HsmClient hsm = TestStores.open(dir, "app-hsm.db")) {
      KeyHandle signer =
          hsm.importKey(
              "signer",
              KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD),
              KeyMaterial.privateKeyPkcs8(imported.getPrivate().getEncoded()));
      byte[] csr =
          Certificates.csr(
              signer,
              1,
              CertificateSpec.subject("CN=Release Signer, O=Example")
                  .withExtendedKeyUsage(CertificateSpec.Purpose.CODE_SIGNING));
      signer.attachCertificateChain(1, ca.chainFor(csr));
    }
    Files.move(dir.resolve("app-hsm.db.key"), dir.resolve("app-hsm.key"));
    properties = dir.resolve("hsm.properties");
    Files.writeString(
        properties,
        "hsm.store.path=app-hsm.db\nhsm.unlock.key-file=app-hsm.key\nhsm.native-crypto=OFF\n");
  }

  private static byte[] unsigned(BigInteger value, int length) {
    byte[] signed = value.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(length, signed.length);
    System.arraycopy(signed, signed.length - copy, out, length - copy, copy);
    return out;
  }

  /**
   * A command of docs/JCA.md as written there, run in the test directory, the JDK tools from the
   * JDK running the tests, with their native-library scratch directory in the test directory.
   */
  private Tools.Result runDocCommand(String prefix) throws Exception {
    List<String> command = DocCommands.find(prefix, Tools.classPath());
    String tool = command.get(0);
    if (tool.equals("keytool") || tool.equals("jarsigner")) {
      command.set(0, Tools.jdkTool(tool));
      command.addAll(Tools.jvmOptions(dir));
    }
    return Tools.run(dir, command);
  }

  private Tools.Result openssl(String... arguments) throws Exception {
    List<String> line = Tools.list("openssl");
    line.addAll(List.of(arguments));
    return Tools.run(dir, line);
  }

  @Test
  void keytoolList_showsTheKeyAsAPrivateKeyEntry() throws Exception {
    Tools.Result result = runDocCommand("keytool -list");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("Keystore type: DEVHSM")
        .contains("Keystore provider: DevHsm")
        .contains("Your keystore contains 1 entry")
        .contains("signer,")
        .contains("PrivateKeyEntry");
  }

  @Test
  void keytoolCertreq_makesARequestThatOpensslVerifies() throws Exception {
    Tools.Result result = runDocCommand("keytool -certreq");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(Files.readString(dir.resolve("signer.csr")))
        .contains("BEGIN NEW CERTIFICATE REQUEST");
    Tools.Result verified = runDocCommand("openssl req -in signer.csr");
    assertThat(verified.exitCode()).as(verified.output()).isZero();
    assertThat(verified.output()).contains("verify OK").contains("Release Signer");
  }

  @Test
  void jarsigner_signsAJarWithTheStoresKey_verifiesIt_andTheStoreHoldsNoPlaintextKey()
      throws Exception {
    Path jar = dir.resolve("app.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry("hello.txt"));
      out.write("hello from the HSM".getBytes(UTF_8));
      out.closeEntry();
    }
    Tools.Result signed = runDocCommand("jarsigner -keystore NONE");
    assertThat(signed.exitCode()).as(signed.output()).isZero();
    assertThat(signed.output()).contains("jar signed");

    Path trust = dir.resolve("trust.p12");
    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    trustStore.load(null, null);
    trustStore.setCertificateEntry("test-root", ca.root());
    // -strict also wants the signer's own certificate in the key store it is given
    try (HsmClient hsm =
        HsmClient.open(KeyStoreFile.read(Files.newInputStream(properties), dir, new char[0]))) {
      trustStore.setCertificateEntry("signer", hsm.key("signer").certificateChain(1).get(0));
    }
    try (OutputStream out = Files.newOutputStream(trust)) {
      trustStore.store(out, "changeit".toCharArray());
    }
    Tools.Result verified = runDocCommand("jarsigner -verify");
    assertThat(verified.exitCode()).as(verified.output()).isZero();
    assertThat(verified.output()).contains("jar verified");

    for (Path file : storeFiles()) {
      assertThat(indexOf(Files.readAllBytes(file), privateScalar))
          .as("the private key in " + file)
          .isEqualTo(-1);
    }
  }

  @Test
  void openssl_verifiesOurRequestsAndSelfSignedCertificates_andTheChainTheCaIssued()
      throws Exception {
    try (HsmClient hsm =
        HsmClient.open(KeyStoreFile.read(Files.newInputStream(properties), dir, null))) {
      List<KeySpec> specs =
          List.of(
              KeySpec.ecdsaP256(),
              KeySpec.ed25519(),
              KeySpec.rsaPssSha256(2048),
              KeySpec.rsaPkcs1Sha256(2048));
      for (KeySpec spec : specs) {
        String name = spec.algorithm().name().toLowerCase().replace('_', '-');
        KeyHandle key = hsm.createKey(name, spec.withOperations(Operation.SIGN_STANDARD));
        CertificateSpec certificateSpec =
            CertificateSpec.subject("CN=" + name)
                .withDnsNames(name + ".example")
                .withIpAddresses("127.0.0.1")
                .withExtendedKeyUsage(CertificateSpec.Purpose.SERVER_AUTH);
        Files.writeString(dir.resolve(name + ".csr"), Certificates.csrPem(key, 1, certificateSpec));
        Tools.Result request = openssl("req", "-in", name + ".csr", "-noout", "-verify", "-text");
        assertThat(request.exitCode()).as(name + ": " + request.output()).isZero();
        assertThat(request.output())
            .contains("verify OK")
            .contains("DNS:" + name + ".example")
            .contains("IP Address:127.0.0.1")
            .contains("TLS Web Server Authentication");

        X509Certificate self = Certificates.selfSigned(key, 1, certificateSpec);
        Files.writeString(dir.resolve(name + ".pem"), TestCa.pem(self));
        Tools.Result selfVerified = openssl("verify", "-CAfile", name + ".pem", name + ".pem");
        assertThat(selfVerified.exitCode()).as(name + ": " + selfVerified.output()).isZero();
        assertThat(selfVerified.output()).contains(name + ".pem: OK");
      }

      List<X509Certificate> chain = hsm.key("signer").certificateChain(1);
      Files.writeString(dir.resolve("leaf.pem"), TestCa.pem(chain.get(0)));
      Files.writeString(dir.resolve("intermediate.pem"), TestCa.pem(chain.get(1)));
      Files.writeString(dir.resolve("root.pem"), TestCa.pem(ca.root()));
    }
    Tools.Result chainVerified =
        openssl("verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem", "leaf.pem");
    assertThat(chainVerified.exitCode()).as(chainVerified.output()).isZero();
    assertThat(chainVerified.output()).contains("leaf.pem: OK");
  }

  private List<Path> storeFiles() throws Exception {
    List<Path> files = new ArrayList<>();
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Path file = dir.resolve("app-hsm.db" + suffix);
      if (Files.exists(file)) {
        files.add(file);
      }
    }
    assertThat(files).isNotEmpty();
    return files;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
