package dev.hsm.observe;

import dev.hsm.AuditEntry;

/**
 * Watches a client: set on {@link dev.hsm.HsmConfig#observe(HsmObserver)}. Every method has a
 * default that does nothing, so an observer implements only what it needs. Called on the thread
 * that acted; an exception an observer throws is logged and dropped, never seen by the operation.
 *
 * <p>Cost: a client with no observer runs exactly as without this interface (its handles are not
 * wrapped). With one, each operation calls one {@link OperationListener}, made once per key and
 * operation and kept by the client (no map lookup by name per call), and reads {@link
 * System#nanoTime()} twice if the listener wants the call timed.
 */
public interface HsmObserver {

  /**
   * Whether this observer wants to hear operations ({@link #operation}). If no observer of a client
   * does, its handles are not wrapped at all and operations cost nothing more. Default true.
   */
  default boolean observesOperations() {
    return true;
  }

  /**
   * The listener for {@code operation} on the key {@code keyName}, or {@code null} to not hear it.
   * Called once per key and operation (rarely twice, if two threads race), not per call.
   */
  default OperationListener operation(String keyName, KeyOperation operation) {
    return null;
  }

  /**
   * An entry this client wrote to the audit log, once its transaction committed: lifecycle and
   * admin acts, and refusals (refusals caused by input, such as a header naming a disabled version,
   * are written in batches, one entry per kind, at the next refresh).
   *
   * @param entry the entry; {@link AuditEntry#sequence()} is its position in the chain
   * @param hash the entry's chain hash, in lower-case hex (64 characters)
   */
  default void audited(AuditEntry entry, String hash) {}

  /** An operation found its key unwrapped in the client's cache. */
  default void keyCacheHit() {}

  /** An operation had to read, check and unwrap its key from the store. */
  default void keyCacheMiss() {}
}
