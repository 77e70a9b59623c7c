package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional native provider ({@link NativeCrypto}): which provider runs what, that keys and
 * outputs cross between the native and the pure-Java path in both directions, and that a JVM
 * without the provider falls back (AUTO) or refuses to open (REQUIRED). The Wycheproof vectors run
 * on both paths too ({@code NativeWycheproofTest}).
 */
public class NativeCryptoTest {
  private static final String NATIVE_NAME = "AmazonCorrettoCryptoProvider";
  private static final byte[] DATA = "the same bytes on both paths".getBytes(UTF_8);
  private static final byte[] CONTEXT = "ctx".getBytes(UTF_8);

  @TempDir Path dir;

  /**
   * The provider's jar is on the test class path with the linux-x86_64 classifier: there it must
   * load (a failure is a real failure); on other platforms the native tests are skipped.
   */
  public static void assumeNativeOnThisPlatform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    Assumptions.assumeTrue(
        os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")),
        "the test class path has the native provider for linux-x86_64 only, not "
            + os
            + "/"
            + arch);
  }

  /** The algorithms the native provider runs, one spec each. */
  private static Map<String, KeySpec> nativeAlgorithms() {
    Map<String, KeySpec> specs = new LinkedHashMap<>();
    specs.put("p256", KeySpec.ecdsaP256());
    specs.put("p384", KeySpec.ecdsaP384());
    specs.put("p521", KeySpec.ecdsaP521());
    specs.put("ed25519", KeySpec.ed25519());
    specs.put("rsa-pkcs1", KeySpec.rsaPkcs1Sha256(2048));
    specs.put("rsa-pss", KeySpec.rsaPssSha256(2048));
    specs.put("rsa-pss-512", KeySpec.rsa(Algorithm.RSA_PSS_SHA512, 3072));
    specs.put("aes", KeySpec.aes256Gcm());
    return specs;
  }

  private HsmClient open(NativeCrypto mode) {
    return HsmClient.open(TestStores.keyFileConfig(dir, "n.db").nativeCrypto(mode));
  }

  @Test
  void autoAndRequiredRunTheFastAlgorithmsNativelyAndTheRestOnPureJava() {
    assumeNativeOnThisPlatform();
    for (NativeCrypto mode : List.of(NativeCrypto.AUTO, NativeCrypto.REQUIRED)) {
      try (HsmClient hsm = open(mode)) {
        for (Algorithm algorithm : Algorithm.values()) {
          boolean expectNative =
              (algorithm.kind() == Algorithm.Kind.SIGNATURE && !algorithm.isPostQuantum())
                  || algorithm == Algorithm.AES_256_GCM;
          assertThat(hsm.cryptoProvider(algorithm))
              .as("%s with %s", algorithm, mode)
              .startsWith(expectNative ? NATIVE_NAME : "")
              .satisfies(
                  name -> {
                    if (!expectNative) {
                      assertThat(name).doesNotStartWith(NATIVE_NAME);
                    }
                  });
        }
      }
    }
  }

  @Test
  void offRunsEverythingOnThePureJavaProviders() {
    try (HsmClient hsm = open(NativeCrypto.OFF)) {
      assertThat(hsm.cryptoProvider(Algorithm.ECDSA_P256_SHA256)).startsWith("BC ");
      assertThat(hsm.cryptoProvider(Algorithm.ED25519)).startsWith("BC ");
      assertThat(hsm.cryptoProvider(Algorithm.RSA_PSS_SHA256)).startsWith("SunRsaSign ");
      assertThat(hsm.cryptoProvider(Algorithm.AES_256_GCM)).startsWith("SunJCE ");
      assertThat(hsm.cryptoProvider(Algorithm.HMAC_SHA256)).startsWith("SunJCE ");
      assertThat(hsm.cryptoProvider(Algorithm.AES_256_GCM_SIV)).startsWith("BC ");
    }
  }

  @Test
  void nativeOutputsVerifyAndDecryptOnPureJava() {
    assumeNativeOnThisPlatform();
    crossPaths(NativeCrypto.REQUIRED, NativeCrypto.OFF);
  }

  @Test
  void pureJavaOutputsVerifyAndDecryptNatively() {
    assumeNativeOnThisPlatform();
    crossPaths(NativeCrypto.OFF, NativeCrypto.REQUIRED);
  }

  /**
   * Creates every native-routed key type under {@code first}, signs or encrypts, reopens the store
   * under {@code second} and checks the outputs there; then the other way round on the same keys.
   * Public keys export identically on both paths.
   */
  private void crossPaths(NativeCrypto first, NativeCrypto second) {
    Map<String, byte[]> outputs = new LinkedHashMap<>();
    Map<String, String> jws = new LinkedHashMap<>();
    Map<String, String> exports = new LinkedHashMap<>();
    try (HsmClient hsm = open(first)) {
      nativeAlgorithms()
          .forEach(
              (name, spec) -> {
                KeyHandle key = hsm.createKey(name, spec);
                if (spec.algorithm() == Algorithm.AES_256_GCM) {
                  outputs.put(name, key.encrypt(DATA, CONTEXT));
                } else {
                  outputs.put(name, key.sign(DATA));
                  jws.put(name, key.signJws(DATA));
                  exports.put(name, key.publicKeyPem() + key.publicJwk());
                }
              });
    }
    try (HsmClient hsm = open(second)) {
      outputs.forEach(
          (name, output) -> {
            KeyHandle key = hsm.key(name);
            if (key.info().algorithm() == Algorithm.AES_256_GCM) {
              assertThat(key.decrypt(output, CONTEXT)).as(name).isEqualTo(DATA);
              assertThatThrownBy(() -> key.decrypt(flipLast(output), CONTEXT))
                  .as(name)
                  .isInstanceOf(InvalidCiphertextException.class);
              outputs.put(name, key.encrypt(DATA, CONTEXT));
            } else {
              key.verify(DATA, output);
              assertThat(key.verifyJws(jws.get(name))).as(name).isEqualTo(DATA);
              assertThatThrownBy(() -> key.verify(DATA, flipLast(output)))
                  .as(name)
                  .isInstanceOf(VerificationFailedException.class);
              assertThat(key.publicKeyPem() + key.publicJwk())
                  .as(name)
                  .isEqualTo(exports.get(name));
              outputs.put(name, key.sign(DATA));
            }
          });
    }
    try (HsmClient hsm = open(first)) {
      outputs.forEach(
          (name, output) -> {
            KeyHandle key = hsm.key(name);
            if (key.info().algorithm() == Algorithm.AES_256_GCM) {
              assertThat(key.decrypt(output, CONTEXT)).as(name).isEqualTo(DATA);
            } else {
              key.verify(DATA, output);
            }
          });
    }
  }

  private static byte[] flipLast(byte[] bytes) {
    byte[] copy = bytes.clone();
    copy[copy.length - 1] ^= 1;
    return copy;
  }

  @Test
  void withoutTheProviderAutoFallsBackAndRequiredRefusesBeforeCreatingAnything() throws Exception {
    List<String> classPath = classPathWithout(NATIVE_NAME);
    Path store = dir.resolve("absent.db");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(File.pathSeparator, classPath),
                "-XX:TieredStopAtLevel=1",
                NativeCryptoChild.class.getName(),
                store.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), UTF_8);
    assertThat(child.waitFor()).as(output).isZero();
    assertThat(output)
        .contains("AUTO ECDSA_P256_SHA256 BC ")
        .contains("AUTO AES_256_GCM SunJCE ")
        .contains("AUTO signed and verified")
        .contains(
            "REQUIRED NativeCryptoUnavailableException: nativeCrypto is REQUIRED but the native"
                + " provider is unavailable: it is not on the classpath")
        .contains("REQUIRED created no file: true");
  }

  /**
   * This JVM's class path without the entries whose file name contains {@code excluded}. Surefire
   * may run tests from a manifest-only jar; its {@code Class-Path} then holds the real entries.
   */
  private static List<String> classPathWithout(String excluded) throws IOException {
    List<String> entries =
        new ArrayList<>(
            Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
    if (entries.size() == 1 && entries.get(0).endsWith(".jar")) {
      Path jar = Path.of(entries.get(0)).toAbsolutePath();
      try (JarFile file = new JarFile(jar.toFile())) {
        String manifestPath = file.getManifest().getMainAttributes().getValue("Class-Path");
        if (manifestPath != null) {
          entries.clear();
          URL base = jar.toUri().toURL();
          for (String entry : manifestPath.trim().split("\\s+")) {
            try {
              entries.add(Path.of(new URL(base, entry).toURI()).toString());
            } catch (java.net.URISyntaxException e) {
              throw new IOException(e);
            }
          }
        }
      }
    }
    List<String> kept =
        entries.stream()
            .filter(e -> !Path.of(e).getFileName().toString().contains(excluded))
            .toList();
    assertThat(kept).as("class path entries").hasSizeLessThan(entries.size());
    assertThat(kept.stream().anyMatch(e -> Files.exists(Path.of(e)))).isTrue();
    return kept;
  }
}
