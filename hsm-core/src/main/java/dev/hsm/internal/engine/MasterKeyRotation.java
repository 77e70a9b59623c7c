package dev.hsm.internal.engine;

import dev.hsm.InvalidArgumentException;
import dev.hsm.UnlockSecret;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.internal.protection.MasterKey;
import dev.hsm.internal.protection.Secrets;
import dev.hsm.internal.protection.StoreSettings;
import dev.hsm.internal.protection.Unlocking;
import dev.hsm.spi.CustodyRecord;
import dev.hsm.spi.KeyCustody;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredSlot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Master key rotation, for {@link DefaultHsmAdmin}: a new random master key; every unlock slot
 * resealed under it (each opened by one of the given secrets), every key's software-held material
 * rewrapped, the settings resealed, all in one write with one audit entry; then the engine switches
 * to it. A slot none of the secrets opens fails it before anything is written.
 */
final class MasterKeyRotation {
  private MasterKeyRotation() {}

  /**
   * Rotates the master key, as {@code HsmAdmin.rotateMasterKey} says, for an authorised session.
   */
  static void rotate(Engine engine, UnlockSecret... everySlotSecret) {
    engine.checkOpen();
    InvalidArgumentException.requireNonNull(everySlotSecret, "everySlotSecret");
    List<Unlocking.Secret> secrets = new ArrayList<>();
    for (UnlockSecret secret : everySlotSecret) {
      secrets.add(Unlocking.read(InvalidArgumentException.requireNonNull(secret, "secret")));
    }
    byte[] newMasterKey = Randomness.bytes(32);
    try {
      engine
          .writes()
          .withWriteLock(
              () -> {
                rewrapEverything(engine, secrets, newMasterKey);
                return null;
              });
    } finally {
      Secrets.wipe(newMasterKey);
      secrets.forEach(Unlocking.Secret::wipe);
    }
  }

  private static void rewrapEverything(
      Engine engine, List<Unlocking.Secret> secrets, byte[] newMasterKey) {
    Unlocked old = engine.unlocked();
    String storeId = old.storeId();
    List<StoredSlot> resealed = new ArrayList<>();
    for (StoredSlot slot : engine.store().unlockSlots()) {
      resealed.add(Unlocking.resealed(storeId, slot, opener(slot, secrets, storeId), newMasterKey));
    }
    Unlocked rotated = Unlocked.open(new MasterKey(storeId, newMasterKey), engine.config());
    long rewrittenBy;
    try {
      List<KeyRecord> records = new ArrayList<>();
      for (StoredKey stored : engine.store().listKeys()) {
        records.add(engine.keys().read(stored.name())); // checked against the log before resealing
      }
      StoreSettings settings = engine.settings();
      StoredAuditEntry entry =
          engine
              .audit()
              .next(
                  AuditChain.ADMIN,
                  "store.rotate-master-key",
                  null,
                  0,
                  AuditChain.OK,
                  records.size() + " keys, " + resealed.size() + " slots");
      Map<String, Long> revisions = new LinkedHashMap<>();
      List<StoredKey> rewrapped = new ArrayList<>();
      for (KeyRecord record : records) {
        revisions.put(record.name(), record.revision());
        // Every row is rewritten by this act, and names its entry.
        KeyRecord rewritten =
            rewrapped(record, old.custody(), rotated)
                .writtenAs(record.revision(), entry.sequence());
        rewrapped.add(rotated.master().seal(rewritten));
      }
      engine
          .store()
          .replaceAll(
              revisions,
              rewrapped,
              resealed,
              settings.stored(old.master()),
              settings
                  .rewrapped(old.master(), rotated.master())
                  .withSlots(resealed)
                  .withAuditSequence(entry.sequence())
                  .seal(rotated.master()),
              entry);
      rewrittenBy = entry.sequence();
    } catch (RuntimeException e) {
      rotated.close();
      throw e;
    }
    engine.keys().rewroteAllRows(rewrittenBy);
    engine.useUnlocked(rotated);
  }

  /** The secret among {@code secrets} that opens {@code slot}. */
  private static Unlocking.Secret opener(
      StoredSlot slot, List<Unlocking.Secret> secrets, String storeId) {
    for (Unlocking.Secret secret : secrets) {
      byte[] opened = Unlocking.tryOpen(storeId, slot, secret);
      if (opened != null) {
        Secrets.wipe(opened);
        return secret;
      }
    }
    throw new InvalidArgumentException(
        "unlock slot "
            + slot.id()
            + " ("
            + (slot.kind().equals(Unlocking.KEY_FILE) ? "key file" : "passphrase")
            + ") is opened by none of the given secrets; pass its secret or remove the slot"
            + " first. Nothing was changed.");
  }

  /** {@code record} with each version's custody record remade for the new master key. */
  private static KeyRecord rewrapped(KeyRecord record, KeyCustody previous, Unlocked rotated) {
    List<KeyRecord.VersionRecord> versions = new ArrayList<>();
    for (KeyRecord.VersionRecord v : record.versions()) {
      if (v.material() == null) {
        versions.add(v);
        continue;
      }
      CustodyRecord remade =
          rotated
              .custody()
              .rewrap(record.binding(rotated.storeId(), v.version()), v.custodyRecord(), previous);
      versions.add(v.withMaterial(remade.material()));
    }
    return record.withVersions(versions, record.primaryVersion());
  }
}
