package dev.hsm.spring;

import dev.hsm.Algorithm;
import dev.hsm.HsmConfig;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
import dev.hsm.Operation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code hsm.*} properties: where the store is, how it is unlocked, and the keys the
 * application declares. The Micronaut module reads the same names with the same defaults.
 *
 * <pre>
 * hsm.store.path=app-hsm.db
 * hsm.unlock.passphrase-env=HSM_PASSPHRASE
 * hsm.keys.receipts.algorithm=ECDSA_P256_SHA256
 * hsm.keys.pii.algorithm=AES_256_GCM
 * </pre>
 */
@ConfigurationProperties("hsm")
public class HsmProperties {
  /** Where the key store lives. */
  private final Store store = new Store();

  /** How the store is unlocked: set exactly one of its properties. */
  private final Unlock unlock = new Unlock();

  /** How many unwrapped keys to keep in memory at most. */
  private int cacheSize = 10000;

  /**
   * How often to notice changes made by other processes (a rotation, a disabled key) and save usage
   * counters. At least 10 ms.
   */
  private Duration refreshInterval = Duration.ofSeconds(1);

  /**
   * Whether operations may run on the optional native provider (Amazon Corretto Crypto Provider):
   * AUTO uses it when it is on the classpath, OFF never, REQUIRED fails start-up without it.
   */
  private NativeCrypto nativeCrypto = NativeCrypto.AUTO;

  /**
   * The keys the application uses, by name. Each is created on first start if missing and checked
   * against the store on every start; each becomes a {@code KeyHandle} bean qualified by its name.
   */
  private Map<String, Key> keys = new LinkedHashMap<>();

  public Store getStore() {
    return store;
  }

  public Unlock getUnlock() {
    return unlock;
  }

  public int getCacheSize() {
    return cacheSize;
  }

  public void setCacheSize(int cacheSize) {
    this.cacheSize = cacheSize;
  }

  public Duration getRefreshInterval() {
    return refreshInterval;
  }

  public void setRefreshInterval(Duration refreshInterval) {
    this.refreshInterval = refreshInterval;
  }

  public NativeCrypto getNativeCrypto() {
    return nativeCrypto;
  }

  public void setNativeCrypto(NativeCrypto nativeCrypto) {
    this.nativeCrypto = nativeCrypto;
  }

  public Map<String, Key> getKeys() {
    return keys;
  }

  public void setKeys(Map<String, Key> keys) {
    this.keys = keys;
  }

  /**
   * The core configuration these properties describe.
   *
   * @throws IllegalStateException if not exactly one unlock secret is set, naming the properties
   */
  HsmConfig toConfig() {
    List<String> set = new ArrayList<>();
    if (unlock.getPassphrase() != null) {
      set.add("hsm.unlock.passphrase");
    }
    if (unlock.getPassphraseEnv() != null) {
      set.add("hsm.unlock.passphrase-env");
    }
    if (unlock.getKeyFile() != null) {
      set.add("hsm.unlock.key-file");
    }
    if (set.size() != 1) {
      throw new IllegalStateException(
          (set.isEmpty()
                  ? "no unlock secret for the key store"
                  : "more than one unlock secret: " + String.join(" and ", set))
              + "; set exactly one of hsm.unlock.passphrase, hsm.unlock.passphrase-env (the name"
              + " of an environment variable holding the passphrase) or hsm.unlock.key-file");
    }
    HsmConfig config = HsmConfig.sqlite(Path.of(store.getPath()));
    String property = set.get(0);
    try {
      if (unlock.getPassphrase() != null) {
        config = config.passphrase(unlock.getPassphrase());
      } else if (unlock.getPassphraseEnv() != null) {
        config = config.passphraseFromEnv(unlock.getPassphraseEnv());
      } else {
        config = config.keyFile(Path.of(unlock.getKeyFile()));
      }
      property = "hsm.cache-size";
      config = config.cacheSize(cacheSize);
      property = "hsm.refresh-interval";
      config = config.refreshInterval(refreshInterval);
      property = "hsm.native-crypto";
      return config.nativeCrypto(nativeCrypto);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalStateException(property + ": " + e.getMessage(), e);
    }
  }

  /** Where the key store lives. */
  public static class Store {
    /** The store's SQLite file, created on first start; relative to the working directory. */
    private String path = "hsm.db";

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }
  }

  /** How the store is unlocked; exactly one of these. */
  public static class Unlock {
    /**
     * The passphrase (stretched with Argon2id). Prefer passphrase-env or key-file outside tests.
     */
    private String passphrase;

    /** The name of an environment variable holding the passphrase, read when the store opens. */
    private String passphraseEnv;

    /** A file of at least 32 random bytes, readable only by the application. */
    private String keyFile;

    public String getPassphrase() {
      return passphrase;
    }

    public void setPassphrase(String passphrase) {
      this.passphrase = passphrase;
    }

    public String getPassphraseEnv() {
      return passphraseEnv;
    }

    public void setPassphraseEnv(String passphraseEnv) {
      this.passphraseEnv = passphraseEnv;
    }

    public String getKeyFile() {
      return keyFile;
    }

    public void setKeyFile(String keyFile) {
      this.keyFile = keyFile;
    }

    @Override
    public String toString() {
      return "Unlock[passphrase="
          + (passphrase == null ? "unset" : "<masked>")
          + ", passphraseEnv="
          + passphraseEnv
          + ", keyFile="
          + keyFile
          + "]";
    }
  }

  /** One declared key. */
  public static class Key {
    /** The algorithm, e.g. ECDSA_P256_SHA256, ED25519, AES_256_GCM, AES_256_GCM_SIV. */
    private Algorithm algorithm;

    /** RSA modulus size in bits (2048, 3072 or 4096); RSA algorithms only, and required there. */
    private Integer rsaModulusBits;

    /** The operations the key allows; by default all its algorithm can do. */
    private List<Operation> operations = new ArrayList<>();

    /** Whether the key is marked extractable. */
    private boolean extractable = false;

    /** Automatic rotation period (at least one hour); none by default. */
    private Duration rotationPeriod;

    /** Free-form labels recorded with the key. */
    private Map<String, String> labels = new LinkedHashMap<>();

    public Algorithm getAlgorithm() {
      return algorithm;
    }

    public void setAlgorithm(Algorithm algorithm) {
      this.algorithm = algorithm;
    }

    public Integer getRsaModulusBits() {
      return rsaModulusBits;
    }

    public void setRsaModulusBits(Integer rsaModulusBits) {
      this.rsaModulusBits = rsaModulusBits;
    }

    public List<Operation> getOperations() {
      return operations;
    }

    public void setOperations(List<Operation> operations) {
      this.operations = operations;
    }

    public boolean isExtractable() {
      return extractable;
    }

    public void setExtractable(boolean extractable) {
      this.extractable = extractable;
    }

    public Duration getRotationPeriod() {
      return rotationPeriod;
    }

    public void setRotationPeriod(Duration rotationPeriod) {
      this.rotationPeriod = rotationPeriod;
    }

    public Map<String, String> getLabels() {
      return labels;
    }

    public void setLabels(Map<String, String> labels) {
      this.labels = labels;
    }

    /**
     * The spec these properties describe.
     *
     * @throws IllegalStateException naming {@code hsm.keys.<name>} if the properties do not make a
     *     valid spec
     */
    KeySpec toSpec(String name) {
      try {
        return KeySpec.fromSettings(
            name, algorithm, rsaModulusBits, operations, extractable, rotationPeriod, labels);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }
}
