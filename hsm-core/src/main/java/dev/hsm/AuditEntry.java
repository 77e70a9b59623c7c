package dev.hsm;

import java.time.Instant;

/**
 * One entry of the store's audit log. Immutable.
 *
 * @param sequence position in the log, from 1, without gaps
 * @param at when
 * @param actor {@code app} (application code) or {@code admin} (an admin session)
 * @param action what, e.g. {@code key.create}, {@code key.rotate}, {@code key.decrypt}
 * @param keyName the key concerned, or {@code null}
 * @param version the key version concerned, or 0
 * @param outcome {@code ok}, or {@code refused} for an operation that was not allowed
 * @param detail a short explanation, never secrets
 */
public record AuditEntry(
    long sequence,
    Instant at,
    String actor,
    String action,
    String keyName,
    int version,
    String outcome,
    String detail) {}
