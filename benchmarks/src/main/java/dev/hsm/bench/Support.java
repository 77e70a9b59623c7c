package dev.hsm.bench;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.NativeCrypto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Comparator;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Shared set-up: temporary stores, the providers under comparison, test data. */
final class Support {
  static final SecureRandom RANDOM = new SecureRandom();

  /** Our own Bouncy Castle instance for the raw limit (the library keeps its own, unregistered). */
  static final Provider BC = new BouncyCastleProvider();

  /**
   * The optional native provider (Amazon Corretto Crypto Provider, AWS-LC), for its raw limit; the
   * library finds it on the class path by itself (NativeCrypto.AUTO).
   */
  static final Provider ACCP =
      com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;

  static final PSSParameterSpec PSS_SHA256 =
      new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

  static final String SOFTHSM_PIN = "1234";

  private static Provider softHsm;
  private static Provider softHsmTokenKeys;

  private Support() {}

  static byte[] random(int count) {
    byte[] out = new byte[count];
    RANDOM.nextBytes(out);
    return out;
  }

  /** A directory for benchmark files: $BENCH_WORK (run.sh sets it) or a temp dir. */
  static Path workDir() {
    String dir = System.getenv("BENCH_WORK");
    try {
      Path path =
          dir != null
              ? Paths.get(dir)
              : Paths.get(System.getProperty("java.io.tmpdir"), "hsm-bench");
      Files.createDirectories(path);
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A 32-byte random key file, owner-readable only. */
  static Path newKeyFile(Path path) {
    try {
      Files.write(path, random(32));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh, empty store in a new temp directory, unlocked by a key file (no Argon2 cost). */
  static TempStore tempStore(int cacheSize) {
    return tempStore(cacheSize, NativeCrypto.AUTO);
  }

  /** {@link #tempStore(int)} whose client runs on the providers {@code mode} selects. */
  static TempStore tempStore(int cacheSize, NativeCrypto mode) {
    try {
      Path dir = Files.createTempDirectory(workDir(), "store-");
      Path keyFile = newKeyFile(dir.resolve("store.key"));
      HsmConfig config =
          HsmConfig.sqlite(dir.resolve("store.db"))
              .keyFile(keyFile)
              .cacheSize(cacheSize)
              .nativeCrypto(mode);
      return new TempStore(dir, config, HsmClient.open(config));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final class TempStore implements AutoCloseable {
    final Path dir;
    final HsmConfig config;
    final HsmClient client;

    TempStore(Path dir, HsmConfig config, HsmClient client) {
      this.dir = dir;
      this.config = config;
      this.client = client;
    }

    @Override
    public void close() {
      client.close();
      deleteTree(dir);
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SoftHSM2 through SunPKCS11, logged in to the token run.sh initialised (SOFTHSM2_CONF must point
   * at its config). Keys generated through it are session objects.
   */
  static synchronized Provider softHsm() {
    if (softHsm == null) {
      softHsm = configure("SoftHSM2", "");
    }
    return softHsm;
  }

  /** A second SunPKCS11 instance whose generated keys are token (persistent) objects. */
  static synchronized Provider softHsmTokenKeys() {
    if (softHsmTokenKeys == null) {
      softHsmTokenKeys =
          configure("SoftHSM2Token", "attributes(generate, *, *) = {\n  CKA_TOKEN = true\n}\n");
    }
    return softHsmTokenKeys;
  }

  static String softHsmLibrary() {
    String lib = System.getenv("SOFTHSM2_LIB");
    return lib != null ? lib : "/usr/lib/softhsm/libsofthsm2.so";
  }

  private static Provider configure(String name, String extra) {
    if (System.getenv("SOFTHSM2_CONF") == null) {
      throw new IllegalStateException(
          "SOFTHSM2_CONF is not set: run benchmarks/run.sh, which initialises a token");
    }
    String config =
        "--name=" + name + "\nlibrary=" + softHsmLibrary() + "\nslotListIndex=0\n" + extra;
    Provider provider = Security.getProvider("SunPKCS11").configure(config);
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
      keyStore.load(null, SOFTHSM_PIN.toCharArray()); // logs in
    } catch (Exception e) {
      throw new IllegalStateException("cannot log in to the SoftHSM2 token: " + e, e);
    }
    return provider;
  }
}
