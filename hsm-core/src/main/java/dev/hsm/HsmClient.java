package dev.hsm;

import dev.hsm.internal.engine.Engine;
import dev.hsm.spi.KeyRecordStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The entry point: an open, unlocked key store.
 *
 * <pre>{@code
 * try (HsmClient hsm = HsmClient.open(HsmConfig.sqlite(Path.of("app-hsm.db"))
 *         .passphraseFromEnv("HSM_PASSPHRASE"))) {
 *   KeyHandle signing = hsm.createKey("invoices", KeySpec.ecdsaP256());
 *   byte[] signature = signing.sign(data);
 *   signing.verify(data, signature);
 * }
 * }</pre>
 *
 * <p>A client is thread-safe; share one per store in an application. Keys are generated inside the
 * library and kept wrapped (encrypted) in the store; after first use each is cached unwrapped in
 * memory (a bounded cache, see {@link HsmConfig#cacheSize}) so operations do not touch the
 * database. {@link #close()} drops the cache and closes the store.
 */
public interface HsmClient extends AutoCloseable {

  /**
   * Opens the store named by {@code config}, creating and initialising it if the file does not
   * exist yet.
   *
   * @throws UnlockFailedException if the passphrase or key file does not unlock an existing store
   * @throws StoreException if the file cannot be opened or is not a key store
   */
  static HsmClient open(HsmConfig config) {
    return Engine.open(config);
  }

  /**
   * Generates a new key inside the store. The call returns once the key is durably stored.
   *
   * @throws KeyAlreadyExistsException if the name is taken
   * @throws InvalidArgumentException if the name is not 1-128 characters of {@code [A-Za-z0-9._-]}
   *     starting with a letter or digit
   */
  KeyHandle createKey(String name, KeySpec spec);

  /**
   * Returns the key named {@code name} if it exists with the same algorithm, modulus size,
   * operations and extractable flag as {@code spec}, or creates it if it does not. Safe to call at
   * every start-up, from several processes at once.
   *
   * @throws KeyAlreadyExistsException if a key of that name exists with a different spec
   */
  KeyHandle ensureKey(String name, KeySpec spec);

  /**
   * Imports existing key material as a new key, marked as imported. Same as {@code
   * admin().importKey(...)}: a store with an admin credential refuses it here ({@link
   * AdminAuthenticationException}); use {@code admin(credential).importKey(...)}. The material must
   * match {@code spec}'s algorithm (and RSA modulus size). A public key gives a key that can only
   * {@link Operation#VERIFY} or {@link Operation#ENCRYPT}; the spec's operations are narrowed
   * accordingly.
   *
   * @throws InvalidKeyMaterialException if the material is malformed or does not fit the spec
   * @throws KeyAlreadyExistsException if the name is taken
   */
  KeyHandle importKey(String name, KeySpec spec, KeyMaterial material);

  /**
   * The key named {@code name}, loaded (read, checked and unwrapped) into the cache if it is not
   * there yet. A cached key is returned without touching the database, so looking a key up per
   * request costs a map lookup.
   *
   * @throws KeyNotFoundException if there is none
   */
  KeyHandle key(String name);

  /** The key named {@code name}, or empty if there is none; loads it like {@link #key(String)}. */
  Optional<KeyHandle> findKey(String name);

  /**
   * Metadata of every key in the store, sorted by name. Reads the database.
   *
   * @throws KeyIntegrityException if a key's rows fail their integrity check (altered outside the
   *     library)
   */
  List<KeyInfo> listKeys();

  /**
   * An admin session for a store that has no admin credential.
   *
   * @throws AdminAuthenticationException if the store has one: use {@link #admin(char[])}
   */
  HsmAdmin admin();

  /**
   * An admin session, authorised by the store's admin credential (or any value, if the store has
   * none yet). A wrong credential is refused and recorded in the audit log.
   *
   * @throws AdminAuthenticationException if the credential is wrong
   */
  HsmAdmin admin(char[] adminPassphrase);

  /** The store's audit log. */
  AuditLog auditLog();

  /**
   * Applies what is due now: rotates keys whose rotation period has passed, rotates random-nonce
   * AEAD keys (AES-256-GCM, ChaCha20-Poly1305) whose primary version has made 2^30 encryptions,
   * counted across every process, and destroys versions whose waiting period is over. Also happens
   * on use and in the background; call it to be sure.
   *
   * @return how many changes were made
   */
  int applyDueChanges();

  /**
   * Restores a backup made by {@link HsmAdmin#backup} to {@code config}'s store path, which must
   * not exist yet, and opens it with {@code config}'s unlock secret. The whole file is checked
   * first (every page, every index against its table). If the restore fails, nothing is left
   * behind.
   *
   * @throws StoreException if the target exists, or the file is not a key store or is damaged
   * @throws UnlockFailedException if the secret does not open the backup
   */
  static HsmClient restoreBackup(Path backupFile, HsmConfig config) {
    return Engine.restoreBackup(backupFile, config);
  }

  /**
   * Copies the whole store {@code from} names into the empty store {@code to} opens, of any backend
   * (SQLite to PostgreSQL and back, or a backup file into PostgreSQL): opens {@code from}, runs
   * {@link HsmAdmin#copyTo} in an admin session, and closes it. Open the copy with the same unlock
   * secret: {@code HsmClient.open(from.withStore(to))}.
   *
   * <p>Copying is an administrative act: for a store with an admin credential, open it and call
   * {@code admin(credential).copyTo(to)} instead; here it is refused with {@link
   * AdminAuthenticationException}.
   *
   * @throws StoreException if the target is not empty, or the copy does not open and verify
   */
  static void copyStore(HsmConfig from, KeyRecordStore.Factory to) {
    try (HsmClient source = open(from)) {
      source.admin().copyTo(to);
    }
  }

  /**
   * What the store is, for logs and health checks: its factory's description, e.g. {@code SQLite
   * file /srv/app-hsm.db} or a PostgreSQL database and schema. Never a password.
   */
  default String storeDescription() {
    return toString();
  }

  /** {@code count} bytes from the library's CSPRNG. */
  byte[] randomBytes(int count);

  /**
   * Name and version of the JCA provider that runs {@code algorithm}'s operations in this client,
   * e.g. {@code "AmazonCorrettoCryptoProvider 2.5"} or {@code "BC 1.87"}; see {@link NativeCrypto}.
   * For logs, health checks and benchmarks.
   */
  String cryptoProvider(Algorithm algorithm);

  /** Drops cached keys and closes the store. Handles stop working. Idempotent. */
  @Override
  void close();
}
