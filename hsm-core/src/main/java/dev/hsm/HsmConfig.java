package dev.hsm;

import dev.hsm.internal.custody.Pkcs11Module;
import dev.hsm.internal.custody.SoftwareCustody;
import dev.hsm.internal.store.SqliteKeyRecordStore;
import dev.hsm.observe.HsmObserver;
import dev.hsm.spi.KeyCustody;
import dev.hsm.spi.KeyRecordStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the store is, how to unlock it, and how the client behaves. Immutable: each {@code
 * with}-style method returns a copy, and conflicting settings fail at once with a message naming
 * both.
 *
 * <pre>{@code
 * HsmConfig.sqlite(Path.of("app-hsm.db")).passphraseFromEnv("HSM_PASSPHRASE")
 * HsmConfig.sqlite(Path.of("app-hsm.db")).keyFile(Path.of("/run/secrets/hsm.key"))
 * HsmConfig.store(myStoreFactory).keyFile(Path.of("/run/secrets/hsm.key"))
 * }</pre>
 *
 * <p>The store is where key records live: the embedded default is one SQLite file ({@link
 * #sqlite(Path)}); any other {@link KeyRecordStore} plugs in through {@link
 * #store(KeyRecordStore.Factory)}. The key custody is who holds the material and runs the
 * operations: by default software custody (material wrapped under the store's master key,
 * operations in this JVM); another {@link KeyCustody} plugs in through {@link
 * #custody(KeyCustody.Factory)}.
 *
 * <p>Exactly one unlock secret is needed: a passphrase (stretched with Argon2id), an environment
 * variable holding the passphrase (read when the store opens), or a key file of at least 32 random
 * bytes. The secret unlocks the store's master key; it is never stored. {@code toString()} masks
 * it.
 */
public final class HsmConfig {
  /** Default number of unwrapped keys kept in memory. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  /** Default interval at which a client notices changes made by other processes. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(1);

  private static final Duration MIN_REFRESH_INTERVAL = Duration.ofMillis(10);
  private static final Duration MAX_REFRESH_INTERVAL = Duration.ofDays(1);

  private final KeyRecordStore.Factory store;
  private final Path sqliteFile;
  private final KeyCustody.Factory custody;
  private final UnlockSecret secret;
  private final int cacheSize;
  private final Duration refreshInterval;
  private final Clock clock;
  private final NativeCrypto nativeCrypto;
  private final List<HsmObserver> observers;

  private HsmConfig(
      KeyRecordStore.Factory store,
      Path sqliteFile,
      KeyCustody.Factory custody,
      UnlockSecret secret,
      int cacheSize,
      Duration refreshInterval,
      Clock clock,
      NativeCrypto nativeCrypto,
      List<HsmObserver> observers) {
    this.store = store;
    this.sqliteFile = sqliteFile;
    this.custody = custody;
    this.secret = secret;
    this.cacheSize = cacheSize;
    this.refreshInterval = refreshInterval;
    this.clock = clock;
    this.nativeCrypto = nativeCrypto;
    this.observers = observers;
  }

  private static HsmConfig defaults(KeyRecordStore.Factory store, Path sqliteFile) {
    return new HsmConfig(
        store,
        sqliteFile,
        SoftwareCustody.factory(),
        null,
        DEFAULT_CACHE_SIZE,
        DEFAULT_REFRESH_INTERVAL,
        Clock.systemUTC(),
        NativeCrypto.AUTO,
        List.of());
  }

  /** A store in the SQLite file at {@code path}, created on first open: the embedded default. */
  public static HsmConfig sqlite(Path path) {
    InvalidArgumentException.requireNonNull(path, "path");
    return defaults(SqliteKeyRecordStore.factory(path), path);
  }

  /**
   * A store that {@code factory} opens: a plug-in {@link KeyRecordStore} such as a shared database.
   * The factory is opened once per client, and closed with it.
   */
  public static HsmConfig store(KeyRecordStore.Factory factory) {
    return defaults(InvalidArgumentException.requireNonNull(factory, "factory"), null);
  }

  /**
   * The same settings on another store, e.g. for a customizer that moves an application from the
   * embedded SQLite file to a shared store without rebuilding the rest of its config.
   */
  public HsmConfig withStore(KeyRecordStore.Factory factory) {
    InvalidArgumentException.requireNonNull(factory, "factory");
    return new HsmConfig(
        factory, null, custody, secret, cacheSize, refreshInterval, clock, nativeCrypto, observers);
  }

  /**
   * Who holds key material and runs the operations: a plug-in {@link KeyCustody} such as a PKCS#11
   * token, instead of the default software custody.
   */
  public HsmConfig custody(KeyCustody.Factory factory) {
    InvalidArgumentException.requireNonNull(factory, "factory");
    return new HsmConfig(
        store,
        sqliteFile,
        factory,
        secret,
        cacheSize,
        refreshInterval,
        clock,
        nativeCrypto,
        observers);
  }

  /**
   * Key custody in the PKCS#11 token in slot {@code slotId} of {@code library} (a hardware HSM, a
   * cloud HSM's PKCS#11 library, SoftHSM2), logged in to with the PIN from {@code pin}: keys are
   * generated in the token, never leave it, and every operation runs there; the store keeps only
   * references (docs/PKCS11.md). Needs the module {@code dev.hsm:hsm-pkcs11} on the classpath; the
   * store still needs its own unlock secret, for its records and audit log.
   *
   * @throws InvalidArgumentException if hsm-pkcs11 is not on the classpath, or an argument is
   *     missing or negative
   */
  public HsmConfig pkcs11(Path library, long slotId, PinSource pin) {
    return pkcs11(library, slotId, pin, Set.of());
  }

  /**
   * {@link #pkcs11(Path, long, PinSource)}, with the keys of the algorithms in {@code inSoftware}
   * held by software custody instead (wrapped in the store, used in this JVM): an explicit choice
   * for algorithms the token cannot hold, such as AES-GCM-SIV for searchable fields.
   *
   * @throws InvalidArgumentException if hsm-pkcs11 is not on the classpath, or an argument is
   *     missing or negative
   */
  public HsmConfig pkcs11(Path library, long slotId, PinSource pin, Set<Algorithm> inSoftware) {
    InvalidArgumentException.requireNonNull(library, "library");
    InvalidArgumentException.requireNonNull(pin, "pin");
    InvalidArgumentException.requireNonNull(inSoftware, "inSoftware");
    return custody(Pkcs11Module.factory(library, slotId, pin, inSoftware));
  }

  /**
   * Key custody in the PKCS#11 token labelled {@code tokenLabel} in {@code library}, as {@link
   * #pkcs11(Path, long, PinSource)} explains; the label is looked up in the library when the store
   * opens, so it holds when slot ids change.
   *
   * @throws InvalidArgumentException if hsm-pkcs11 is not on the classpath, or an argument is
   *     missing or empty
   */
  public HsmConfig pkcs11(Path library, String tokenLabel, PinSource pin) {
    return pkcs11(library, tokenLabel, pin, Set.of());
  }

  /**
   * {@link #pkcs11(Path, String, PinSource)}, with the keys of the algorithms in {@code inSoftware}
   * held by software custody instead.
   *
   * @throws InvalidArgumentException if hsm-pkcs11 is not on the classpath, or an argument is
   *     missing or empty
   */
  public HsmConfig pkcs11(
      Path library, String tokenLabel, PinSource pin, Set<Algorithm> inSoftware) {
    InvalidArgumentException.requireNonNull(library, "library");
    InvalidArgumentException.requireNonNull(tokenLabel, "tokenLabel");
    InvalidArgumentException.requireNonNull(pin, "pin");
    InvalidArgumentException.requireNonNull(inSoftware, "inSoftware");
    return custody(Pkcs11Module.factory(library, tokenLabel, pin, inSoftware));
  }

  /** Unlock with {@code secret}. */
  public HsmConfig unlockWith(UnlockSecret secret) {
    InvalidArgumentException.requireNonNull(secret, "secret");
    if (this.secret != null) {
      throw new InvalidArgumentException(
          "cannot use "
              + secret.describe()
              + ": this config already unlocks with "
              + this.secret.describe());
    }
    return new HsmConfig(
        store,
        sqliteFile,
        custody,
        secret,
        cacheSize,
        refreshInterval,
        clock,
        nativeCrypto,
        observers);
  }

  /** Unlock with this passphrase (copied). */
  public HsmConfig passphrase(char[] passphrase) {
    return unlockWith(UnlockSecret.passphrase(passphrase));
  }

  /** Unlock with this passphrase. */
  public HsmConfig passphrase(String passphrase) {
    return unlockWith(UnlockSecret.passphrase(passphrase));
  }

  /**
   * Unlock with the passphrase in environment variable {@code name}, read when the store opens (a
   * missing or empty variable then fails with {@link UnlockFailedException}).
   */
  public HsmConfig passphraseFromEnv(String name) {
    return unlockWith(UnlockSecret.passphraseFromEnv(name));
  }

  /**
   * Unlock with a key file: at least 32 bytes, ideally random (for example {@code head -c 32
   * /dev/urandom > hsm.key}), readable only by the application.
   */
  public HsmConfig keyFile(Path keyFile) {
    return unlockWith(UnlockSecret.keyFile(keyFile));
  }

  /**
   * Argon2id cost for the passphrase slot of a <em>new</em> store (an existing store keeps the
   * parameters recorded in its slot). Call after setting the passphrase. The default follows RFC
   * 9106's memory-constrained choice.
   */
  public HsmConfig argon2(Argon2Parameters parameters) {
    if (secret == null) {
      throw new InvalidArgumentException("set the passphrase before its Argon2 parameters");
    }
    return new HsmConfig(
        store,
        sqliteFile,
        custody,
        secret.withArgon2(parameters),
        cacheSize,
        refreshInterval,
        clock,
        nativeCrypto,
        observers);
  }

  /** How many unwrapped keys to keep in memory at most; default {@value #DEFAULT_CACHE_SIZE}. */
  public HsmConfig cacheSize(int maxKeys) {
    if (maxKeys < 1) {
      throw new InvalidArgumentException("cacheSize must be at least 1, not " + maxKeys);
    }
    return new HsmConfig(
        store,
        sqliteFile,
        custody,
        secret,
        maxKeys,
        refreshInterval,
        clock,
        nativeCrypto,
        observers);
  }

  /**
   * How often a background thread checks whether another process changed the store (a rotation, a
   * disabled key) and drops those keys from the cache; also how often usage counters are saved.
   * Default one second; 10 ms to one day. Operations never wait for it.
   */
  public HsmConfig refreshInterval(Duration interval) {
    InvalidArgumentException.requireNonNull(interval, "interval");
    if (interval.compareTo(MIN_REFRESH_INTERVAL) < 0
        || interval.compareTo(MAX_REFRESH_INTERVAL) > 0) {
      throw new InvalidArgumentException(
          "refreshInterval must be at least 10 ms and at most one day, not " + interval);
    }
    return new HsmConfig(
        store, sqliteFile, custody, secret, cacheSize, interval, clock, nativeCrypto, observers);
  }

  /** The clock for timestamps, rotation and destruction dates; tests inject their own. */
  public HsmConfig clock(Clock clock) {
    InvalidArgumentException.requireNonNull(clock, "clock");
    return new HsmConfig(
        store,
        sqliteFile,
        custody,
        secret,
        cacheSize,
        refreshInterval,
        clock,
        nativeCrypto,
        observers);
  }

  /**
   * Whether operations may run on the optional native provider; default {@link NativeCrypto#AUTO}
   * (use it when it is on the classpath and healthy).
   */
  public HsmConfig nativeCrypto(NativeCrypto mode) {
    InvalidArgumentException.requireNonNull(mode, "mode");
    return new HsmConfig(
        store, sqliteFile, custody, secret, cacheSize, refreshInterval, clock, mode, observers);
  }

  /**
   * Adds an observer that hears every key operation (key, operation, outcome, duration), every
   * audit entry the client writes and its key cache hits and misses; see {@link HsmObserver} for
   * what it costs. Observers are called in the order added. Without any, handles are not wrapped
   * and operations run exactly as before.
   */
  public HsmConfig observe(HsmObserver observer) {
    InvalidArgumentException.requireNonNull(observer, "observer");
    List<HsmObserver> more = new ArrayList<>(observers);
    more.add(observer);
    return new HsmConfig(
        store,
        sqliteFile,
        custody,
        secret,
        cacheSize,
        refreshInterval,
        clock,
        nativeCrypto,
        List.copyOf(more));
  }

  /** The observers added with {@link #observe}, in order. */
  public List<HsmObserver> observers() {
    return observers;
  }

  /** How the store is opened. */
  public KeyRecordStore.Factory store() {
    return store;
  }

  /** How the key custody is opened. */
  public KeyCustody.Factory custody() {
    return custody;
  }

  /** The store's SQLite file, if the store is one ({@link #sqlite(Path)}). */
  public Optional<Path> sqliteFile() {
    return Optional.ofNullable(sqliteFile);
  }

  /** The secret that unlocks the store, if set. */
  public Optional<UnlockSecret> unlockSecret() {
    return Optional.ofNullable(secret);
  }

  /** Maximum number of unwrapped keys kept in memory. */
  public int cacheSize() {
    return cacheSize;
  }

  /** How often to look for other processes' changes. */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  /** The clock. */
  public Clock clock() {
    return clock;
  }

  /** Whether operations may run on the optional native provider. */
  public NativeCrypto nativeCrypto() {
    return nativeCrypto;
  }

  @Override
  public String toString() {
    return "HsmConfig[store="
        + store.description()
        + ", custody="
        + custody.description()
        + ", "
        + (secret == null ? "no unlock secret" : secret)
        + ", cacheSize="
        + cacheSize
        + ", nativeCrypto="
        + nativeCrypto
        + (observers.isEmpty() ? "" : ", observers=" + observers.size())
        + "]";
  }
}
