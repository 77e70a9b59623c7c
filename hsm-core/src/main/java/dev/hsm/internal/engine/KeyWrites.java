package dev.hsm.internal.engine;

import dev.hsm.Algorithm;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.Operation;
import dev.hsm.StoreException;
import dev.hsm.WrongKeyTypeException;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.internal.protection.StoreSettings;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.CustodyRecord;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.VersionBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Every change to the store, each with its audit entry in the same transaction: new keys (group
 * committed), read-modify-write changes to one key (retried when another client wrote first),
 * rotations, scheduled destructions and settings. One write lock per client orders its own writers;
 * the audit log's sequence orders writers across clients.
 */
final class KeyWrites {
  private static final int MAX_WRITE_ATTEMPTS = 100;

  private final Engine engine;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final GroupCommit newKeys;

  KeyWrites(Engine engine) {
    this.engine = engine;
    this.newKeys = new GroupCommit(engine, writeLock);
  }

  /**
   * A new key's record, its version 1 made by {@code material} (the custody generating or taking in
   * the key for the version's binding).
   */
  KeyRecord newRecord(
      Unlocked with,
      String name,
      KeySpec spec,
      Set<Operation> operations,
      KeyMaterial.Form form,
      boolean imported,
      Function<VersionBinding, CustodyRecord> material) {
    long now = engine.clock().millis();
    KeyRecord record =
        new KeyRecord(
            name,
            spec.algorithm(),
            spec.rsaModulusBits(),
            operations,
            spec.extractable(),
            imported,
            form,
            spec.labels(),
            1,
            now,
            true,
            spec.rotationPeriod().getSeconds(),
            1,
            1,
            0, // the audit entry that stores it is chained when it is written
            List.of());
    CustodyRecord held = material.apply(record.binding(with.storeId(), 1));
    return record.withVersions(
        List.of(
            new KeyRecord.VersionRecord(
                1, KeyState.ENABLED, now, 0, held.publicKey(), held.material())),
        1);
  }

  /**
   * Stores a new key with its audit entry, durably; concurrent calls share one transaction (see
   * {@link GroupCommit}).
   *
   * @param with this client's master key and custody as read before {@code record}'s material was
   *     made: if the master key is rotated before the key is stored, it is refused rather than
   *     stored under the old one
   */
  void insert(Unlocked with, KeyRecord record, String actor, String action) {
    insert(with, record, actor, action, record.algorithm().name());
  }

  /** {@link #insert(Unlocked, KeyRecord, String, String)} with the audit entry's detail. */
  void insert(Unlocked with, KeyRecord record, String actor, String action, String detail) {
    engine.keys().checkNew(record.name()); // a name whose rows were deleted is not taken over
    newKeys.insert(new GroupCommit.Request(with, record, actor, action, detail));
  }

  /** Runs a write under this client's write lock, retrying when another process wrote first. */
  <T> T withWriteLock(Supplier<T> write) {
    writeLock.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          return write.get();
        } catch (ConcurrentUpdateException e) {
          if (attempt >= MAX_WRITE_ATTEMPTS) {
            throw new StoreException(
                "gave up writing to "
                    + engine.where()
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
    engine.checkOpen();
    try {
      return withWriteLock(
          () -> {
            KeyRecord current = engine.keys().read(name);
            KeyRecord changed = change.apply(current);
            if (changed == current) {
              return current;
            }
            // A change that adds a primary version (a rotation) names it in its entry.
            int auditVersion =
                version == 0 && changed.primaryVersion() != current.primaryVersion()
                    ? changed.primaryVersion()
                    : version;
            StoredAuditEntry entry =
                engine.audit().next(actor, action, name, auditVersion, AuditChain.OK, detail);
            // The rows name their entry: older rows put back later are told apart by it.
            changed = changed.writtenAs(current.revision() + 1, entry.sequence());
            engine
                .store()
                .updateKey(engine.unlocked().master().seal(changed), current.revision(), entry);
            return changed;
          });
    } finally {
      // Also when the write failed: a store that lost its connection while committing cannot say
      // whether the change was made, and this client's own writes do not move its data version.
      engine.keys().invalidate(name);
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
                throw new WrongKeyTypeException(
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
    Unlocked with = engine.unlocked();
    CustodyRecord held = with.custody().generate(current.binding(with.storeId(), next));
    List<KeyRecord.VersionRecord> versions = new ArrayList<>(current.versions());
    versions.add(
        new KeyRecord.VersionRecord(
            next, KeyState.ENABLED, engine.clock().millis(), 0, held.publicKey(), held.material()));
    return current.withVersions(versions, next);
  }

  /** Rotates the key if its period has passed (another thread may have done it already). */
  LoadedKey rotateIfDue(String name) {
    rotateDue(name);
    return engine.keys().loaded(name);
  }

  /** Rotates the key if its period has passed; whether this call made the rotation. */
  private boolean rotateDue(String name) {
    boolean[] rotated = {false};
    update(
        name,
        AuditChain.APP,
        "key.rotate",
        0,
        "automatic: rotation period passed",
        current -> {
          // Decided on the rows as read in the write (again, if another client wrote first).
          rotated[0] = engine.clock().millis() >= current.rotationDueAtMillis();
          return rotated[0] ? withNewVersion(current) : current;
        });
    return rotated[0];
  }

  /**
   * Destroys the versions of {@code name} whose waiting period is over: the store drops their
   * material first, then the custody destroys what it holds.
   */
  int destroyDue(String name) {
    int destroyed = 0;
    for (KeyRecord.VersionRecord due : engine.keys().read(name).versions()) {
      if (due.state() != KeyState.SCHEDULED_FOR_DESTRUCTION
          || due.destroyAtMillis() > engine.clock().millis()) {
        continue;
      }
      KeyRecord[] before = {null};
      update(
          name,
          AuditChain.APP,
          "key.destroy",
          due.version(),
          "scheduled destruction reached",
          current -> {
            before[0] = null; // the change is retried if another process wrote meanwhile
            KeyRecord.VersionRecord v = current.version(due.version());
            if (v == null
                || v.state() != KeyState.SCHEDULED_FOR_DESTRUCTION
                || v.destroyAtMillis() > engine.clock().millis()) {
              return current;
            }
            before[0] = current;
            return current.withVersion(v.withState(KeyState.DESTROYED, v.destroyAtMillis()));
          });
      if (before[0] != null) {
        Unlocked with = engine.unlocked();
        with.custody()
            .destroy(
                before[0].binding(with.storeId(), due.version()),
                before[0].version(due.version()).custodyRecord());
        destroyed++;
      }
    }
    return destroyed;
  }

  /**
   * How many messages one version of a random-nonce AEAD key encrypts before it is rotated: well
   * below the 2^32 that NIST SP 800-38D allows with random 96-bit nonces, so that the counts of
   * several processes, saved a second late and checked once a minute, cannot reach it.
   */
  static final long ENCRYPTIONS_PER_VERSION = 1L << 30;

  /** Whether {@code algorithm} draws a random 96-bit nonce per message. */
  static boolean hasRandomNonces(Algorithm algorithm) {
    return algorithm == Algorithm.AES_256_GCM || algorithm == Algorithm.CHACHA20_POLY1305;
  }

  /**
   * Rotates the keys whose primary version has made {@link #ENCRYPTIONS_PER_VERSION} encryptions,
   * counted across every client through the stored usage counters.
   */
  private int rotateWornOutVersions() {
    engine.saveUsage();
    int rotated = 0;
    for (var key : engine.store().usage().entrySet()) {
      for (var count : key.getValue().entrySet()) {
        if (!count.getKey().startsWith(UsageCounters.VERSION_ENCRYPTIONS)
            || count.getValue() < ENCRYPTIONS_PER_VERSION) {
          continue;
        }
        int version =
            Integer.parseInt(count.getKey().substring(UsageCounters.VERSION_ENCRYPTIONS.length()));
        KeyRecord before = engine.keys().read(key.getKey());
        KeyRecord after =
            update(
                key.getKey(),
                AuditChain.APP,
                "key.rotate",
                0,
                "automatic: version "
                    + version
                    + " made "
                    + count.getValue()
                    + " encryptions with random nonces",
                current -> current.primaryVersion() == version ? withNewVersion(current) : current);
        rotated += after.primaryVersion() != before.primaryVersion() ? 1 : 0;
      }
    }
    return rotated;
  }

  /** Rotations and destructions that are due now; see {@code HsmClient.applyDueChanges}. */
  int applyDueChanges() {
    int changes = rotateWornOutVersions();
    for (String name : engine.store().keysWithDueChanges(engine.clock().millis())) {
      // Counted only if this client made it: another one may have, between our reads.
      changes += rotateDue(name) ? 1 : 0;
      changes += destroyDue(name);
    }
    return changes;
  }

  /** Replaces the settings (if unchanged since {@code expected}) with an audit entry. */
  void updateSettings(StoreSettings expected, StoreSettings updated, String action) {
    withWriteLock(
        () -> {
          var master = engine.unlocked().master();
          StoredAuditEntry entry =
              engine.audit().next(AuditChain.ADMIN, action, null, 0, AuditChain.OK, "");
          engine
              .store()
              .updateSettings(
                  expected.stored(master),
                  updated.withAuditSequence(entry.sequence()).seal(master),
                  entry);
          return null;
        });
  }

  /**
   * How many new keys wait to be written (for tests that line callers up behind the write lock: all
   * of them go in the next batch).
   */
  int keysWaiting() {
    return newKeys.waiting();
  }

  /** How many transactions have stored new keys so far (for tests of group commit). */
  long keyTransactions() {
    return newKeys.transactions();
  }
}
