package dev.hsm.spi;

import java.util.List;

/**
 * New keys and their audit entries, for {@link KeyRecordStore#insertKeysAfterHead}: {@code
 * audit.get(i)} belongs to {@code keys.get(i)}, and the entries follow each other in order.
 *
 * @param keys the keys with their versions; empty when there is nothing to write
 * @param audit one entry per key
 */
public record NewKeys(List<StoredKey> keys, List<StoredAuditEntry> audit) {
  /** Copies both lists, which must be of one size. */
  public NewKeys {
    keys = List.copyOf(keys);
    audit = List.copyOf(audit);
    if (keys.size() != audit.size()) {
      throw new IllegalArgumentException(keys.size() + " keys but " + audit.size() + " entries");
    }
  }
}
