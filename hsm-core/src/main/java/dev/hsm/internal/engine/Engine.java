package dev.hsm.internal.engine;

import dev.hsm.AdminAuthenticationException;
import dev.hsm.Algorithm;
import dev.hsm.AuditLog;
import dev.hsm.HsmAdmin;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.HsmException;
import dev.hsm.InvalidArgumentException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyNotFoundException;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.internal.protection.Secrets;
import dev.hsm.internal.protection.StoreSettings;
import dev.hsm.internal.protection.Unlocking;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoredKey;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The engine behind {@link HsmClient}, the same for every store and custody: it checks every row it
 * reads, keeps unwrapped keys in a bounded cache so operations never touch the database, and wires
 * the parts that do the rest: {@link PolicyGate} (every check before an operation), {@link
 * KeyWrites} (every change, with its audit entry), {@link Maintenance} (other clients' changes,
 * usage counters, due rotations) and {@link StoreOpening} (unlocking).
 */
public final class Engine implements HsmClient {
  private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final int MAX_RANDOM_BYTES = 1 << 20;

  private final KeyRecordStore store;
  private final String where;
  private final HsmConfig config;
  private final Clock clock;
  private final AuditChain audit;
  private final UsageCounters usage = new UsageCounters();
  private final LoadedKeys keys;
  private final RefusalTally refusalsOfInput = new RefusalTally();
  private final PolicyGate gate = new PolicyGate(this);
  private final KeyWrites writes;
  private final Maintenance maintenance;
  private final Observers observers;
  private volatile Unlocked unlocked;
  private volatile boolean closed;

  Engine(KeyRecordStore store, Unlocked unlocked, byte[] auditKey, HsmConfig config) {
    this.observers = Observers.of(config.observers());
    this.store = observers == null ? store : new ObservedStore(store, observers);
    this.where = store.description();
    this.config = config;
    this.clock = config.clock();
    this.unlocked = unlocked;
    this.audit = new AuditChain(this.store, unlocked.storeId(), auditKey, clock);
    this.keys = new LoadedKeys(this, this.store, config, usage, observers);
    this.writes = new KeyWrites(this);
    this.maintenance = new Maintenance(this, config.refreshInterval());
  }

  /** Opens, and on first use initialises, the store a config names. */
  public static HsmClient open(HsmConfig config) {
    return StoreOpening.open(InvalidArgumentException.requireNonNull(config, "config"));
  }

  /** Restores a backup file and opens it; see {@link HsmClient#restoreBackup}. */
  public static HsmClient restoreBackup(Path backupFile, HsmConfig config) {
    InvalidArgumentException.requireNonNull(backupFile, "backupFile");
    return StoreOpening.restoreBackup(
        backupFile, InvalidArgumentException.requireNonNull(config, "config"));
  }

  // ---------------------------------------------------------------- keys

  @Override
  public KeyHandle createKey(String name, KeySpec spec) {
    checkOpen();
    checkName(name);
    InvalidArgumentException.requireNonNull(spec, "spec");
    Unlocked with = unlocked;
    KeyMaterial.Form form =
        spec.algorithm().isAsymmetric() ? KeyMaterial.Form.PRIVATE_PKCS8 : KeyMaterial.Form.SECRET;
    // Generated and wrapped in the caller's thread, outside the write lock: in parallel.
    KeyRecord record =
        writes.newRecord(
            with, name, spec, spec.operations(), form, false, with.custody()::generate);
    try {
      writes.insert(with, record, AuditChain.APP, "key.create");
    } catch (KeyAlreadyExistsException taken) {
      discard(with, record, taken);
      throw taken;
    }
    return handle(name);
  }

  /**
   * Lets the custody destroy what it made for a key that was never stored (its name was taken
   * meanwhile): a token custody's object would otherwise stay in the token, unreferenced.
   */
  private static void discard(Unlocked with, KeyRecord record, RuntimeException cause) {
    try {
      with.custody()
          .destroy(
              record.binding(with.storeId(), record.primaryVersion()),
              record.version(record.primaryVersion()).custodyRecord());
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public KeyHandle ensureKey(String name, KeySpec spec) {
    checkOpen();
    checkName(name);
    InvalidArgumentException.requireNonNull(spec, "spec");
    for (int attempt = 0; ; attempt++) {
      // A key the log knows but whose rows are missing fails here: it is never made anew.
      Optional<KeyRecord> existing = keys.find(name);
      if (existing.isPresent()) {
        KeyInfo info = existing.get().info();
        if (info.algorithm() != spec.algorithm()
            || info.rsaModulusBits() != spec.rsaModulusBits()
            || !info.operations().equals(spec.operations())
            || info.extractable() != spec.extractable()) {
          throw new KeyAlreadyExistsException(
              "key '" + name + "' exists as " + describe(info) + ", not as the requested " + spec);
        }
        return handle(name);
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
    InvalidArgumentException.requireNonNull(spec, "spec");
    InvalidArgumentException.requireNonNull(material, "material");
    Set<Operation> operations = EnumSet.copyOf(spec.operations());
    if (material.form() == KeyMaterial.Form.PUBLIC_X509) {
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
    Unlocked with = unlocked;
    KeyRecord record;
    try {
      record =
          writes.newRecord(
              with,
              name,
              spec,
              operations,
              material.form(),
              true,
              binding -> with.custody().importMaterial(binding, material));
    } catch (InvalidKeyMaterialException e) {
      throw new InvalidKeyMaterialException(
          "cannot import key '" + name + "': " + e.getMessage(), e.getCause());
    }
    writes.insert(with, record, AuditChain.ADMIN, "key.import");
    return handle(name);
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
      keys.loaded(name);
    } catch (KeyNotFoundException absent) {
      return Optional.empty();
    } catch (KeyIntegrityException broken) {
      // It exists but cannot be used: its handle reports that on every use, as for a key whose
      // rows are tampered with after it was looked up.
    }
    return Optional.of(handle(name));
  }

  /** The handle of {@code name}: timed and heard by the observers, if the config has any. */
  KeyHandle handle(String name) {
    KeyHandle handle = new DefaultKeyHandle(name, this);
    return observers == null || !observers.observeOperations()
        ? handle
        : new ObservedKeyHandle(handle, observers);
  }

  KeyNotFoundException notFound(String name) {
    return new KeyNotFoundException("no key named '" + name + "' in " + where);
  }

  @Override
  public List<KeyInfo> listKeys() {
    checkOpen();
    List<KeyInfo> infos = new ArrayList<>();
    for (StoredKey stored : store.listKeys()) {
      // Anchored to the log, like every read. A key listed but not found by its name had its name
      // altered in the file (to bytes that are not UTF-8, which read back as another name).
      KeyRecord record =
          keys.find(stored.name())
              .orElseThrow(
                  () ->
                      new KeyIntegrityException(
                          "key '"
                              + stored.name()
                              + "' is listed but cannot be read by its name: its row was"
                              + " altered outside the library"));
      infos.add(record.info());
    }
    return infos;
  }

  @Override
  public String cryptoProvider(Algorithm algorithm) {
    return unlocked
        .custody()
        .provider(InvalidArgumentException.requireNonNull(algorithm, "algorithm"));
  }

  @Override
  public byte[] randomBytes(int count) {
    checkOpen();
    if (count < 0 || count > MAX_RANDOM_BYTES) {
      throw new InvalidArgumentException("count must be 0.." + MAX_RANDOM_BYTES + ", not " + count);
    }
    return Randomness.bytes(count);
  }

  // ---------------------------------------------------------------- admin and audit

  @Override
  public HsmAdmin admin() {
    checkOpen();
    StoreSettings settings = settings();
    if (settings.hasAdmin()) {
      throw refused(
          AuditChain.ADMIN,
          "admin.login",
          null,
          0,
          new AdminAuthenticationException(
              "this store has an admin credential: use admin(credential)"));
    }
    return new DefaultHsmAdmin(this, settings);
  }

  @Override
  public HsmAdmin admin(char[] adminPassphrase) {
    checkOpen();
    if (adminPassphrase == null) {
      return admin();
    }
    StoreSettings settings = settings();
    if (settings.hasAdmin()
        && !Secrets.constantTimeEquals(
            adminVerifier(adminPassphrase, settings.adminKdf, settings.adminSalt),
            settings.adminVerifier)) {
      throw refused(
          AuditChain.ADMIN,
          "admin.login",
          null,
          0,
          new AdminAuthenticationException("the admin credential is wrong"));
    }
    return new DefaultHsmAdmin(this, settings);
  }

  static byte[] adminVerifier(char[] passphrase, String kdf, byte[] salt) {
    byte[] stretched = Unlocking.argon2(passphrase, kdf, salt);
    try {
      return Secrets.hkdf(stretched, salt, "dev.hsm/v1/admin-verifier");
    } finally {
      Secrets.wipe(stretched);
    }
  }

  /**
   * The authenticated settings, refused if the audit log records a later settings change: a MAC
   * cannot tell current settings from ones put back from an older copy of the file, but the log can
   * (removing that entry from the log breaks its chain, which {@code verify()} reports).
   */
  StoreSettings settings() {
    return StoreOpening.checkedSettings(store, unlocked.master());
  }

  @Override
  public AuditLog auditLog() {
    checkOpen();
    return new DefaultAuditLog(this);
  }

  /** Records a refused operation in the audit log and returns the exception to throw. */
  <E extends HsmException> E refused(
      String actor, String action, String keyName, int version, E refusal) {
    try {
      audit.record(actor, action, keyName, version, AuditChain.REFUSED, refusal.getMessage());
    } catch (RuntimeException auditFailed) {
      refusal.addSuppressed(auditFailed); // the refusal stands either way: fail closed
    }
    return refusal;
  }

  /**
   * Counts a refusal caused by unauthenticated input (a header naming a version that may not be
   * used, a context in the reserved namespace) and returns the exception to throw; the count
   * reaches the audit log at the next refresh or read of the log, one entry per kind of refusal,
   * not one synced write per call.
   */
  <E extends HsmException> E refusedForInput(
      String actor, String action, String keyName, int version, E refusal) {
    refusalsOfInput.count(actor, action, keyName, version, refusal.getMessage());
    return refusal;
  }

  /** Writes the refusals of input counted so far to the audit log. */
  void flushRefusals() {
    refusalsOfInput.flushTo(audit);
  }

  @Override
  public int applyDueChanges() {
    checkOpen();
    return writes.applyDueChanges();
  }

  // ---------------------------------------------------------------- parts

  /** The keys this client has loaded, and how they are read. */
  LoadedKeys keys() {
    return keys;
  }

  KeyRecordStore store() {
    return store;
  }

  Unlocked unlocked() {
    return unlocked;
  }

  /** Switches to a new master key and custody after a rotation; the old ones are closed. */
  void useUnlocked(Unlocked rotated) {
    Unlocked old = unlocked;
    unlocked = rotated;
    keys.invalidateAll(); // keys opened through the old custody are dropped before it closes
    old.close();
  }

  AuditChain audit() {
    return audit;
  }

  Maintenance maintenance() {
    return maintenance;
  }

  PolicyGate gate() {
    return gate;
  }

  KeyWrites writes() {
    return writes;
  }

  Clock clock() {
    return clock;
  }

  HsmConfig config() {
    return config;
  }

  /** The store's description, for messages. */
  String where() {
    return where;
  }

  /** Saves the usage counted since the last save. */
  void saveUsage() {
    usage.saveTo(store);
  }

  // ---------------------------------------------------------------- misc

  static void checkName(String name) {
    InvalidArgumentException.requireNonNull(name, "key name");
    if (!KEY_NAME.matcher(name).matches()) {
      throw new InvalidArgumentException(
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

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    maintenance.close();
    try {
      flushRefusals();
      saveUsage();
    } catch (RuntimeException e) {
      Maintenance.LOG.log(
          System.Logger.Level.WARNING,
          "could not save key usage counters or refusals for " + where,
          e);
    }
    keys.invalidateAll();
    try {
      store.close();
    } finally {
      unlocked.close();
    }
  }

  @Override
  public String storeDescription() {
    return where;
  }

  @Override
  public String toString() {
    return "HsmClient[" + where + (closed ? ", closed" : "") + "]";
  }
}
