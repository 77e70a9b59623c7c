package dev.hsm.spi;

/**
 * One version of a key as the store holds it.
 *
 * @param version version number, from 1
 * @param state the version's state name (a {@code KeyState} name; a store looks for {@code
 *     SCHEDULED_FOR_DESTRUCTION} in {@link KeyRecordStore#keysWithDueChanges})
 * @param createdAtMillis creation time, epoch milliseconds
 * @param destroyAtMillis when the version is or was to be destroyed, epoch milliseconds; 0 if not
 *     scheduled
 * @param publicKey SubjectPublicKeyInfo DER for asymmetric keys, else {@code null}
 * @param material what the key custody keeps for this version: the material wrapped (encrypted and
 *     authenticated) under the store's master key for software custody, or a reference to a token
 *     object; never material in clear; {@code null} once destroyed
 * @param certificateChain the X.509 certificate chain attached to this version (the certificates'
 *     DER, leaf first, one after the other), or {@code null} if none; public, but integrity-
 *     protected like every column: a store keeps it byte for byte
 * @param rowMac the engine's MAC over the key name, the key's revision and all the columns above
 */
public record StoredKeyVersion(
    int version,
    String state,
    long createdAtMillis,
    long destroyAtMillis,
    byte[] publicKey,
    byte[] material,
    byte[] certificateChain,
    byte[] rowMac) {

  /** A version without a certificate chain. */
  public StoredKeyVersion(
      int version,
      String state,
      long createdAtMillis,
      long destroyAtMillis,
      byte[] publicKey,
      byte[] material,
      byte[] rowMac) {
    this(version, state, createdAtMillis, destroyAtMillis, publicKey, material, null, rowMac);
  }
}
