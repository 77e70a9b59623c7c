package dev.hsm.config;

import dev.hsm.Algorithm;
import dev.hsm.HsmConfig;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
import dev.hsm.Operation;
import dev.hsm.PinSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code hsm.*} properties, the same in every framework: where the store is, how it is
 * unlocked, how the client behaves, and the keys the application declares. Defaults are {@link
 * HsmConfig}'s. The checks and their messages live here, so both starters fail alike, naming the
 * property.
 *
 * <pre>
 * hsm.store.path=app-hsm.db                   # default hsm.db, relative to the working directory
 * hsm.store.url=jdbc:postgresql://db:5432/app # instead: a shared PostgreSQL store (hsm-postgresql)
 * hsm.unlock.passphrase-env=HSM_PASSPHRASE    # exactly one of passphrase, passphrase-env, key-file
 * hsm.cache-size=10000
 * hsm.refresh-interval=1s
 * hsm.native-crypto=AUTO                      # AUTO, OFF or REQUIRED
 * hsm.keys.receipts.algorithm=ECDSA_P256_SHA256
 * hsm.keys.pii.algorithm=AES_256_GCM
 * </pre>
 *
 * <p>A mutable JavaBean, so that each framework can bind it: the Spring Boot starter's {@code
 * HsmProperties} and the Micronaut module's {@code HsmConfiguration} are thin subclasses that only
 * add their framework's annotations. {@link #toConfig()} and {@link #keySpecs()} turn it into the
 * core's immutable types.
 */
public class CommonHsmProperties {
  /** Where the key store lives. */
  private final Store store;

  /** How the store is unlocked: set exactly one of its properties. */
  private final Unlock unlock;

  /** Key custody in a PKCS#11 token instead of the store (needs hsm-pkcs11); unset by default. */
  private final Pkcs11 pkcs11;

  /** How many unwrapped keys to keep in memory at most. */
  private int cacheSize = HsmConfig.DEFAULT_CACHE_SIZE;

  /**
   * How often to notice changes made by other processes (a rotation, a disabled key) and save usage
   * counters. At least 10 ms.
   */
  private Duration refreshInterval = HsmConfig.DEFAULT_REFRESH_INTERVAL;

  /**
   * Whether operations may run on the optional native provider (Amazon Corretto Crypto Provider):
   * AUTO uses it when it is on the classpath, OFF never, REQUIRED fails start-up without it.
   */
  private NativeCrypto nativeCrypto = NativeCrypto.AUTO;

  /** The keys the application declares, by name, in declaration order. */
  private final Map<String, Key> keys = new LinkedHashMap<>();

  /** Properties with every default and no unlock secret. */
  public CommonHsmProperties() {
    this(new Store(), new Unlock(), new Pkcs11());
  }

  /**
   * Properties whose {@code hsm.store.*} and {@code hsm.unlock.*} are bound elsewhere: for a
   * framework that binds nested groups as objects of their own (Micronaut).
   */
  protected CommonHsmProperties(Store store, Unlock unlock) {
    this(store, unlock, new Pkcs11());
  }

  /**
   * Properties whose {@code hsm.store.*}, {@code hsm.unlock.*} and {@code hsm.pkcs11.*} are bound
   * elsewhere: for a framework that binds nested groups as objects of their own (Micronaut).
   */
  protected CommonHsmProperties(Store store, Unlock unlock, Pkcs11 pkcs11) {
    this.store = store;
    this.unlock = unlock;
    this.pkcs11 = pkcs11;
  }

  /** {@code hsm.store.*}. */
  public Store getStore() {
    return store;
  }

  /** {@code hsm.unlock.*}. */
  public Unlock getUnlock() {
    return unlock;
  }

  /** {@code hsm.pkcs11.*}. */
  public Pkcs11 getPkcs11() {
    return pkcs11;
  }

  /** {@code hsm.cache-size}: how many unwrapped keys to keep in memory (default 10000). */
  public int getCacheSize() {
    return cacheSize;
  }

  /** Sets {@code hsm.cache-size}. */
  public void setCacheSize(int cacheSize) {
    this.cacheSize = cacheSize;
  }

  /** {@code hsm.refresh-interval}: how often to notice other processes' changes (default 1s). */
  public Duration getRefreshInterval() {
    return refreshInterval;
  }

  /** Sets {@code hsm.refresh-interval}. */
  public void setRefreshInterval(Duration refreshInterval) {
    this.refreshInterval = refreshInterval;
  }

  /** {@code hsm.native-crypto}: whether the optional native provider may be used (default AUTO). */
  public NativeCrypto getNativeCrypto() {
    return nativeCrypto;
  }

  /** Sets {@code hsm.native-crypto}. */
  public void setNativeCrypto(NativeCrypto nativeCrypto) {
    this.nativeCrypto = nativeCrypto;
  }

  /**
   * {@code hsm.keys.<name>.*}: the declared keys by name, in declaration order. Mutable: frameworks
   * bind into it.
   */
  public Map<String, Key> getKeys() {
    return keys;
  }

  /**
   * The core configuration these properties describe. Checks every property first, the declared
   * keys included, so a wrong setting fails before the store file is touched.
   *
   * @throws InvalidHsmPropertyException naming the property, if not exactly one unlock secret is
   *     set or a value is out of range
   */
  public HsmConfig toConfig() {
    return toConfig(StarterContext.none());
  }

  /**
   * The core configuration these properties describe, in a framework starter's {@code context}: its
   * property names are checked for unknown {@code hsm.store.*} ones, and {@code
   * hsm.store.data-source} is looked up in it. Checks every property first, the declared keys
   * included, so a wrong setting fails before the store is touched.
   *
   * @throws InvalidHsmPropertyException naming the property, if not exactly one unlock secret is
   *     set, a value is out of range, an {@code hsm.store.*} property is unknown or contradicts
   *     another, or {@code hsm.store.url} names PostgreSQL and {@code hsm-postgresql} is not on the
   *     classpath
   */
  public HsmConfig toConfig(StarterContext context) {
    String secret = unlockProperty();
    keySpecs();
    HsmConfig located = StoreLocation.configure(store, context);
    HsmConfig unlocked = checked(secret, () -> unlock.applyTo(located));
    HsmConfig sized = checked("hsm.cache-size", () -> unlocked.cacheSize(cacheSize));
    HsmConfig refreshed =
        checked("hsm.refresh-interval", () -> sized.refreshInterval(required(refreshInterval)));
    HsmConfig provided =
        checked("hsm.native-crypto", () -> refreshed.nativeCrypto(required(nativeCrypto)));
    return pkcs11.applyTo(provided);
  }

  /**
   * The spec of each declared key, by name, in declaration order.
   *
   * @throws InvalidHsmPropertyException naming {@code hsm.keys.<name>.<property>}, if a key's
   *     properties are incomplete or contradict each other
   */
  public Map<String, KeySpec> keySpecs() {
    Map<String, KeySpec> specs = new LinkedHashMap<>();
    keys.forEach((name, key) -> specs.put(name, key.toSpec(name)));
    return Collections.unmodifiableMap(specs);
  }

  /** Which {@code hsm.unlock.*} property is set, if exactly one is. */
  private String unlockProperty() {
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
      throw new InvalidHsmPropertyException(
          "hsm.unlock",
          (set.isEmpty()
                  ? "no unlock secret for the key store"
                  : "more than one unlock secret: " + String.join(" and ", set))
              + "; set exactly one of hsm.unlock.passphrase, hsm.unlock.passphrase-env (the name"
              + " of an environment variable holding the passphrase) or hsm.unlock.key-file");
    }
    return set.get(0);
  }

  private static <T> T required(T value) {
    if (value == null) {
      throw new InvalidArgumentException("no value");
    }
    return value;
  }

  /**
   * {@code step}'s result; its {@link InvalidArgumentException} (or the JDK's {@code
   * IllegalArgumentException}, such as an invalid path) becomes an {@link
   * InvalidHsmPropertyException} naming {@code property}.
   */
  static <T> T checked(String property, Supplier<T> step) {
    try {
      return step.get();
    } catch (InvalidArgumentException | IllegalArgumentException e) {
      throw new InvalidHsmPropertyException(property, property + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "[store="
        + store
        + ", unlock="
        + unlock
        + ", pkcs11="
        + pkcs11
        + ", cacheSize="
        + cacheSize
        + ", refreshInterval="
        + refreshInterval
        + ", nativeCrypto="
        + nativeCrypto
        + ", keys="
        + keys.keySet()
        + "]";
  }

  /**
   * {@code hsm.store.*}: where the key store lives. The embedded SQLite file by default ({@code
   * path}); a PostgreSQL database shared by many instances with {@code url} (and {@code user},
   * {@code password}, {@code schema}), which needs the module {@code dev.hsm:hsm-postgresql}; or
   * PostgreSQL through the application's own DataSource with {@code data-source} (and {@code
   * schema}). {@code toString()} masks the password.
   *
   * <pre>
   * hsm.store.url=jdbc:postgresql://db.internal:5432/app
   * hsm.store.user=app_hsm
   * hsm.store.password=...                # or the environment variable HSM_STORE_PASSWORD
   * hsm.store.schema=hsm                  # default
   * </pre>
   */
  public static class Store {
    /** The SQLite file used when no other store is set. */
    public static final String DEFAULT_PATH = "hsm.db";

    /** The store's SQLite file, created on first start; relative to the working directory. */
    private String path;

    /** The PostgreSQL database's JDBC URL, e.g. jdbc:postgresql://db.internal:5432/app. */
    private String url;

    /** The database role the store connects as. */
    private String user;

    /** The role's password; never logged. */
    private String password;

    /** The PostgreSQL schema holding the store's tables, created if missing (default hsm). */
    private String schema;

    /**
     * The application's DataSource to keep the store in (PostgreSQL): "application" for its default
     * one, or a DataSource's name.
     */
    private String dataSource;

    /**
     * {@code hsm.store.path}: the store's SQLite file (default {@value #DEFAULT_PATH}); {@code
     * null} when not set.
     */
    public String getPath() {
      return path;
    }

    /** Sets {@code hsm.store.path}. */
    public void setPath(String path) {
      this.path = path;
    }

    /** {@code hsm.store.url}: the PostgreSQL database's JDBC URL, or {@code null}. */
    public String getUrl() {
      return url;
    }

    /** Sets {@code hsm.store.url}. */
    public void setUrl(String url) {
      this.url = url;
    }

    /** {@code hsm.store.user}: the database role, or {@code null} for the driver's default. */
    public String getUser() {
      return user;
    }

    /** Sets {@code hsm.store.user}. */
    public void setUser(String user) {
      this.user = user;
    }

    /** {@code hsm.store.password}: the role's password, or {@code null}. */
    public String getPassword() {
      return password;
    }

    /** Sets {@code hsm.store.password}. */
    public void setPassword(String password) {
      this.password = password;
    }

    /** {@code hsm.store.schema}: the PostgreSQL schema (default {@code hsm}), or {@code null}. */
    public String getSchema() {
      return schema;
    }

    /** Sets {@code hsm.store.schema}. */
    public void setSchema(String schema) {
      this.schema = schema;
    }

    /**
     * {@code hsm.store.data-source}: {@value StarterContext#APPLICATION_DATA_SOURCE} or the name of
     * the application's DataSource to keep the store in, or {@code null}.
     */
    public String getDataSource() {
      return dataSource;
    }

    /** Sets {@code hsm.store.data-source}. */
    public void setDataSource(String dataSource) {
      this.dataSource = dataSource;
    }

    @Override
    public String toString() {
      if (dataSource != null) {
        return "Store[dataSource=" + dataSource + ", schema=" + schema + "]";
      }
      if (url != null) {
        return "Store[url="
            + StoreLocation.withoutSecrets(url)
            + ", user="
            + user
            + ", password="
            + (password == null ? "unset" : "<masked>")
            + ", schema="
            + schema
            + "]";
      }
      return "Store[path=" + (path == null ? DEFAULT_PATH : path) + "]";
    }
  }

  /**
   * {@code hsm.unlock.*}: exactly one of {@code passphrase}, {@code passphrase-env} and {@code
   * key-file}. {@code toString()} masks the passphrase.
   */
  public static class Unlock {
    /**
     * The passphrase (stretched with Argon2id). Prefer passphrase-env or key-file outside tests.
     */
    private String passphrase;

    /** The name of an environment variable holding the passphrase, read when the store opens. */
    private String passphraseEnv;

    /** A file of at least 32 random bytes, readable only by the application. */
    private String keyFile;

    /** {@code hsm.unlock.passphrase}. Prefer {@code passphrase-env} or {@code key-file}. */
    public String getPassphrase() {
      return passphrase;
    }

    /** Sets {@code hsm.unlock.passphrase}. */
    public void setPassphrase(String passphrase) {
      this.passphrase = passphrase;
    }

    /** {@code hsm.unlock.passphrase-env}: the environment variable holding the passphrase. */
    public String getPassphraseEnv() {
      return passphraseEnv;
    }

    /** Sets {@code hsm.unlock.passphrase-env}. */
    public void setPassphraseEnv(String passphraseEnv) {
      this.passphraseEnv = passphraseEnv;
    }

    /** {@code hsm.unlock.key-file}: a file of at least 32 random bytes. */
    public String getKeyFile() {
      return keyFile;
    }

    /** Sets {@code hsm.unlock.key-file}. */
    public void setKeyFile(String keyFile) {
      this.keyFile = keyFile;
    }

    /** {@code config} unlocked with the one secret that is set. */
    HsmConfig applyTo(HsmConfig config) {
      if (passphrase != null) {
        return config.passphrase(passphrase);
      }
      if (passphraseEnv != null) {
        return config.passphraseFromEnv(passphraseEnv);
      }
      return config.keyFile(Path.of(keyFile));
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

  /**
   * {@code hsm.pkcs11.*}: key custody in a PKCS#11 token (a hardware or cloud HSM, SoftHSM2)
   * instead of the store, which then keeps only references (needs the module {@code
   * dev.hsm:hsm-pkcs11}). Unset, keys are kept wrapped in the store. Set, {@code library}, exactly
   * one of {@code token-label} and {@code slot}, and exactly one of {@code pin-env} and {@code
   * pin-file} are required; the store keeps its own {@code hsm.unlock.*} secret.
   *
   * <pre>
   * hsm.pkcs11.library=/usr/lib/softhsm/libsofthsm2.so
   * hsm.pkcs11.token-label=app              # or hsm.pkcs11.slot=1234567890 (pkcs11-tool -L)
   * hsm.pkcs11.pin-env=HSM_PKCS11_PIN       # or hsm.pkcs11.pin-file=/run/secrets/pkcs11-pin
   * </pre>
   */
  public static class Pkcs11 {
    /** The token's PKCS#11 library (a .so, .dylib or .dll). */
    private String library;

    /** The id of the token's slot. */
    private Long slot;

    /** The token's label (instead of {@code slot}). */
    private String tokenLabel;

    /** The name of an environment variable holding the token's user PIN. */
    private String pinEnv;

    /** A file holding the token's user PIN, readable only by the application. */
    private String pinFile;

    /**
     * Algorithms whose keys software custody holds instead of the token (wrapped in the store): for
     * what the token cannot hold, such as AES_256_GCM_SIV for searchable fields.
     */
    private List<Algorithm> softwareAlgorithms = new ArrayList<>();

    /** {@code hsm.pkcs11.library}: the token's PKCS#11 library. */
    public String getLibrary() {
      return library;
    }

    /** Sets {@code hsm.pkcs11.library}. */
    public void setLibrary(String library) {
      this.library = library;
    }

    /** {@code hsm.pkcs11.slot}: the id of the token's slot. */
    public Long getSlot() {
      return slot;
    }

    /** Sets {@code hsm.pkcs11.slot}. */
    public void setSlot(Long slot) {
      this.slot = slot;
    }

    /** {@code hsm.pkcs11.token-label}: the token's label, instead of {@code slot}. */
    public String getTokenLabel() {
      return tokenLabel;
    }

    /** Sets {@code hsm.pkcs11.token-label}. */
    public void setTokenLabel(String tokenLabel) {
      this.tokenLabel = tokenLabel;
    }

    /** {@code hsm.pkcs11.pin-env}: the environment variable holding the user PIN. */
    public String getPinEnv() {
      return pinEnv;
    }

    /** Sets {@code hsm.pkcs11.pin-env}. */
    public void setPinEnv(String pinEnv) {
      this.pinEnv = pinEnv;
    }

    /** {@code hsm.pkcs11.pin-file}: a file holding the user PIN. */
    public String getPinFile() {
      return pinFile;
    }

    /** Sets {@code hsm.pkcs11.pin-file}. */
    public void setPinFile(String pinFile) {
      this.pinFile = pinFile;
    }

    /**
     * {@code hsm.pkcs11.software-algorithms}: the algorithms whose keys stay in software custody
     * (default none).
     */
    public List<Algorithm> getSoftwareAlgorithms() {
      return softwareAlgorithms;
    }

    /** Sets {@code hsm.pkcs11.software-algorithms}. */
    public void setSoftwareAlgorithms(List<Algorithm> softwareAlgorithms) {
      this.softwareAlgorithms = softwareAlgorithms == null ? new ArrayList<>() : softwareAlgorithms;
    }

    /** {@code config} with PKCS#11 custody if any {@code hsm.pkcs11.*} is set, else as it is. */
    HsmConfig applyTo(HsmConfig config) {
      if (library == null
          && slot == null
          && tokenLabel == null
          && pinEnv == null
          && pinFile == null
          && softwareAlgorithms.isEmpty()) {
        return config;
      }
      if (library == null) {
        throw new InvalidHsmPropertyException(
            "hsm.pkcs11.library",
            "hsm.pkcs11.library is required with the other hsm.pkcs11 properties: the path of the"
                + " token's PKCS#11 library");
      }
      if ((slot == null) == (tokenLabel == null)) {
        throw new InvalidHsmPropertyException(
            "hsm.pkcs11.slot",
            (slot == null ? "no token" : "two ways to the token")
                + "; set exactly one of hsm.pkcs11.token-label (the token's label) or"
                + " hsm.pkcs11.slot (the id of its slot; pkcs11-tool -L prints both)");
      }
      if ((pinEnv == null) == (pinFile == null)) {
        throw new InvalidHsmPropertyException(
            "hsm.pkcs11.pin-env",
            (pinEnv == null ? "no PIN for the PKCS#11 token" : "two PINs for the PKCS#11 token")
                + "; set exactly one of hsm.pkcs11.pin-env (the name of an environment variable"
                + " holding it) or hsm.pkcs11.pin-file");
      }
      PinSource pin =
          checked(
              pinEnv != null ? "hsm.pkcs11.pin-env" : "hsm.pkcs11.pin-file",
              () ->
                  pinEnv != null
                      ? PinSource.fromEnv(pinEnv)
                      : PinSource.fromFile(Path.of(pinFile)));
      Set<Algorithm> inSoftware =
          softwareAlgorithms.isEmpty() ? Set.of() : EnumSet.copyOf(softwareAlgorithms);
      return checked(
          "hsm.pkcs11.library",
          () ->
              tokenLabel != null
                  ? config.pkcs11(Path.of(library), tokenLabel, pin, inSoftware)
                  : config.pkcs11(Path.of(library), slot, pin, inSoftware));
    }

    @Override
    public String toString() {
      return "Pkcs11[library="
          + library
          + ", slot="
          + slot
          + ", tokenLabel="
          + tokenLabel
          + ", pinEnv="
          + pinEnv
          + ", pinFile="
          + pinFile
          + ", softwareAlgorithms="
          + softwareAlgorithms
          + "]";
    }
  }

  /**
   * {@code hsm.keys.<name>.*}: one declared key. Created at start-up if the store lacks it, checked
   * against the store otherwise.
   *
   * <pre>
   * hsm.keys.receipts.algorithm=ECDSA_P256_SHA256
   * hsm.keys.receipts.operations=SIGN,VERIFY        # default: all the algorithm can do
   * hsm.keys.receipts.extractable=false             # default
   * hsm.keys.receipts.rotation-period=90d           # default: none
   * hsm.keys.receipts.labels.team=billing
   * hsm.keys.legacy.algorithm=RSA_PSS_SHA256
   * hsm.keys.legacy.rsa-modulus-bits=3072           # RSA only, and required there
   * </pre>
   */
  public static class Key {
    /**
     * The properties a key takes after {@code hsm.keys.<name>.}, in kebab-case; {@code labels}
     * takes a label's name after it.
     */
    public static final List<String> PROPERTIES =
        List.of(
            "algorithm",
            "rsa-modulus-bits",
            "operations",
            "extractable",
            "rotation-period",
            "labels");

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

    /** {@code algorithm}: an {@link Algorithm} name such as {@code AES_256_GCM}; required. */
    public Algorithm getAlgorithm() {
      return algorithm;
    }

    /** Sets {@code algorithm}. */
    public void setAlgorithm(Algorithm algorithm) {
      this.algorithm = algorithm;
    }

    /** {@code rsa-modulus-bits}: 2048, 3072 or 4096, for RSA algorithms only. */
    public Integer getRsaModulusBits() {
      return rsaModulusBits;
    }

    /** Sets {@code rsa-modulus-bits}. */
    public void setRsaModulusBits(Integer rsaModulusBits) {
      this.rsaModulusBits = rsaModulusBits;
    }

    /** {@code operations}: the allowed operations; empty for all the algorithm can do. */
    public List<Operation> getOperations() {
      return operations;
    }

    /** Sets {@code operations}. */
    public void setOperations(List<Operation> operations) {
      this.operations = operations == null ? new ArrayList<>() : new ArrayList<>(operations);
    }

    /** {@code extractable}: default {@code false}. */
    public boolean isExtractable() {
      return extractable;
    }

    /** Sets {@code extractable}. */
    public void setExtractable(boolean extractable) {
      this.extractable = extractable;
    }

    /** {@code rotation-period}: automatic rotation, at least one hour; default none. */
    public Duration getRotationPeriod() {
      return rotationPeriod;
    }

    /** Sets {@code rotation-period}. */
    public void setRotationPeriod(Duration rotationPeriod) {
      this.rotationPeriod = rotationPeriod;
    }

    /** {@code labels.<label>}: free-form labels. */
    public Map<String, String> getLabels() {
      return labels;
    }

    /** Sets {@code labels}. */
    public void setLabels(Map<String, String> labels) {
      this.labels = labels == null ? new LinkedHashMap<>() : new LinkedHashMap<>(labels);
    }

    /**
     * The spec these properties describe for the key {@code name}.
     *
     * @throws InvalidHsmPropertyException naming {@code hsm.keys.<name>.<property>}, if the
     *     properties are incomplete or contradict each other
     */
    public KeySpec toSpec(String name) {
      String prefix = "hsm.keys." + name + ".";
      if (algorithm == null) {
        throw new InvalidHsmPropertyException(
            prefix + "algorithm",
            prefix + "algorithm is required (e.g. ECDSA_P256_SHA256, AES_256_GCM)");
      }
      if (algorithm.isRsa() && rsaModulusBits == null) {
        throw new InvalidHsmPropertyException(
            prefix + "rsa-modulus-bits",
            prefix + "rsa-modulus-bits is required for " + algorithm + " (2048, 3072 or 4096)");
      }
      if (!algorithm.isRsa() && rsaModulusBits != null) {
        throw new InvalidHsmPropertyException(
            prefix + "rsa-modulus-bits",
            prefix + "rsa-modulus-bits applies to RSA algorithms only, not " + algorithm);
      }
      KeySpec spec =
          checked(
              prefix + "rsa-modulus-bits",
              () ->
                  algorithm.isRsa()
                      ? KeySpec.rsa(algorithm, rsaModulusBits)
                      : KeySpec.of(algorithm));
      if (!operations.isEmpty()) {
        KeySpec all = spec;
        spec =
            checked(
                prefix + "operations",
                () ->
                    all.withOperations(
                        operations.get(0),
                        operations.subList(1, operations.size()).toArray(new Operation[0])));
      }
      spec = spec.withExtractable(extractable);
      if (rotationPeriod != null) {
        KeySpec unrotated = spec;
        spec =
            checked(prefix + "rotation-period", () -> unrotated.withRotationPeriod(rotationPeriod));
      }
      for (Map.Entry<String, String> label : labels.entrySet()) {
        KeySpec before = spec;
        spec =
            checked(
                prefix + "labels." + label.getKey(),
                () -> before.withLabel(label.getKey(), label.getValue()));
      }
      return spec;
    }

    /**
     * Whether a property set under {@code hsm.keys.<name>.} is one a key takes. Frameworks ignore a
     * property they cannot bind (Spring Boot even drops a key none of whose properties it can
     * bind), so each starter passes every such property of the application's configuration to
     * {@link #requireProperty} at start-up.
     *
     * @param elements the property's name after {@code hsm.keys.<name>.}, split at its dots, as the
     *     framework spells it: {@code [algorithm]}, {@code [labels, team]}; case, dashes and
     *     underscores do not matter ({@code rotationPeriod}, {@code ROTATION_PERIOD}). Since an
     *     environment variable cannot tell a dash from a dot ({@code HSM_KEYS_PII_ROTATION_PERIOD}
     *     is read as {@code rotation.period} too), elements that together spell a property are
     *     accepted as well.
     */
    public static boolean isProperty(List<String> elements) {
      StringBuilder joined = new StringBuilder();
      for (int i = 0; i < elements.size(); i++) {
        joined.append(uniform(elements.get(i)));
        for (String property : PROPERTIES) {
          if (uniform(property).contentEquals(joined)) {
            return true;
          }
        }
      }
      return false;
    }

    /**
     * Refuses a property set under {@code hsm.keys.<name>.} that a key does not take (a misspelled
     * one), which the framework would otherwise ignore.
     *
     * @param key the key's name
     * @param elements the property's name after {@code hsm.keys.<name>.}, as for {@link
     *     #isProperty}
     * @throws InvalidHsmPropertyException naming the property, the properties a key takes, and the
     *     one it most likely meant
     */
    public static void requireProperty(String key, List<String> elements) {
      if (elements.isEmpty() || isProperty(elements)) {
        return;
      }
      String prefix = "hsm.keys." + key + ".";
      String rest =
          elements.size() == 1 ? "" : "." + String.join(".", elements.subList(1, elements.size()));
      String name = prefix + elements.get(0) + rest;
      String closest = closest(elements.get(0));
      throw new InvalidHsmPropertyException(
          name,
          name
              + " is not a key property: a key takes "
              + String.join(", ", PROPERTIES)
              + ".<label>"
              + (closest == null
                  ? "; check its spelling"
                  : "; did you mean " + prefix + closest + rest + "?"));
    }

    /** The key property {@code element} is most likely a misspelling of, or null. */
    private static String closest(String element) {
      String spelled = uniform(element);
      String closest = null;
      int best = Math.max(2, spelled.length() / 4) + 1;
      for (String property : PROPERTIES) {
        int distance = editDistance(spelled, uniform(property));
        if (distance < best) {
          best = distance;
          closest = property;
        }
      }
      return closest;
    }

    /** Lower case, letters and digits only: how names compare whatever their form. */
    private static String uniform(String element) {
      StringBuilder uniform = new StringBuilder(element.length());
      for (char c : element.toCharArray()) {
        if (Character.isLetterOrDigit(c)) {
          uniform.append(Character.toLowerCase(c));
        }
      }
      return uniform.toString();
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int editDistance(String a, String b) {
      int[] previous = new int[b.length() + 1];
      int[] current = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) {
        previous[j] = j;
      }
      for (int i = 1; i <= a.length(); i++) {
        current[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
          current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
        }
        int[] swap = previous;
        previous = current;
        current = swap;
      }
      return previous[b.length()];
    }

    @Override
    public String toString() {
      return "Key[" + algorithm + "]";
    }
  }
}
