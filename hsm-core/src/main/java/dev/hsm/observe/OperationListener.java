package dev.hsm.observe;

/**
 * Hears one operation of one key (say {@code sign} on {@code invoices}); an {@link HsmObserver}
 * makes it once per key and operation, and the client keeps it, so a listener can hold its meters
 * ready and look nothing up per call. Called on the caller's thread: keep it short and never throw
 * (what it throws is dropped).
 */
public interface OperationListener {

  /** The {@code nanos} that {@link #completed} hears for a call that was not timed. */
  long UNTIMED = -1;

  /**
   * Whether to time the call about to start; asked before each call. By default every call is
   * timed. Timing reads the clock twice, which costs tens of nanoseconds on some machines: a few
   * per cent of an AES-GCM encryption of 1 KiB. A listener that needs only the mean duration may
   * time a sample of the calls instead; the others are heard with {@link #UNTIMED}. (When a client
   * has several observers, a call is timed for all of them if one of them asks.)
   */
  default boolean timeThisCall() {
    return true;
  }

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
   * @param nanos how long it took, from {@link System#nanoTime()}; {@link #UNTIMED} if the call was
   *     not timed (see {@link #timeThisCall()})
   */
  void completed(Object started, Outcome outcome, long nanos);
}
