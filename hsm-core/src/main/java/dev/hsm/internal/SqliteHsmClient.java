package dev.hsm.internal;

import dev.hsm.AdminAuthenticationException;
import dev.hsm.Algorithm;
import dev.hsm.AuditLog;
import dev.hsm.HsmAdmin;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.HsmException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyNotFoundException;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.Operation;
import dev.hsm.StoreException;
import dev.hsm.internal.crypto.CryptoEngines;
import dev.hsm.internal.crypto.CryptoKey;
import dev.hsm.internal.crypto.Keys;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.internal.store.SqliteKeyRecordStore;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The engine behind {@link HsmClient}: unlocks the store, creates and changes keys (wrapping
 * material and MACing rows before they reach the backend, with an audit entry in the same
 * transaction), loads keys into the cache on first use, and runs a background thread that notices
 * other processes' changes, saves usage counters and applies due rotations and destructions.
 */
public final class SqliteHsmClient implements HsmClient {
  private static final System.Logger LOG = System.getLogger("dev.hsm");
  private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final int MAX_RANDOM_BYTES = 1 << 20;
  private static final int MAX_WRITE_ATTEMPTS = 100;
  private static final int DUE_CHECK_EVERY_N_REFRESHES = 60;

  /** The store's description, for messages. */
  private final String where;

  private final KeyRecordStore backend;
  private final KeyCache cache;
  private final Clock clock;
  private final Audit audit;
  private final CryptoEngines engines;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final GroupCommit newKeys = new GroupCommit(this, writeLock);
  private final Map<String, LongAdder[]> usage = new ConcurrentHashMap<>();
  private final ScheduledExecutorService maintenance;
  private volatile KeyProtection protection;
  private volatile boolean closed;
  private long lastDataVersion;
  private int refreshes;

  private SqliteHsmClient(
      KeyRecordStore backend,
      KeyProtection protection,
      byte[] auditKey,
      HsmConfig config,
      CryptoEngines engines) {
    this.where = backend.description();
    this.engines = engines;
    this.backend = backend;
    this.protection = protection;
    this.cache = new KeyCache(config.cacheSize());
    this.clock = config.clock();
    this.audit = new Audit(backend, protection.storeId(), auditKey, clock);
    this.lastDataVersion = backend.dataVersion();
    this.maintenance =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "hsm-maintenance");
              thread.setDaemon(true);
              return thread;
            });
    long interval = config.refreshInterval().toMillis();
    maintenance.scheduleWithFixedDelay(this::maintain, interval, interval, TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------- opening

  /** Opens, and on first use initialises, the store a config names. */
  public static SqliteHsmClient open(HsmConfig config) {
    CryptoEngines engines = CryptoEngines.select(config.nativeCrypto()); // fails before any I/O
    Unlocking.Secret secret = Unlocking.read(config);
    KeyRecordStore backend = config.store().open();
    byte[] masterKey = null;
    byte[] auditKey = null;
    try {
      Optional<String> storeId = backend.storeId();
      if (storeId.isEmpty()) {
        String newId = HexFormat.of().formatHex(Randomness.bytes(16));
        byte[] newMasterKey = Randomness.bytes(32);
        KeyProtection newProtection = new KeyProtection(newId, newMasterKey);
        String settings = StoreSettings.fresh(newProtection).seal(newProtection);
        if (backend.initialize(
            newId, settings, Unlocking.newSlot(newId, secret, newMasterKey, config.clock()))) {
          storeId = Optional.of(newId);
          masterKey = newMasterKey;
        } else {
          KeyProtection.wipe(newMasterKey);
          storeId = backend.storeId(); // another process initialised it first
        }
      }
      if (masterKey == null) {
        masterKey =
            Unlocking.unlock(
                storeId.orElseThrow(), backend.unlockSlots(), secret, backend.description());
      }
      KeyProtection protection = new KeyProtection(storeId.orElseThrow(), masterKey);
      StoreSettings settings = checkedSettings(backend, protection);
      auditKey = settings.auditKey(protection);
      return new SqliteHsmClient(backend, protection, auditKey, config, engines);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    } finally {
      KeyProtection.wipe(masterKey);
      KeyProtection.wipe(auditKey);
      secret.wipe();
    }
  }

  /** Copies a backup into place and opens it; see {@link HsmClient#restoreBackup}. */
  public static SqliteHsmClient restoreBackup(Path backupFile, HsmConfig config) {
    Path target = config.sqliteFile().orElseThrow();
    if (Files.exists(target)) {
      throw new StoreException(
          "cannot restore over " + target + ": it exists; move it away or choose another path");
    }
    if (!Files.isRegularFile(backupFile)) {
      throw new StoreException("backup " + backupFile + " is not a readable file");
    }
    Path staging = target.resolveSibling(target.getFileName() + ".restoring");
    try {
      Files.copy(backupFile, staging, StandardCopyOption.REPLACE_EXISTING);
      SqliteKeyRecordStore copy = SqliteKeyRecordStore.open(staging);
      boolean holdsAStore;
      try {
        holdsAStore = copy.storeId().isPresent();
      } finally {
        copy.close();
      }
      if (!holdsAStore) { // else open() below would initialise a new, empty store
        throw new StoreException("backup " + backupFile + " holds no key store (empty file?)");
      }
      open(HsmConfig.sqlite(staging)
              .unlockWith(
                  config
                      .unlockSecret()
                      .orElseThrow(
                          () -> new IllegalArgumentException("HsmConfig has no unlock secret"))))
          .close();
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StoreException("cannot restore " + backupFile + " to " + target + ": " + e, e);
    } finally {
      deleteQuietly(staging);
      deleteQuietly(staging.resolveSibling(staging.getFileName() + "-wal"));
      deleteQuietly(staging.resolveSibling(staging.getFileName() + "-shm"));
    }
    return open(config);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover staging file is harmless: it is encrypted like any store
    }
  }

  // ---------------------------------------------------------------- keys

  @Override
  public KeyHandle createKey(String name, KeySpec spec) {
    checkOpen();
    checkName(name);
    KeyProtection wrappingWith = protection;
    // Generated and wrapped in the caller's thread, outside the write lock: in parallel.
    Keys.Material material = Keys.generate(spec);
    KeyRecord record = newRecord(name, spec, spec.operations(), material, false);
    insert(wrappingWith, record, Audit.APP, "key.create");
    return new DefaultKeyHandle(name, this);
  }

  @Override
  public KeyHandle ensureKey(String name, KeySpec spec) {
    checkOpen();
    checkName(name);
    for (int attempt = 0; ; attempt++) {
      Optional<StoredKey> existing = backend.findKey(name);
      if (existing.isPresent()) {
        KeyInfo info = protection.open(existing.get()).info();
        if (info.algorithm() != spec.algorithm()
            || info.rsaModulusBits() != spec.rsaModulusBits()
            || !info.operations().equals(spec.operations())
            || info.extractable() != spec.extractable()) {
          throw new KeyAlreadyExistsException(
              "key '" + name + "' exists as " + describe(info) + ", not as the requested " + spec);
        }
        return new DefaultKeyHandle(name, this);
      }
      try {
        return createKey(name, spec);
      } catch (KeyAlreadyExistsException raced) {
        if (attempt > 0) {
          throw raced;
        }
        // another thread or process created it between our read and write: check theirs
      }
    }
  }

  private static String describe(KeyInfo info) {
    return "KeySpec["
        + info.algorithm()
        + (info.rsaModulusBits() > 0 ? " " + info.rsaModulusBits() : "")
        + " "
        + info.operations()
        + (info.extractable() ? " extractable" : "")
        + "]";
  }

  @Override
  public KeyHandle importKey(String name, KeySpec spec, KeyMaterial material) {
    return admin().importKey(name, spec, material);
  }

  /** Import, once the caller is known to be allowed. */
  KeyHandle importAsAdmin(String name, KeySpec spec, KeyMaterial material) {
    checkOpen();
    checkName(name);
    KeyProtection wrappingWith = protection;
    Keys.Material validated;
    try {
      validated = Keys.validateImport(spec, material.form(), material.encoded());
    } catch (InvalidKeyMaterialException e) {
      throw new InvalidKeyMaterialException(
          "cannot import key '" + name + "': " + e.getMessage(), e.getCause());
    }
    Set<Operation> operations = EnumSet.copyOf(spec.operations());
    if (validated.form() == KeyMaterial.Form.PUBLIC_X509) {
      operations.retainAll(EnumSet.of(Operation.VERIFY, Operation.ENCRYPT));
      if (operations.isEmpty()) {
        throw new InvalidKeyMaterialException(
            "cannot import key '"
                + name
                + "': a public key can only "
                + (spec.algorithm().kind() == Algorithm.Kind.SIGNATURE ? "VERIFY" : "ENCRYPT")
                + ", but the spec allows only "
                + spec.operations());
      }
    }
    insert(
        wrappingWith,
        newRecord(name, spec, operations, validated, true),
        Audit.ADMIN,
        "key.import");
    return new DefaultKeyHandle(name, this);
  }

  /** A new key's record with version 1 wrapped; the material's bytes are wiped. */
  KeyRecord newRecord(
      String name,
      KeySpec spec,
      Set<Operation> operations,
      Keys.Material material,
      boolean imported) {
    long now = clock.millis();
    KeyRecord record =
        new KeyRecord(
            name,
            spec.algorithm(),
            spec.rsaModulusBits(),
            operations,
            spec.extractable(),
            imported,
            material.form(),
            spec.labels(),
            1,
            now,
            true,
            spec.rotationPeriod().getSeconds(),
            1,
            1,
            List.of());
    KeyRecord.VersionRecord version =
        new KeyRecord.VersionRecord(
            1,
            KeyState.ENABLED,
            now,
            0,
            material.publicKeySpki(),
            wrapMaterial(record, 1, material));
    return record.withVersions(List.of(version), 1);
  }

  /** Wraps material for {@code version} of {@code record}, wiping the clear bytes. */
  byte[] wrapMaterial(KeyRecord record, int version, Keys.Material material) {
    try {
      return protection.wrap(material.encoded(), protection.materialAad(record, version));
    } finally {
      KeyProtection.wipe(material.encoded());
    }
  }

  /**
   * Stores a new key with its audit entry, durably; concurrent calls share one transaction (see
   * {@link GroupCommit}).
   *
   * @param wrappingWith this client's protection as read before {@code record}'s material was
   *     wrapped: if the master key is rotated before the key is stored, it is refused rather than
   *     stored under the old one
   */
  void insert(KeyProtection wrappingWith, KeyRecord record, String actor, String action) {
    StoredKey sealed = wrappingWith.seal(record); // MACed here, in the caller's thread
    newKeys.insert(
        new GroupCommit.Request(wrappingWith, sealed, actor, action, record.algorithm().name()));
  }

  @Override
  public KeyHandle key(String name) {
    return findKey(name).orElseThrow(() -> notFound(name));
  }

  @Override
  public Optional<KeyHandle> findKey(String name) {
    checkName(name);
    try {
      // Loads the key into the cache: a cached key answers without the database, and the first
      // operation on a handle just looked up finds the key unwrapped and checked.
      loaded(name);
    } catch (KeyNotFoundException absent) {
      return Optional.empty();
    } catch (KeyIntegrityException broken) {
      // It exists but cannot be used: its handle reports that on every use, as for a key whose
      // rows are tampered with after it was looked up.
    }
    return Optional.of(new DefaultKeyHandle(name, this));
  }

  private KeyNotFoundException notFound(String name) {
    return new KeyNotFoundException("no key named '" + name + "' in " + where);
  }

  @Override
  public List<KeyInfo> listKeys() {
    checkOpen();
    List<KeyInfo> infos = new ArrayList<>();
    for (StoredKey stored : backend.listKeys()) {
      infos.add(protection.open(stored).info());
    }
    return infos;
  }

  @Override
  public String cryptoProvider(Algorithm algorithm) {
    return engines.describe(Objects.requireNonNull(algorithm, "algorithm"));
  }

  @Override
  public byte[] randomBytes(int count) {
    checkOpen();
    if (count < 0 || count > MAX_RANDOM_BYTES) {
      throw new IllegalArgumentException("count must be 0.." + MAX_RANDOM_BYTES + ", not " + count);
    }
    return Randomness.bytes(count);
  }

  // ---------------------------------------------------------------- admin and audit

  @Override
  public HsmAdmin admin() {
    checkOpen();
    if (settings().hasAdmin()) {
      throw refused(
          Audit.ADMIN,
          "admin.login",
          null,
          0,
          new AdminAuthenticationException(
              "this store has an admin credential: use admin(credential)"));
    }
    return new DefaultHsmAdmin(this);
  }

  @Override
  public HsmAdmin admin(char[] adminPassphrase) {
    checkOpen();
    if (adminPassphrase == null) {
      return admin();
    }
    StoreSettings settings = settings();
    if (settings.hasAdmin()
        && !KeyProtection.constantTimeEquals(
            adminVerifier(adminPassphrase, settings.adminKdf, settings.adminSalt),
            settings.adminVerifier)) {
      throw refused(
          Audit.ADMIN,
          "admin.login",
          null,
          0,
          new AdminAuthenticationException("the admin credential is wrong"));
    }
    return new DefaultHsmAdmin(this);
  }

  static byte[] adminVerifier(char[] passphrase, String kdf, byte[] salt) {
    byte[] stretched = Unlocking.argon2(passphrase, kdf, salt);
    try {
      return KeyProtection.hkdf(stretched, salt, "dev.hsm/v1/admin-verifier");
    } finally {
      KeyProtection.wipe(stretched);
    }
  }

  StoreSettings settings() {
    return checkedSettings(backend, protection);
  }

  /**
   * The authenticated settings, refused if the audit log records a later settings change: a MAC
   * cannot tell current settings from ones put back from an older copy of the file, but the log can
   * (removing that entry from the log breaks its chain, which {@code verify()} reports).
   */
  private static StoreSettings checkedSettings(KeyRecordStore backend, KeyProtection protection) {
    StoreSettings settings = StoreSettings.open(backend.settings().orElse(""), protection);
    long lastChange = backend.lastAuditSequenceOf(StoreSettings.CHANGING_ACTIONS);
    if (lastChange > settings.auditSequence) {
      throw new StoreException(
          "the store settings are older than audit entry "
              + lastChange
              + ", which changed them: they were put back from an older copy of the file");
    }
    return settings;
  }

  /** Replaces the settings (if unchanged since {@code expected}) with an audit entry. */
  void updateSettings(StoreSettings expected, StoreSettings updated, String action) {
    KeyProtection p = protection;
    withWriteLock(
        () -> {
          StoredAuditEntry entry = audit.next(Audit.ADMIN, action, null, 0, Audit.OK, "");
          backend.updateSettings(
              expected.seal(p), updated.withAuditSequence(entry.sequence()).seal(p), entry);
          return null;
        });
  }

  @Override
  public AuditLog auditLog() {
    checkOpen();
    return new DefaultAuditLog(this);
  }

  Audit audit() {
    return audit;
  }

  KeyRecordStore backend() {
    return backend;
  }

  KeyProtection protection() {
    return protection;
  }

  Clock clock() {
    return clock;
  }

  /** The store's description, for messages. */
  String where() {
    return where;
  }

  /** Switches to a new master key's protection after a rotation; caches stay valid. */
  void useProtection(KeyProtection rotated) {
    this.protection = rotated;
  }

  /** Records a refused operation in the audit log and returns the exception to throw. */
  <E extends HsmException> E refused(
      String actor, String action, String keyName, int version, E refusal) {
    try {
      audit.record(actor, action, keyName, version, Audit.REFUSED, refusal.getMessage());
    } catch (RuntimeException auditFailed) {
      refusal.addSuppressed(auditFailed); // the refusal stands either way: fail closed
    }
    return refusal;
  }

  /** How many threads wait for the write lock (for tests that line callers up behind it). */
  int writersWaiting() {
    return writeLock.getQueueLength();
  }

  /** How many transactions have stored new keys so far (for tests of group commit). */
  long keyTransactions() {
    return newKeys.transactions();
  }

  /** Runs a write under this client's write lock, retrying when another process wrote first. */
  <T> T withWriteLock(java.util.function.Supplier<T> write) {
    writeLock.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          return write.get();
        } catch (ConcurrentUpdateException e) {
          if (attempt >= MAX_WRITE_ATTEMPTS) {
            throw new StoreException(
                "gave up writing to "
                    + where
                    + " after "
                    + attempt
                    + " conflicts with other processes",
                e);
          }
          Thread.onSpinWait();
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Reads, changes and writes one key, with an audit entry, retrying if another process changed it
   * meanwhile. {@code change} may throw to refuse; returning its argument means no change.
   */
  KeyRecord update(
      String name,
      String actor,
      String action,
      int version,
      String detail,
      UnaryOperator<KeyRecord> change) {
    checkOpen();
    KeyRecord result =
        withWriteLock(
            () -> {
              KeyRecord current = read(name);
              KeyRecord changed = change.apply(current);
              if (changed == current) {
                return current;
              }
              changed = changed.withRevision(current.revision() + 1);
              // A change that adds a primary version (a rotation) names it in its entry.
              int auditVersion =
                  version == 0 && changed.primaryVersion() != current.primaryVersion()
                      ? changed.primaryVersion()
                      : version;
              backend.updateKey(
                  protection.seal(changed),
                  current.revision(),
                  audit.next(actor, action, name, auditVersion, Audit.OK, detail));
              return changed;
            });
    cache.invalidate(name);
    return result;
  }

  /** The key's record from the store, MACs checked. */
  KeyRecord read(String name) {
    return protection.open(backend.findKey(name).orElseThrow(() -> notFound(name)));
  }

  // ---------------------------------------------------------------- using keys

  /** The key, unwrapped: from the cache, or loaded from the store on first use. */
  LoadedKey loaded(String name) {
    checkOpen();
    return cache.get(name, this::load);
  }

  /** The key loaded afresh, for when the cached copy may be stale. */
  LoadedKey reloaded(String name) {
    cache.invalidate(name);
    return loaded(name);
  }

  private LoadedKey load(String name) {
    KeyRecord record = read(name);
    Map<Integer, LoadedKey.LoadedVersion> versions = new HashMap<>();
    for (KeyRecord.VersionRecord version : record.versions()) {
      CryptoKey crypto = version.state() == KeyState.ENABLED ? unwrap(record, version) : null;
      versions.put(
          version.version(),
          new LoadedKey.LoadedVersion(
              version.version(), version.state(), version.destroyAtMillis(), crypto));
    }
    LongAdder[] counters =
        usage.computeIfAbsent(
            name,
            n -> {
              LongAdder[] adders = new LongAdder[Operation.values().length];
              for (int i = 0; i < adders.length; i++) {
                adders[i] = new LongAdder();
              }
              return adders;
            });
    return new LoadedKey(record, versions, counters);
  }

  /** The usable key of one version, its material unwrapped and its bytes wiped after. */
  CryptoKey unwrap(KeyRecord record, KeyRecord.VersionRecord version) {
    String what = "key '" + record.name() + "' version " + version.version();
    byte[] material =
        protection.unwrap(
            version.wrappedMaterial(), protection.materialAad(record, version.version()), what);
    try {
      return Keys.load(engines, record.algorithm(), record.form(), material, version.publicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyIntegrityException(
          what + ": stored material cannot be read as " + record.algorithm());
    } finally {
      KeyProtection.wipe(material);
    }
  }

  /** Adds a new generated version and makes it primary; returns the new version number. */
  int rotate(String name, String actor, String reason) {
    KeyRecord rotated =
        update(
            name,
            actor,
            "key.rotate",
            0,
            reason,
            current -> {
              if (current.form() == KeyMaterial.Form.PUBLIC_X509) {
                throw new dev.hsm.WrongKeyTypeException(
                    "key '"
                        + name
                        + "' holds only an imported public key, which cannot be rotated");
              }
              return withNewVersion(current);
            });
    return rotated.primaryVersion();
  }

  private KeyRecord withNewVersion(KeyRecord current) {
    int next = current.versions().get(current.versions().size() - 1).version() + 1;
    Keys.Material material = Keys.generate(current.spec());
    List<KeyRecord.VersionRecord> versions = new ArrayList<>(current.versions());
    versions.add(
        new KeyRecord.VersionRecord(
            next,
            KeyState.ENABLED,
            clock.millis(),
            0,
            material.publicKeySpki(),
            wrapMaterial(current, next, material)));
    return current.withVersions(versions, next);
  }

  /** Rotates the key if its period has passed (another thread may have done it already). */
  LoadedKey rotateIfDue(String name) {
    update(
        name,
        Audit.APP,
        "key.rotate",
        0,
        "automatic: rotation period passed",
        current ->
            clock.millis() >= current.rotationDueAtMillis() ? withNewVersion(current) : current);
    return loaded(name);
  }

  /** Destroys the versions of {@code name} whose waiting period is over. */
  int destroyDue(String name) {
    int destroyed = 0;
    for (KeyRecord.VersionRecord due : read(name).versions()) {
      if (due.state() != KeyState.SCHEDULED_FOR_DESTRUCTION
          || due.destroyAtMillis() > clock.millis()) {
        continue;
      }
      boolean[] done = {false};
      update(
          name,
          Audit.APP,
          "key.destroy",
          due.version(),
          "scheduled destruction reached",
          current -> {
            done[0] = false; // the change is retried if another process wrote meanwhile
            KeyRecord.VersionRecord v = current.version(due.version());
            if (v == null
                || v.state() != KeyState.SCHEDULED_FOR_DESTRUCTION
                || v.destroyAtMillis() > clock.millis()) {
              return current;
            }
            done[0] = true;
            return current.withVersion(v.withState(KeyState.DESTROYED, v.destroyAtMillis()));
          });
      destroyed += done[0] ? 1 : 0;
    }
    return destroyed;
  }

  @Override
  public int applyDueChanges() {
    checkOpen();
    int changes = 0;
    for (String name : backend.keysWithDueChanges(clock.millis())) {
      KeyRecord record = read(name);
      if (clock.millis() >= record.rotationDueAtMillis()) {
        rotateIfDue(name);
        changes++;
      }
      changes += destroyDue(name);
    }
    return changes;
  }

  // ---------------------------------------------------------------- background

  /** Each refresh interval: notice other processes' writes, save usage, apply due changes. */
  private void maintain() {
    if (closed) {
      return;
    }
    try {
      long dataVersion = backend.dataVersion();
      if (dataVersion != lastDataVersion) {
        lastDataVersion = dataVersion;
        cache.clear(); // another process committed: rotations, state changes must be seen
      }
      saveUsage();
      if (++refreshes % DUE_CHECK_EVERY_N_REFRESHES == 0) {
        applyDueChanges();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "key store maintenance failed for " + where, e);
    }
  }

  /** Saves the usage counted since the last save: one write for all keys, not one per operation. */
  synchronized void saveUsage() {
    Map<String, Map<String, Long>> counts = new HashMap<>();
    usage.forEach(
        (name, adders) -> {
          for (Operation operation : Operation.values()) {
            long count = adders[operation.ordinal()].sumThenReset();
            if (count > 0) {
              counts.computeIfAbsent(name, n -> new HashMap<>()).put(operation.name(), count);
            }
          }
        });
    backend.addUsage(counts);
  }

  // ---------------------------------------------------------------- misc

  static void checkName(String name) {
    if (name == null) {
      throw new NullPointerException("key name");
    }
    if (!KEY_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "key name '"
              + name
              + "' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit");
    }
  }

  void checkOpen() {
    if (closed) {
      throw new HsmException("the HsmClient for " + where + " is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    maintenance.shutdown();
    try {
      maintenance.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      saveUsage();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not save key usage counters for " + where, e);
    }
    cache.clear();
    backend.close();
  }

  @Override
  public String toString() {
    return "HsmClient[" + where + (closed ? ", closed" : "") + "]";
  }
}
