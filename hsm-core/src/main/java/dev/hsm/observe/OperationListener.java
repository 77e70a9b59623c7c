package dev.hsm.observe;

/**
 * Hears one operation of one key (say {@code sign} on {@code invoices}); an {@link HsmObserver}
 * makes it once per key and operation, and the client keeps it, so a listener can hold its meters
 * ready and look nothing up per call. Called on the caller's thread: keep it short and never throw
 * (what it throws is dropped).
 */
public interface OperationListener {

  /**
   * Called before the operation runs; what it returns is handed to {@link #completed}. For a
   * tracing span or an observation scope; by default nothing (no allocation).
   */
  default Object started() {
    return null;
  }

  /**
   * Called once the operation returned or threw.
   *
   * @param started what {@link #started()} returned
   * @param outcome how it ended
   * @param nanos how long it took, from {@link System#nanoTime()}
   */
  void completed(Object started, Outcome outcome, long nanos);
}
