package dev.hsm.spi;

/**
 * An unlock slot: the store's master key wrapped under a key derived from one unlock secret.
 *
 * @param id assigned by the store: 0 in a slot being added; a slot read back, or resealed for
 *     {@link KeyRecordStore#replaceAll}, carries its id
 * @param kind how the secret is turned into a key, e.g. {@code passphrase-argon2id}
 * @param kdfParameters the derivation's parameters, as text
 * @param salt the derivation's salt
 * @param wrappedMasterKey nonce, ciphertext and tag of the master key
 * @param createdAtMillis creation time, epoch milliseconds
 */
public record StoredSlot(
    long id,
    String kind,
    String kdfParameters,
    byte[] salt,
    byte[] wrappedMasterKey,
    long createdAtMillis) {}
