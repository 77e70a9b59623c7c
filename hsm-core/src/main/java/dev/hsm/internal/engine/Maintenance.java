package dev.hsm.internal.engine;

import dev.hsm.internal.protection.AuditChain;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoredAuditEntry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One background thread per client. Every refresh interval it notices other clients' changes and
 * drops exactly the keys they changed from the cache, saves usage counters, and now and then
 * applies due rotations and destructions. Operations never wait for it.
 *
 * <p>Which keys changed is read from the audit log: every change to a key is written in the same
 * transaction as an audit entry naming it, so the entries after the last one seen name every key
 * changed since. The store's {@link KeyRecordStore#dataVersion()} says cheaply whether another
 * client committed at all: usage-counter saves move it too, but add no entries, so a store whose
 * keys do not change costs each client two small reads a second and drops nothing.
 *
 * <p>A store that pushes ({@link KeyRecordStore#watchChanges}) makes it look at once: its callback
 * only schedules one look on this thread (a burst of notifications while one is pending adds
 * nothing), so no engine work runs on the store's thread and looks never overlap. The refresh
 * interval goes on as before, so a lost notification costs one interval at most.
 */
final class Maintenance implements AutoCloseable {
  static final System.Logger LOG = System.getLogger("dev.hsm");

  private static final int DUE_CHECK_EVERY_N_REFRESHES = 60;
  private static final int AUDIT_PAGE = 1000;

  private final Engine engine;
  private final ScheduledExecutorService thread;
  // Read and written by the maintenance thread only.
  private long lastDataVersion;
  private long nextAuditSequence;
  private int refreshes;

  /** Whether a look pushed by the store is scheduled and has not started yet. */
  private final AtomicBoolean lookPending = new AtomicBoolean();

  Maintenance(Engine engine, Duration interval) {
    this.engine = engine;
    KeyRecordStore store = engine.store();
    this.lastDataVersion = store.dataVersion();
    this.nextAuditSequence = store.lastAuditEntry().map(e -> e.sequence() + 1).orElse(1L);
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread t = new Thread(task, "hsm-maintenance");
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    thread.scheduleWithFixedDelay(this::run, millis, millis, TimeUnit.MILLISECONDS);
    store.watchChanges(this::changedElsewhere);
  }

  /**
   * The store's callback: another client committed. Schedules one look on this thread unless one is
   * pending already; returns at once.
   */
  private void changedElsewhere() {
    if (engine.isClosed() || !lookPending.compareAndSet(false, true)) {
      return;
    }
    try {
      thread.execute(this::lookNow);
    } catch (RejectedExecutionException closing) {
      lookPending.set(false);
    }
  }

  private void lookNow() {
    lookPending.set(false); // a change committed from here on schedules another look
    if (engine.isClosed()) {
      return;
    }
    try {
      dropChangedKeys();
    } catch (Throwable e) { // NOPMD: the next refresh retries; the thread must go on
      LOG.log(System.Logger.Level.WARNING, "looking for changes failed for " + engine.where(), e);
    }
  }

  private void run() {
    if (engine.isClosed()) {
      return;
    }
    try {
      dropChangedKeys();
      engine.flushRefusals();
      engine.saveUsage();
      if (++refreshes % DUE_CHECK_EVERY_N_REFRESHES == 0) {
        engine.applyDueChanges();
      }
    } catch (Throwable e) { // NOPMD: a throwable escaping would stop the schedule for good
      LOG.log(System.Logger.Level.WARNING, "key store maintenance failed for " + engine.where(), e);
    }
  }

  /** Drops the keys other clients changed since the last look, and only those. */
  void dropChangedKeys() {
    KeyRecordStore store = engine.store();
    // The log's head first, then the data version: whatever the head names was committed before
    // the version was read, so no other client's entry can slip in between unnoticed.
    long head = store.lastAuditEntry().map(StoredAuditEntry::sequence).orElse(0L);
    long dataVersion = store.dataVersion();
    if (dataVersion == lastDataVersion) {
      // No other client committed since the last look: the entries up to the head are this
      // client's own (whose keys it dropped as it wrote them), so there is nothing to read.
      nextAuditSequence = Math.max(nextAuditSequence, head + 1);
      return;
    }
    lastDataVersion = dataVersion;
    List<StoredAuditEntry> page;
    do {
      page = store.auditEntries(nextAuditSequence, AUDIT_PAGE);
      for (StoredAuditEntry entry : page) {
        dropChanged(entry);
        nextAuditSequence = entry.sequence() + 1;
      }
    } while (page.size() == AUDIT_PAGE);
  }

  private void dropChanged(StoredAuditEntry entry) {
    if (!AuditChain.OK.equals(entry.outcome())) {
      return; // a refusal changed nothing
    }
    if (entry.keyName() != null) {
      engine.keys().invalidate(entry.keyName());
    } else if (entry.action().equals("store.rotate-master-key")) {
      engine
          .keys()
          .invalidateAll(); // every row was resealed (this client must reopen to read them)
    }
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
