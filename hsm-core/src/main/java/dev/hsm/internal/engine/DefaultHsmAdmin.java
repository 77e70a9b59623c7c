package dev.hsm.internal.engine;

import dev.hsm.AdminAuthenticationException;
import dev.hsm.Argon2Parameters;
import dev.hsm.HsmAdmin;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.UnlockSecret;
import dev.hsm.UnlockSlotInfo;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.internal.protection.MasterKey;
import dev.hsm.internal.protection.Secrets;
import dev.hsm.internal.protection.StoreSettings;
import dev.hsm.internal.protection.Unlocking;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredSlot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An authorised admin session: every act is written with an {@code admin} audit entry. A session is
 * bound to the admin credential it was granted under: once the credential is set or changed (by
 * this session or any other), every further act of the session is refused.
 */
final class DefaultHsmAdmin implements HsmAdmin {
  private static final Duration MIN_WAITING_PERIOD = Duration.ofDays(1);
  private static final Duration MAX_WAITING_PERIOD = Duration.ofDays(3650);

  private final Engine engine;
  private final StoreSettings grantedUnder;

  DefaultHsmAdmin(Engine engine, StoreSettings grantedUnder) {
    this.engine = engine;
    this.grantedUnder = grantedUnder;
  }

  /**
   * Refuses {@code act} if the admin credential changed since this session was granted; the refusal
   * is audited as {@code admin.session}, naming the act.
   */
  private void authorise(String act) {
    engine.checkOpen();
    StoreSettings now = engine.settings();
    if (!Arrays.equals(now.adminVerifier, grantedUnder.adminVerifier)
        || !Arrays.equals(now.adminSalt, grantedUnder.adminSalt)) {
      AdminAuthenticationException refusal =
          new AdminAuthenticationException(
              "the admin credential changed after this admin session began, so it cannot "
                  + act
                  + "; open a new session with admin(credential)");
      throw engine.refused(AuditChain.ADMIN, "admin.session", null, 0, refusal);
    }
  }

  @Override
  public KeyHandle importKey(String name, KeySpec spec, KeyMaterial material) {
    authorise("import a key");
    return engine.importAsAdmin(name, spec, material);
  }

  @Override
  public void scheduleDestruction(String keyName, int version, Duration waitingPeriod) {
    authorise("schedule a destruction");
    Engine.checkName(keyName);
    InvalidArgumentException.requireNonNull(waitingPeriod, "waitingPeriod");
    if (waitingPeriod.compareTo(MIN_WAITING_PERIOD) < 0
        || waitingPeriod.compareTo(MAX_WAITING_PERIOD) > 0) {
      throw new InvalidArgumentException(
          "the waiting period before destruction must be at least one day and at most 3650 days,"
              + " not "
              + waitingPeriod);
    }
    long destroyAt = engine.clock().millis() + waitingPeriod.toMillis();
    engine
        .writes()
        .update(
            keyName,
            AuditChain.ADMIN,
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
              return current.withVersion(
                  v.withState(KeyState.SCHEDULED_FOR_DESTRUCTION, destroyAt));
            });
  }

  @Override
  public void cancelDestruction(String keyName, int version) {
    authorise("cancel a destruction");
    Engine.checkName(keyName);
    engine
        .writes()
        .update(
            keyName,
            AuditChain.ADMIN,
            "key.cancel-destruction",
            version,
            "back to DISABLED",
            current -> {
              KeyRecord.VersionRecord v = version(current, version, "key.cancel-destruction");
              if (v.state() != KeyState.SCHEDULED_FOR_DESTRUCTION) {
                throw refuse(
                    "key.cancel-destruction",
                    current,
                    version,
                    "is " + v.state() + ", not scheduled");
              }
              return current.withVersion(v.withState(KeyState.DISABLED, 0));
            });
  }

  @Override
  public void setMinDecryptionVersion(String keyName, int minimum) {
    authorise("set a minimum decryption version");
    Engine.checkName(keyName);
    engine
        .writes()
        .update(
            keyName,
            AuditChain.ADMIN,
            "key.set-min-decryption-version",
            minimum,
            "minimum " + minimum,
            current -> {
              if (minimum < 1 || minimum > current.primaryVersion()) {
                throw new InvalidArgumentException(
                    "the minimum decryption version of key '"
                        + keyName
                        + "' must be 1.."
                        + current.primaryVersion()
                        + ", not "
                        + minimum);
              }
              return current.withPolicy(
                  current.enabled(), current.rotationPeriodSeconds(), minimum);
            });
  }

  @Override
  public void setRotationPeriod(String keyName, Duration period) {
    authorise("set a rotation period");
    Engine.checkName(keyName);
    InvalidArgumentException.requireNonNull(period, "period");
    engine
        .writes()
        .update(
            keyName,
            AuditChain.ADMIN,
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
          AuditChain.ADMIN,
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
        AuditChain.ADMIN,
        action,
        key.name(),
        version,
        new OperationNotPermittedException(
            "key '" + key.name() + "' version " + version + " " + why));
  }

  @Override
  public byte[] exportKey(String keyName, String transportPublicKeyPem, String signingKeyName) {
    authorise("export a key");
    Engine.checkName(keyName);
    Engine.checkName(signingKeyName);
    return new KeyTransfer(engine).export(keyName, transportPublicKeyPem, signingKeyName);
  }

  @Override
  public KeyHandle importExportedKey(
      String name, byte[] exported, String transportKeyName, String signerKeyName) {
    authorise("import an exported key");
    Engine.checkName(name);
    Engine.checkName(transportKeyName);
    Engine.checkName(signerKeyName);
    return new KeyTransfer(engine).importExported(name, exported, transportKeyName, signerKeyName);
  }

  // ---------------------------------------------------------------- unlock slots

  @Override
  public List<UnlockSlotInfo> unlockSlots() {
    authorise("list unlock slots");
    engine.checkOpen();
    List<UnlockSlotInfo> slots = new ArrayList<>();
    for (StoredSlot slot : engine.store().unlockSlots()) {
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
    authorise("add an unlock slot");
    InvalidArgumentException.requireNonNull(secret, "secret");
    Unlocking.Secret read = Unlocking.read(secret);
    MasterKey master = engine.unlocked().master();
    byte[] masterKey = master.copy();
    try {
      StoredSlot slot = Unlocking.newSlot(master.storeId(), read, masterKey, engine.clock());
      return engine
          .writes()
          .withWriteLock(
              () -> {
                // StoreException if another process rotated the master key
                StoreSettings settings = engine.settings();
                StoredAuditEntry entry =
                    engine
                        .audit()
                        .next(
                            AuditChain.ADMIN, "slot.add", null, 0, AuditChain.OK, read.description);
                List<StoredSlot> after = new ArrayList<>(engine.store().unlockSlots());
                after.add(slot);
                return engine
                    .store()
                    .addSlot(
                        slot,
                        settings.stored(master),
                        recordingSlots(settings, after, entry, master),
                        entry);
              });
    } finally {
      Secrets.wipe(masterKey);
      read.wipe();
    }
  }

  @Override
  public void removeUnlockSlot(long id) {
    authorise("remove an unlock slot");
    engine.checkOpen();
    engine
        .writes()
        .withWriteLock(
            () -> {
              List<StoredSlot> slots = engine.store().unlockSlots();
              if (slots.stream().noneMatch(s -> s.id() == id)) {
                throw new InvalidArgumentException("the store has no unlock slot " + id);
              }
              if (slots.size() == 1) {
                throw engine.refused(
                    AuditChain.ADMIN,
                    "slot.remove",
                    null,
                    0,
                    new OperationNotPermittedException(
                        "unlock slot "
                            + id
                            + " is the store's last; add another before removing it"));
              }
              StoreSettings settings = engine.settings();
              MasterKey master = engine.unlocked().master();
              StoredAuditEntry entry =
                  engine
                      .audit()
                      .next(AuditChain.ADMIN, "slot.remove", null, 0, AuditChain.OK, "slot " + id);
              List<StoredSlot> after = new ArrayList<>(slots);
              after.removeIf(slot -> slot.id() == id);
              engine
                  .store()
                  .removeSlot(
                      id,
                      settings.stored(master),
                      recordingSlots(settings, after, entry, master),
                      entry);
              return null;
            });
  }

  /**
   * The settings recording {@code slots} as the store's unlock slots, written with {@code entry}: a
   * removed slot put back by editing the store then no longer matches them, and the store refuses
   * to open.
   */
  private static String recordingSlots(
      StoreSettings settings, List<StoredSlot> slots, StoredAuditEntry entry, MasterKey master) {
    return settings.withSlots(slots).withAuditSequence(entry.sequence()).seal(master);
  }

  // ---------------------------------------------------------------- master key

  @Override
  public void rotateMasterKey(UnlockSecret... everySlotSecret) {
    authorise("rotate the master key");
    MasterKeyRotation.rotate(engine, everySlotSecret);
  }

  // ---------------------------------------------------------------- admin credential, backup

  @Override
  public void setAdminPassphrase(char[] newAdminPassphrase) {
    setAdminPassphrase(newAdminPassphrase, Argon2Parameters.DEFAULT);
  }

  @Override
  public void setAdminPassphrase(char[] newAdminPassphrase, Argon2Parameters argon2) {
    authorise("set the admin credential");
    engine.checkOpen();
    InvalidArgumentException.requireNonNull(newAdminPassphrase, "newAdminPassphrase");
    InvalidArgumentException.requireNonNull(argon2, "argon2");
    if (newAdminPassphrase.length == 0) {
      throw new InvalidArgumentException("the admin passphrase must not be empty");
    }
    byte[] salt = Randomness.bytes(16);
    String kdf = Unlocking.argon2Text(argon2);
    byte[] verifier = Engine.adminVerifier(newAdminPassphrase, kdf, salt);
    StoreSettings current = engine.settings();
    engine
        .writes()
        .updateSettings(current, current.withAdmin(kdf, salt, verifier), "admin.set-credential");
  }

  @Override
  public void copyTo(KeyRecordStore.Factory target) {
    authorise("copy the store");
    InvalidArgumentException.requireNonNull(target, "target");
    StoreCopy.copy(engine, target);
    engine
        .audit()
        .record(AuditChain.ADMIN, "store.copy", null, 0, AuditChain.OK, target.description());
  }

  @Override
  public void backup(Path target) {
    authorise("back up the store");
    engine.checkOpen();
    InvalidArgumentException.requireNonNull(target, "target");
    if (target.getFileName() == null || target.toString().isEmpty()) {
      throw new InvalidArgumentException(
          "the backup target must name a file, not '" + target + "'");
    }
    engine.store().backupTo(target);
    engine
        .audit()
        .record(AuditChain.ADMIN, "store.backup", null, 0, AuditChain.OK, target.toString());
  }
}
