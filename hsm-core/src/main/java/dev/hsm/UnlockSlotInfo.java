package dev.hsm;

import java.time.Instant;

/**
 * An unlock slot of the store, without its secret.
 *
 * @param id the slot's id, used to remove it
 * @param kind the kind of secret that opens it
 * @param createdAt when it was added
 */
public record UnlockSlotInfo(long id, UnlockSecret.Kind kind, Instant createdAt) {}
