package dev.hsm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Administrative acts, like a PKCS#11 security officer session. Obtained from {@link
 * HsmClient#admin(char[])} with the store's admin credential, or from {@link HsmClient#admin()} for
 * a store that has none. Every act is recorded in the audit log.
 */
public interface HsmAdmin {

  /** Like {@link HsmClient#importKey}, as an admin. */
  KeyHandle importKey(String name, KeySpec spec, KeyMaterial material);

  /**
   * Schedules a key version for destruction after {@code waitingPeriod} (at least one day). Until
   * then it cannot be used and the destruction can be cancelled; afterwards its material is gone
   * and only a tombstone remains. The primary version cannot be scheduled; rotate first.
   */
  void scheduleDestruction(String keyName, int version, Duration waitingPeriod);

  /** The default waiting period before a scheduled destruction: 30 days, as in AWS KMS. */
  Duration DEFAULT_DESTRUCTION_WAITING_PERIOD = Duration.ofDays(30);

  /**
   * {@link #scheduleDestruction(String, int, Duration)} with the default waiting period of {@link
   * #DEFAULT_DESTRUCTION_WAITING_PERIOD}.
   */
  default void scheduleDestruction(String keyName, int version) {
    scheduleDestruction(keyName, version, DEFAULT_DESTRUCTION_WAITING_PERIOD);
  }

  /** Cancels a scheduled destruction; the version becomes {@link KeyState#DISABLED}. */
  void cancelDestruction(String keyName, int version);

  /**
   * Refuses decryption and verification with versions older than {@code version} from now on
   * ({@link VersionBelowMinimumException}); re-encrypt old ciphertexts first with {@link
   * KeyHandle#reencrypt}.
   */
  void setMinDecryptionVersion(String keyName, int version);

  /** Sets the automatic rotation period of a key; {@link Duration#ZERO} turns it off. */
  void setRotationPeriod(String keyName, Duration period);

  /**
   * Exports every version of an extractable key, encrypted for another store's RSA-OAEP key (given
   * as its PEM public key): an ephemeral AES-256 key is encrypted with RSA-OAEP, and the key's
   * metadata and material with AES-256-GCM under it.
   *
   * @throws KeyNotExtractableException if the key is not extractable
   */
  byte[] exportKey(String keyName, String transportPublicKeyPem);

  /**
   * Imports a key exported by {@link #exportKey}, decrypting it with this store's RSA-OAEP key
   * {@code transportKeyName}; the key keeps its versions, states and attributes.
   */
  KeyHandle importExportedKey(String name, byte[] exported, String transportKeyName);

  /** The store's unlock slots. */
  List<UnlockSlotInfo> unlockSlots();

  /** Adds an unlock slot for {@code secret}, without rewrapping any key; returns its id. */
  long addUnlockSlot(UnlockSecret secret);

  /**
   * Removes an unlock slot (to change a passphrase, add the new one first). The last slot cannot be
   * removed.
   */
  void removeUnlockSlot(long id);

  /**
   * Replaces the master key with a new random one and rewraps every key version and unlock slot in
   * one transaction. Each slot must be resealed under the new master key, so pass the secret of
   * every slot (the one this client was opened with included); a slot left uncovered fails the call
   * before anything changes. Other processes that have the store open must reopen it.
   */
  void rotateMasterKey(UnlockSecret... everySlotSecret);

  /** Sets or changes the admin credential; from now on admin acts need it. */
  void setAdminPassphrase(char[] newAdminPassphrase);

  /** {@link #setAdminPassphrase(char[])} with a chosen Argon2id cost. */
  void setAdminPassphrase(char[] newAdminPassphrase, Argon2Parameters argon2);

  /**
   * Writes a consistent copy of the whole store to {@code target} (a new file) while the
   * application keeps running. Restore it with {@link HsmClient#restoreBackup}.
   */
  void backup(Path target);
}
