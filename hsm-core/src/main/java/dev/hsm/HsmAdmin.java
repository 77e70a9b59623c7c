package dev.hsm;

import dev.hsm.spi.KeyRecordStore;
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
   * Exports every version of an extractable key for another store: encrypted for that store's
   * transport key (RSA-OAEP, or post-quantum), and signed by one of this store's signing keys so
   * that the other store can check who made it. An ephemeral AES-256 key is encrypted under the
   * transport key (RSA-OAEP, or HPKE with ML-KEM), the key's attributes and material with
   * AES-256-GCM under it, and the primary version of {@code signingKeyName} signs every byte of the
   * export but the signature (the transport key's id, the encrypted ephemeral key and payload
   * included), so nothing in it can be changed or swapped. The layout is in {@code docs/FORMATS.md}
   * ("Exported keys").
   *
   * <p>Give the destination's admin the signing key's {@link KeyHandle#publicKeyPem()} once, out of
   * band; they import it as the key they trust for imports from this store (see {@link
   * #importExportedKey}).
   *
   * @param keyName the extractable key to export
   * @param transportPublicKeyPem the destination's {@link Algorithm#RSA_OAEP_SHA256}, {@link
   *     Algorithm#ML_KEM_768_X25519} or {@link Algorithm#ML_KEM_1024} key, as its {@link
   *     KeyHandle#publicKeyPem()} (a post-quantum one keeps the export closed to a future quantum
   *     computer)
   * @param signingKeyName a signature key of this store (ECDSA, Ed25519, RSA PKCS#1 or PSS, ML-DSA,
   *     HashML-DSA, SLH-DSA) whose policy allows {@link Operation#SIGN}
   * @return the export, to hand to the destination's admin; it holds no key material in clear
   * @throws KeyNotExtractableException if the key is not extractable
   * @throws InvalidKeyMaterialException if the transport key is not a public key PEM of RSA (at
   *     least 2048 bits), ML_KEM_768_X25519 or ML_KEM_1024
   * @throws WrongKeyTypeException if {@code signingKeyName} is not a signature key
   * @throws OperationNotPermittedException if its policy does not allow signing
   * @throws KeyDisabledException if it, or its primary version, is disabled
   */
  byte[] exportKey(String keyName, String transportPublicKeyPem, String signingKeyName);

  /**
   * Imports a key exported by {@link #exportKey}, once it has shown who made it: the export must be
   * signed by an enabled version of {@code signerKeyName}, with that key's algorithm, and made for
   * a version of {@code transportKeyName}. Only then does the transport key decrypt the ephemeral
   * key, and the key is stored with its versions, states and attributes, marked imported. A refused
   * import stores nothing and is written to the audit log.
   *
   * <p>{@code signerKeyName} is this store's key holding the exporter's public key, usually
   * imported once from the exporting store's {@code publicKeyPem()} as a verify-only key: {@code
   * importKey("from-a", KeySpec.ecdsaP256().withOperations(Operation.VERIFY),
   * KeyMaterial.publicKeyPem(pem))}. While it is disabled, every import that names it is refused.
   *
   * @param name the name of the new key in this store
   * @param exported the bytes {@link #exportKey} returned
   * @param transportKeyName this store's {@link Algorithm#RSA_OAEP_SHA256}, {@link
   *     Algorithm#ML_KEM_768_X25519} or {@link Algorithm#ML_KEM_1024} key the export was made for;
   *     its policy must allow {@link Operation#DECRYPT}
   * @param signerKeyName this store's signature key that the exporter's signature must verify with;
   *     its policy must allow {@link Operation#VERIFY}
   * @throws VerificationFailedException if the export's origin cannot be verified: it is not an
   *     export, is malformed, truncated or extended, is in format version 1 (which carries no
   *     signature: export the key again), is signed by another key or with another algorithm, or
   *     was altered anywhere
   * @throws InvalidCiphertextException if it is genuinely signed but made for another transport
   *     key, or does not decrypt
   * @throws WrongKeyTypeException if the transport key is not an encryption key or the signer key
   *     is not a signature key
   * @throws KeyDisabledException if either key, or the version the export names, is disabled
   * @throws KeyAlreadyExistsException if {@code name} is taken
   */
  KeyHandle importExportedKey(
      String name, byte[] exported, String transportKeyName, String signerKeyName);

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
   * application keeps running. Restore it with {@link HsmClient#restoreBackup}. Every built-in
   * store writes the same format, an SQLite store file (a PostgreSQL store too), so a backup of any
   * of them restores into an SQLite store, or is copied into any store with {@link
   * HsmClient#copyStore}.
   */
  void backup(Path target);

  /**
   * Copies the whole store, as of one moment and while the application keeps running, into the
   * empty store {@code target} opens, of any backend: SQLite to PostgreSQL and back. Keys stay
   * wrapped; the copy has the same store id, master key, unlock slots (so it opens with the same
   * secrets), admin credential, keys, audit log and usage counters. The source is checked first
   * (its audit chain and every key's rows) and the copy after, by opening it with this client's
   * unlock secret; the act is recorded in this store's audit log as {@code store.copy}.
   *
   * <p>Afterwards the two stores are independent: changes to one do not reach the other.
   *
   * @throws StoreException if the target is not empty (it is left as it was) or cannot take a copy,
   *     or if the copy does not open and verify
   * @throws AuditLogIntegrityException if this store's audit chain is broken (nothing is copied)
   * @throws KeyIntegrityException if a key's rows fail their checks (nothing is copied)
   */
  void copyTo(KeyRecordStore.Factory target);
}
