package dev.hsm.config;

import dev.hsm.HsmConfig;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code hsm.*} properties, the same in every framework: where the store is, how it is
 * unlocked, how the client behaves, and the keys the application declares. Defaults are {@link
 * HsmConfig}'s. The checks and their messages live in this package, so both starters fail alike,
 * naming the property.
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
 *
 * <p>Each group of properties is a type of its own beside this one, holding its checks: {@link
 * StoreProperties} ({@code hsm.store.*}), {@link UnlockProperties} ({@code hsm.unlock.*}), {@link
 * Pkcs11Properties} ({@code hsm.pkcs11.*}) and {@link KeyProperties} (each {@code
 * hsm.keys.<name>.*}).
 */
public class CommonHsmProperties {
  /** Where the key store lives. */
  private final StoreProperties store;

  /** How the store is unlocked: set exactly one of its properties. */
  private final UnlockProperties unlock;

  /** Key custody in a PKCS#11 token instead of the store (needs hsm-pkcs11); unset by default. */
  private final Pkcs11Properties pkcs11;

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
  private final Map<String, KeyProperties> keys = new LinkedHashMap<>();

  /** Properties with every default and no unlock secret. */
  public CommonHsmProperties() {
    this(new StoreProperties(), new UnlockProperties(), new Pkcs11Properties());
  }

  /**
   * Properties whose {@code hsm.store.*} and {@code hsm.unlock.*} are bound elsewhere: for a
   * framework that binds nested groups as objects of their own (Micronaut).
   */
  protected CommonHsmProperties(StoreProperties store, UnlockProperties unlock) {
    this(store, unlock, new Pkcs11Properties());
  }

  /**
   * Properties whose {@code hsm.store.*}, {@code hsm.unlock.*} and {@code hsm.pkcs11.*} are bound
   * elsewhere: for a framework that binds nested groups as objects of their own (Micronaut).
   */
  protected CommonHsmProperties(
      StoreProperties store, UnlockProperties unlock, Pkcs11Properties pkcs11) {
    this.store = store;
    this.unlock = unlock;
    this.pkcs11 = pkcs11;
  }

  /** {@code hsm.store.*}. */
  public StoreProperties getStore() {
    return store;
  }

  /** {@code hsm.unlock.*}. */
  public UnlockProperties getUnlock() {
    return unlock;
  }

  /** {@code hsm.pkcs11.*}. */
  public Pkcs11Properties getPkcs11() {
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
  public Map<String, KeyProperties> getKeys() {
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
}
