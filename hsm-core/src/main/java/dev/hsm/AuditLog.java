package dev.hsm;

import java.util.List;
import java.util.Map;

/**
 * The store's append-only audit log: every lifecycle and administrative act and every refused
 * operation, with who, what, which key and version, the outcome and the time. Each entry holds the
 * SHA-256 hash of the previous entry and its own fields, authenticated with a key kept wrapped
 * under the master key, so {@link #verify()} detects an edited, removed, inserted or reordered
 * entry.
 *
 * <p>The chain cannot tell whether entries were cut from its end together with a rollback of the
 * whole file; keep {@link #verify()}'s last sequence number and hash elsewhere if that matters.
 */
public interface AuditLog {

  /** Up to {@code limit} entries from sequence number {@code fromSequence} on, in order. */
  List<AuditEntry> entries(long fromSequence, int limit);

  /**
   * Checks the whole chain.
   *
   * @return the number of entries, all verified
   * @throws AuditLogIntegrityException naming the first entry that fails
   */
  long verify();

  /**
   * How often each key was used, per operation, as saved so far (counts are kept in memory and
   * saved every refresh interval and on close, not written per operation).
   */
  Map<String, Map<Operation, Long>> usage();
}
