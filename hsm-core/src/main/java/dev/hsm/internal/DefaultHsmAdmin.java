package dev.hsm.internal;

import dev.hsm.Argon2Parameters;
import dev.hsm.HsmAdmin;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.UnlockSecret;
import dev.hsm.UnlockSlotInfo;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredSlot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An authorised admin session: every act is written with an {@code admin} audit entry. */
final class DefaultHsmAdmin implements HsmAdmin {
  private static final Duration MIN_WAITING_PERIOD = Duration.ofDays(1);

  private final SqliteHsmClient engine;

  DefaultHsmAdmin(SqliteHsmClient engine) {
    this.engine = engine;
  }

  @Override
  public KeyHandle importKey(String name, KeySpec spec, KeyMaterial material) {
    return engine.importAsAdmin(name, spec, material);
  }

  @Override
  public void scheduleDestruction(String keyName, int version, Duration waitingPeriod) {
    Objects.requireNonNull(waitingPeriod, "waitingPeriod");
    if (waitingPeriod.compareTo(MIN_WAITING_PERIOD) < 0) {
      throw new IllegalArgumentException(
          "the waiting period before destruction must be at least one day, not " + waitingPeriod);
    }
    long destroyAt = engine.clock().millis() + waitingPeriod.toMillis();
    engine.update(
        keyName,
        Audit.ADMIN,
        "key.schedule-destruction",
        version,
        "destroy at " + Instant.ofEpochMilli(destroyAt),
        current -> {
          KeyRecord.VersionRecord v = version(current, version, "key.schedule-destruction");
          if (version == current.primaryVersion()) {
            throw refuse(
                "key.schedule-destruction",
                current,
                version,
                "is the primary version; rotate first");
          }
          if (v.state() != KeyState.ENABLED && v.state() != KeyState.DISABLED) {
            throw refuse("key.schedule-destruction", current, version, "is " + v.state());
          }
          return current.withVersion(v.withState(KeyState.SCHEDULED_FOR_DESTRUCTION, destroyAt));
        });
  }

  @Override
  public void cancelDestruction(String keyName, int version) {
    engine.update(
        keyName,
        Audit.ADMIN,
        "key.cancel-destruction",
        version,
        "back to DISABLED",
        current -> {
          KeyRecord.VersionRecord v = version(current, version, "key.cancel-destruction");
          if (v.state() != KeyState.SCHEDULED_FOR_DESTRUCTION) {
            throw refuse(
                "key.cancel-destruction", current, version, "is " + v.state() + ", not scheduled");
          }
          return current.withVersion(v.withState(KeyState.DISABLED, 0));
        });
  }

  @Override
  public void setMinDecryptionVersion(String keyName, int minimum) {
    engine.update(
        keyName,
        Audit.ADMIN,
        "key.set-min-decryption-version",
        minimum,
        "minimum " + minimum,
        current -> {
          if (minimum < 1 || minimum > current.primaryVersion()) {
            throw new IllegalArgumentException(
                "the minimum decryption version of key '"
                    + keyName
                    + "' must be 1.."
                    + current.primaryVersion()
                    + ", not "
                    + minimum);
          }
          return current.withPolicy(current.enabled(), current.rotationPeriodSeconds(), minimum);
        });
  }

  @Override
  public void setRotationPeriod(String keyName, Duration period) {
    engine.update(
        keyName,
        Audit.ADMIN,
        "key.set-rotation-period",
        0,
        String.valueOf(period),
        current ->
            current.withPolicy(
                current.enabled(),
                current.spec().withRotationPeriod(period).rotationPeriod().getSeconds(),
                current.minDecryptionVersion()));
  }

  private KeyRecord.VersionRecord version(KeyRecord current, int version, String action) {
    KeyRecord.VersionRecord v = current.version(version);
    if (v == null) {
      throw engine.refused(
          Audit.ADMIN,
          action,
          current.name(),
          version,
          new dev.hsm.KeyNotFoundException(
              "key '" + current.name() + "' has no version " + version));
    }
    return v;
  }

  private OperationNotPermittedException refuse(
      String action, KeyRecord key, int version, String why) {
    return engine.refused(
        Audit.ADMIN,
        action,
        key.name(),
        version,
        new OperationNotPermittedException(
            "key '" + key.name() + "' version " + version + " " + why));
  }

  @Override
  public byte[] exportKey(String keyName, String transportPublicKeyPem) {
    return new KeyTransfer(engine).export(keyName, transportPublicKeyPem);
  }

  @Override
  public KeyHandle importExportedKey(String name, byte[] exported, String transportKeyName) {
    return new KeyTransfer(engine).importExported(name, exported, transportKeyName);
  }

  // ---------------------------------------------------------------- unlock slots

  @Override
  public List<UnlockSlotInfo> unlockSlots() {
    engine.checkOpen();
    List<UnlockSlotInfo> slots = new ArrayList<>();
    for (StoredSlot slot : engine.backend().unlockSlots()) {
      slots.add(
          new UnlockSlotInfo(
              slot.id(),
              slot.kind().equals(Unlocking.KEY_FILE)
                  ? UnlockSecret.Kind.KEY_FILE
                  : UnlockSecret.Kind.PASSPHRASE,
              Instant.ofEpochMilli(slot.createdAtMillis())));
    }
    return slots;
  }

  @Override
  public long addUnlockSlot(UnlockSecret secret) {
    engine.checkOpen();
    Objects.requireNonNull(secret, "secret");
    Unlocking.Secret read = Unlocking.read(secret);
    byte[] masterKey = engine.protection().masterKey();
    try {
      KeyProtection protection = engine.protection();
      StoredSlot slot = Unlocking.newSlot(protection.storeId(), read, masterKey, engine.clock());
      engine.withWriteLock(
          () -> {
            engine.settings(); // StoreException if another process rotated the master key
            engine
                .backend()
                .addSlot(
                    slot,
                    engine
                        .audit()
                        .next(Audit.ADMIN, "slot.add", null, 0, Audit.OK, read.description));
            return null;
          });
    } finally {
      KeyProtection.wipe(masterKey);
      read.wipe();
    }
    List<UnlockSlotInfo> slots = unlockSlots();
    return slots.get(slots.size() - 1).id();
  }

  @Override
  public void removeUnlockSlot(long id) {
    engine.checkOpen();
    engine.withWriteLock(
        () -> {
          List<StoredSlot> slots = engine.backend().unlockSlots();
          if (slots.stream().noneMatch(s -> s.id() == id)) {
            throw new IllegalArgumentException("the store has no unlock slot " + id);
          }
          if (slots.size() == 1) {
            throw engine.refused(
                Audit.ADMIN,
                "slot.remove",
                null,
                0,
                new OperationNotPermittedException(
                    "unlock slot " + id + " is the store's last; add another before removing it"));
          }
          engine
              .backend()
              .removeSlot(
                  id,
                  engine.audit().next(Audit.ADMIN, "slot.remove", null, 0, Audit.OK, "slot " + id));
          return null;
        });
  }

  // ---------------------------------------------------------------- master key

  @Override
  public void rotateMasterKey(UnlockSecret... everySlotSecret) {
    engine.checkOpen();
    List<Unlocking.Secret> secrets = new ArrayList<>();
    for (UnlockSecret secret : everySlotSecret) {
      secrets.add(Unlocking.read(Objects.requireNonNull(secret, "secret")));
    }
    byte[] newMasterKey = Randomness.bytes(32);
    try {
      engine.withWriteLock(
          () -> {
            rewrapEverything(secrets, newMasterKey);
            return null;
          });
    } finally {
      KeyProtection.wipe(newMasterKey);
      secrets.forEach(Unlocking.Secret::wipe);
    }
  }

  private void rewrapEverything(List<Unlocking.Secret> secrets, byte[] newMasterKey) {
    KeyProtection old = engine.protection();
    KeyProtection rotated = new KeyProtection(old.storeId(), newMasterKey);
    List<StoredSlot> resealed = new ArrayList<>();
    for (StoredSlot slot : engine.backend().unlockSlots()) {
      Unlocking.Secret opener = null;
      for (Unlocking.Secret secret : secrets) {
        byte[] opened = Unlocking.tryOpen(old.storeId(), slot, secret);
        if (opened != null) {
          KeyProtection.wipe(opened);
          opener = secret;
          break;
        }
      }
      if (opener == null) {
        throw new IllegalArgumentException(
            "unlock slot "
                + slot.id()
                + " ("
                + (slot.kind().equals(Unlocking.KEY_FILE) ? "key file" : "passphrase")
                + ") is opened by none of the given secrets; pass its secret or remove the slot"
                + " first. Nothing was changed.");
      }
      resealed.add(Unlocking.resealed(old.storeId(), slot, opener, newMasterKey));
    }
    Map<String, Long> revisions = new LinkedHashMap<>();
    List<StoredKey> rewrapped = new ArrayList<>();
    for (StoredKey stored : engine.backend().listKeys()) {
      KeyRecord record = old.open(stored);
      revisions.put(record.name(), record.revision());
      List<KeyRecord.VersionRecord> versions = new ArrayList<>();
      for (KeyRecord.VersionRecord v : record.versions()) {
        if (v.wrappedMaterial() == null) {
          versions.add(v);
          continue;
        }
        byte[] material =
            old.unwrap(
                v.wrappedMaterial(),
                old.materialAad(record, v.version()),
                "key '" + record.name() + "' version " + v.version());
        try {
          versions.add(
              v.withWrappedMaterial(
                  rotated.wrap(material, rotated.materialAad(record, v.version()))));
        } finally {
          KeyProtection.wipe(material);
        }
      }
      rewrapped.add(rotated.seal(record.withVersions(versions, record.primaryVersion())));
    }
    StoreSettings settings = engine.settings();
    StoredAuditEntry entry =
        engine
            .audit()
            .next(
                Audit.ADMIN,
                "store.rotate-master-key",
                null,
                0,
                Audit.OK,
                rewrapped.size() + " keys, " + resealed.size() + " slots");
    engine
        .backend()
        .replaceAll(
            revisions,
            rewrapped,
            resealed,
            settings.seal(old),
            settings.rewrapped(old, rotated).withAuditSequence(entry.sequence()).seal(rotated),
            entry);
    engine.useProtection(rotated);
  }

  // ---------------------------------------------------------------- admin credential, backup

  @Override
  public void setAdminPassphrase(char[] newAdminPassphrase) {
    setAdminPassphrase(newAdminPassphrase, Argon2Parameters.DEFAULT);
  }

  @Override
  public void setAdminPassphrase(char[] newAdminPassphrase, Argon2Parameters argon2) {
    engine.checkOpen();
    Objects.requireNonNull(newAdminPassphrase, "newAdminPassphrase");
    Objects.requireNonNull(argon2, "argon2");
    if (newAdminPassphrase.length == 0) {
      throw new IllegalArgumentException("the admin passphrase must not be empty");
    }
    byte[] salt = Randomness.bytes(16);
    String kdf = Unlocking.argon2Text(argon2);
    byte[] verifier = SqliteHsmClient.adminVerifier(newAdminPassphrase, kdf, salt);
    StoreSettings current = engine.settings();
    engine.updateSettings(current, current.withAdmin(kdf, salt, verifier), "admin.set-credential");
  }

  @Override
  public void backup(Path target) {
    engine.checkOpen();
    Objects.requireNonNull(target, "target");
    engine.backend().backupTo(target);
    engine.audit().record(Audit.ADMIN, "store.backup", null, 0, Audit.OK, target.toString());
  }
}
