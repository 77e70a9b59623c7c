package dev.hsm.spi;

/**
 * What a {@link KeyCustody} keeps in the key-record store for one key version.
 *
 * @param material wrapped material (software custody: encrypted and authenticated under the store's
 *     master key) or a reference to the material held elsewhere (a token object's id); never
 *     material in clear
 * @param publicKey the public key as X.509 SubjectPublicKeyInfo DER for asymmetric keys, else
 *     {@code null}; kept beside the material so public keys export without the custody
 */
public record CustodyRecord(byte[] material, byte[] publicKey) {}
