package dev.hsm.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link KeyRecordStore} holds, as of one moment: what {@link
 * KeyRecordStore#snapshot()} reads and {@link KeyRecordStore#load} writes into an empty store, so a
 * whole store can be copied between any two backends with its keys still wrapped, its audit log
 * (and so its rollback anchors) intact, and its unlock slots keeping their ids.
 *
 * <p>The records are as the stores hold them: nothing here is unwrapped or checked. The engine
 * checks the copy when it opens it, as it checks any store.
 *
 * @param storeId the store's id
 * @param settings the store's settings, as last written
 * @param slots every unlock slot, in ascending order of id, each with its id
 * @param highestSlotId the highest slot id the store ever gave (at least that of every slot in
 *     {@code slots}): a store that loads these contents gives new slots higher ids, so an id is
 *     never reused in the copy either
 * @param keys every key with its versions, sorted by name
 * @param audit every audit entry, in ascending order of sequence number
 * @param usage usage counters: key name to operation name to count
 */
public record StoreContents(
    String storeId,
    String settings,
    List<StoredSlot> slots,
    long highestSlotId,
    List<StoredKey> keys,
    List<StoredAuditEntry> audit,
    Map<String, Map<String, Long>> usage) {

  /** Checks the fields and copies the lists and maps, so the record stays immutable. */
  public StoreContents {
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(settings, "settings");
    slots = List.copyOf(slots);
    keys = List.copyOf(keys);
    audit = List.copyOf(audit);
    Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
    usage.forEach(
        (key, counts) ->
            counters.put(key, Collections.unmodifiableMap(new LinkedHashMap<>(counts))));
    usage = Collections.unmodifiableMap(counters);
    for (StoredSlot slot : slots) {
      if (slot.id() <= 0 || slot.id() > highestSlotId) {
        throw new IllegalArgumentException(
            "slot id "
                + slot.id()
                + " must be positive and at most highestSlotId "
                + highestSlotId);
      }
    }
  }
}
