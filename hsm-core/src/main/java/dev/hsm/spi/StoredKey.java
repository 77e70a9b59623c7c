package dev.hsm.spi;

import java.util.List;

/**
 * A key row as the store holds it: plain columns, not yet checked. The engine verifies {@code
 * rowMac} before it trusts any of them, so a store must return exactly what it was given. No field
 * is {@code null}.
 *
 * @param name unique key name, compared exactly (case-sensitive)
 * @param algorithm the algorithm's enum name
 * @param rsaModulusBits RSA modulus size, or 0
 * @param operations comma-separated operation names
 * @param extractable the extractable flag
 * @param imported whether the first version's material was imported
 * @param materialForm the material's encoding (a {@code KeyMaterial.Form} name)
 * @param labels labels as a JSON object
 * @param primaryVersion the version new outputs use
 * @param createdAtMillis creation time, epoch milliseconds
 * @param enabled whether the key as a whole is enabled
 * @param rotationPeriodSeconds automatic rotation period, 0 for none
 * @param minDecryptionVersion the oldest version that may still decrypt and verify
 * @param revision incremented by every change, for optimistic concurrency between processes
 * @param auditSequence the sequence number of the audit entry written with this row's last change:
 *     the engine checks it against the log, so a row put back from an older copy of the store is
 *     refused
 * @param rowMac the engine's MAC over all the columns above
 * @param versions the key's versions; a store returns them in ascending order of version
 */
public record StoredKey(
    String name,
    String algorithm,
    int rsaModulusBits,
    String operations,
    boolean extractable,
    boolean imported,
    String materialForm,
    String labels,
    int primaryVersion,
    long createdAtMillis,
    boolean enabled,
    long rotationPeriodSeconds,
    int minDecryptionVersion,
    long revision,
    long auditSequence,
    byte[] rowMac,
    List<StoredKeyVersion> versions) {

  /** Copies the version list so the record stays immutable. */
  public StoredKey {
    versions = List.copyOf(versions);
  }
}
