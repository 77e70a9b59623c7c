package dev.hsm.internal.engine;

import dev.hsm.AuditEntry;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.observe.HsmObserver;
import dev.hsm.observe.KeyOperation;
import dev.hsm.observe.OperationListener;
import dev.hsm.observe.Outcome;
import dev.hsm.spi.StoredAuditEntry;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The config's {@link HsmObserver}s, for one client: it makes each key's listeners once (kept per
 * key name, shared by every handle of the key) and shields the client from what observers throw.
 * Exists only when at least one observer is set; without one the engine wraps nothing.
 */
final class Observers {
  private static final System.Logger LOG = System.getLogger("dev.hsm");

  /** A listener that hears nothing: for operations no observer wants. */
  static final OperationListener NONE = (started, outcome, nanos) -> {};

  /** Whether an observer failed before: only the first failure is logged as a warning. */
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final List<HsmObserver> observers;
  private final Map<String, AtomicReferenceArray<OperationListener>> byKey =
      new ConcurrentHashMap<>();

  private final boolean operations;

  private Observers(List<HsmObserver> observers) {
    this.observers = List.copyOf(observers);
    this.operations = observers.stream().anyMatch(HsmObserver::observesOperations);
  }

  /** Whether any observer hears operations: if none does, handles are not wrapped. */
  boolean observeOperations() {
    return operations;
  }

  /** The observers of {@code observers}, or {@code null} if there are none. */
  static Observers of(List<HsmObserver> observers) {
    return observers.isEmpty() ? null : new Observers(observers);
  }

  /** The key's listener slots, one per {@link KeyOperation}, filled on first use. */
  AtomicReferenceArray<OperationListener> listenersOf(String keyName) {
    return byKey.computeIfAbsent(
        keyName, name -> new AtomicReferenceArray<>(KeyOperation.values().length));
  }

  /** The listener for {@code operation} on {@code keyName}: every observer's, as one. */
  OperationListener listener(String keyName, KeyOperation operation) {
    OperationListener[] heard =
        observers.stream()
            .map(observer -> listenerOf(observer, keyName, operation))
            .filter(listener -> listener != null)
            .toArray(OperationListener[]::new);
    if (heard.length == 0) {
      return NONE;
    }
    return heard.length == 1 ? heard[0] : new Both(heard);
  }

  private static OperationListener listenerOf(
      HsmObserver observer, String keyName, KeyOperation operation) {
    try {
      return observer.operation(keyName, operation);
    } catch (RuntimeException e) {
      failedObserver("an HsmObserver failed to make a listener", e);
      return null;
    }
  }

  static Object started(OperationListener listener) {
    try {
      return listener.started();
    } catch (RuntimeException e) {
      failedObserver("an OperationListener failed", e);
      return null;
    }
  }

  /** Whether the listener wants this call timed; yes if it throws. */
  static boolean timeThisCall(OperationListener listener) {
    try {
      return listener.timeThisCall();
    } catch (RuntimeException e) {
      failedObserver("an OperationListener failed", e);
      return true;
    }
  }

  /**
   * Hands the outcome to the listener: with the time since {@code start} if the call was {@code
   * timed}, else {@link OperationListener#UNTIMED}.
   */
  static void completed(
      OperationListener listener, Object started, Outcome outcome, boolean timed, long start) {
    long nanos = timed ? System.nanoTime() - start : OperationListener.UNTIMED;
    try {
      listener.completed(started, outcome, nanos);
    } catch (RuntimeException e) {
      failedObserver("an OperationListener failed", e);
    }
  }

  /**
   * Logs what an observer threw: the first time as a warning with its stack trace, then at debug
   * level, so a broken observer cannot flood the log once per operation.
   */
  private static void failedObserver(String what, RuntimeException e) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, what + " (later failures are logged at DEBUG)", e);
    } else {
      LOG.log(System.Logger.Level.DEBUG, what, e);
    }
  }

  /** An audit entry the client committed. */
  void audited(StoredAuditEntry entry) {
    AuditEntry audited = AuditChain.toEntry(entry);
    String hash = HexFormat.of().formatHex(entry.hash());
    for (HsmObserver observer : observers) {
      try {
        observer.audited(audited, hash);
      } catch (RuntimeException e) {
        failedObserver("an HsmObserver failed on an audit entry", e);
      }
    }
  }

  /** Audit entries the client committed, in order. */
  void audited(List<StoredAuditEntry> entries) {
    for (StoredAuditEntry entry : entries) {
      audited(entry);
    }
  }

  void keyCacheHit() {
    for (HsmObserver observer : observers) {
      try {
        observer.keyCacheHit();
      } catch (RuntimeException e) {
        failedObserver("an HsmObserver failed", e);
      }
    }
  }

  void keyCacheMiss() {
    for (HsmObserver observer : observers) {
      try {
        observer.keyCacheMiss();
      } catch (RuntimeException e) {
        failedObserver("an HsmObserver failed", e);
      }
    }
  }

  /** Several observers' listeners of one key and operation. */
  private record Both(OperationListener[] listeners) implements OperationListener {
    @Override
    public Object started() {
      Object[] started = new Object[listeners.length];
      for (int i = 0; i < listeners.length; i++) {
        started[i] = Observers.started(listeners[i]);
      }
      return started;
    }

    /** Timed for all if any of them asks (each is asked, as it may sample). */
    @Override
    public boolean timeThisCall() {
      boolean any = false;
      for (OperationListener listener : listeners) {
        any |= Observers.timeThisCall(listener);
      }
      return any;
    }

    @Override
    public void completed(Object started, Outcome outcome, long nanos) {
      Object[] each = (Object[]) started;
      for (int i = 0; i < listeners.length; i++) {
        try {
          listeners[i].completed(each[i], outcome, nanos);
        } catch (RuntimeException e) {
          failedObserver("an OperationListener failed", e);
        }
      }
    }
  }
}
