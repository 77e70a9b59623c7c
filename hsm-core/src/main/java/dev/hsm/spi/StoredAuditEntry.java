package dev.hsm.spi;

/**
 * One audit log entry as stored. The engine chains entries by hash and authenticates each; the
 * store only appends and returns them. Only {@code keyName} may be {@code null}.
 *
 * @param sequence position in the log, from 1, without gaps (the engine numbers entries; a store
 *     refuses a number it holds already, see {@link KeyRecordStore})
 * @param atMillis when, epoch milliseconds
 * @param actor who: {@code app} or {@code admin}
 * @param action what, e.g. {@code key.create}, {@code key.rotate}, {@code admin.login}
 * @param keyName the key concerned, or {@code null}
 * @param version the key version concerned, or 0
 * @param outcome {@code ok} or {@code refused}
 * @param detail a short free-text detail (never secrets), {@code ""} for none
 * @param hash SHA-256 over the previous entry's hash and this entry's fields
 * @param mac HMAC over {@code hash} with a key derived from the master key
 */
public record StoredAuditEntry(
    long sequence,
    long atMillis,
    String actor,
    String action,
    String keyName,
    int version,
    String outcome,
    String detail,
    byte[] hash,
    byte[] mac) {}
