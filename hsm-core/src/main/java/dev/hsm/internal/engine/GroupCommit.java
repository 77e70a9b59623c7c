package dev.hsm.internal.engine;

import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.StoreException;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.NewKeys;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of new keys. SQLite has one writer and every commit waits for a full sync to disk,
 * so one transaction per key caps key creation at the disk's sync rate however many threads create
 * keys. Instead, each caller queues its key (already generated and wrapped in its own thread) and
 * takes the engine's write lock; whoever holds the lock writes <em>every</em> key queued so far in
 * one transaction, so one sync makes several keys durable.
 *
 * <p>Leader/follower, no timed waits: a lone caller finds no leader and commits its own key at
 * once. Otherwise it waits for the leader's batch to end: if its key was in it, it returns;
 * otherwise one of the callers left leads the next batch. The callers of a batch are woken
 * together, not handed the lock one by one: with many creating threads, that hand-off (a context
 * switch per caller whose key was already written) made the next batch wait longer than the commit.
 * Each caller returns only once its own key is durable, or with its own error: a taken name fails
 * only the caller that asked for it, never the rest of the batch. If the transaction itself fails
 * (a full disk, say), every caller in the batch gets that error; none waits forever, since each
 * either finds its request finished or leads a batch itself.
 */
final class GroupCommit {
  private static final int MAX_ATTEMPTS = 100;

  /** One new key waiting to be stored, and what became of it. */
  static final class Request {
    final String name;
    final Unlocked wrappedUnder;
    final KeyRecord key;
    final String actor;
    final String action;
    final String detail;
    // Written by the leader under the write lock; read by the caller once done is set.
    private volatile boolean done;
    private RuntimeException failure;

    /**
     * @param wrappedUnder the master key and custody that made {@code key}'s material; the key is
     *     refused if this client's master key was rotated since
     */
    Request(Unlocked wrappedUnder, KeyRecord key, String actor, String action, String detail) {
      this.name = key.name();
      this.wrappedUnder = wrappedUnder;
      this.key = key;
      this.actor = actor;
      this.action = action;
      this.detail = detail;
    }

    private void succeed() {
      done = true;
    }

    private void fail(RuntimeException e) {
      failure = e;
      done = true; // last: a caller that sees done sees the failure
    }
  }

  private final Engine engine;
  private final ReentrantLock writeLock;
  private final Queue<Request> queue = new ConcurrentLinkedQueue<>();

  /** Held by the caller writing a batch (the leader); only the leaders take and release it. */
  private final ReentrantLock leading = new ReentrantLock();

  /** Notified when a batch ends: its callers return, and one of the others leads next. */
  private final Object batchEnded = new Object();

  private long transactions; // guarded by the write lock; for tests

  GroupCommit(Engine engine, ReentrantLock writeLock) {
    this.engine = engine;
    this.writeLock = writeLock;
  }

  /**
   * Stores the key durably, in one transaction with whatever other keys are queued meanwhile. Not
   * to be called under the write lock (a leader waiting for it would wait forever).
   */
  void insert(Request request) {
    queue.add(request);
    boolean interrupted = false;
    while (!request.done) {
      if (leading.tryLock()) {
        try {
          if (!request.done) { // else the batch that just ended held it
            writeLock.lock();
            try {
              commitQueued();
            } finally {
              writeLock.unlock();
            }
          }
        } finally {
          leading.unlock();
          synchronized (batchEnded) {
            batchEnded.notifyAll();
          }
        }
      } else {
        interrupted |= awaitBatch(request);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt(); // the key is stored (or refused) all the same
    }
    if (request.failure != null) {
      throw request.failure;
    }
  }

  /**
   * Waits until {@code request} is finished or no batch is being written (then the caller tries to
   * lead the next). The leader notifies after it stops leading, under the same monitor, so no
   * wake-up is missed. Returns whether the thread was interrupted meanwhile.
   */
  private boolean awaitBatch(Request request) {
    boolean interrupted = false;
    synchronized (batchEnded) {
      while (!request.done && leading.isLocked()) {
        try {
          batchEnded.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    return interrupted;
  }

  /** Writes every queued request in one transaction; called under the write lock. */
  private void commitQueued() {
    List<Request> batch = new ArrayList<>();
    try {
      for (int attempt = 1; ; attempt++) {
        KeyRecordStore backend = engine.store();
        // Once per batch: StoreException if another process rotated the master key.
        engine.settings();
        List<Request> written = new ArrayList<>();
        try {
          backend.insertKeysAfterHead(head -> chain(batch, head, written));
          if (written.isEmpty()) {
            return;
          }
          transactions++;
          written.forEach(Request::succeed);
          return;
        } catch (KeyAlreadyExistsException e) {
          // A name was taken before we wrote (another thread or process): fail only its callers,
          // then write the others, re-chained.
          for (Request request : written) {
            if (backend.findKey(request.name).isPresent()) {
              request.fail(alreadyExists(request.name));
            }
          }
        } catch (ConcurrentUpdateException e) {
          // Another process appended to the audit log first: chain again after its entry.
        }
        if (attempt >= MAX_ATTEMPTS) {
          throw new StoreException(
              "gave up writing to "
                  + engine.where()
                  + " after "
                  + attempt
                  + " conflicts with other processes");
        }
      }
    } catch (RuntimeException e) {
      takeQueued(batch); // if we failed before taking them, our own request is still queued
      failUnfinished(batch, e);
    } catch (Error e) {
      takeQueued(batch);
      failUnfinished(batch, new StoreException("key creation failed: " + e, e));
      throw e;
    }
  }

  /**
   * The keys and audit entries of every request queued so far, chained after {@code head}; the
   * requests they are for go in {@code written}. Called by the store once it knows the head, in its
   * write's transaction where it can: requests queued while this thread waited for the store join
   * the batch. Touches no store; the store may call it again.
   */
  private NewKeys chain(
      List<Request> batch, Optional<StoredAuditEntry> head, List<Request> written) {
    takeQueued(batch);
    written.clear();
    written.addAll(writable(batch));
    List<StoredKey> keys = new ArrayList<>();
    List<StoredAuditEntry> entries = new ArrayList<>();
    Optional<StoredAuditEntry> last = head;
    for (Request request : written) { // audit entries chained in the batch's order
      StoredAuditEntry entry =
          engine
              .audit()
              .after(
                  last,
                  request.actor,
                  request.action,
                  request.name,
                  1,
                  AuditChain.OK,
                  request.detail);
      // Sealed here, naming its entry, which is known only now (a MAC: microseconds).
      keys.add(request.wrappedUnder.master().seal(request.key.writtenAs(1, entry.sequence())));
      entries.add(entry);
      last = Optional.of(entry);
    }
    return new NewKeys(keys, entries);
  }

  private void takeQueued(List<Request> batch) {
    for (Request next; (next = queue.poll()) != null; ) {
      batch.add(next);
    }
  }

  /** How many keys are queued and not yet taken into a batch (for tests). */
  int waiting() {
    return queue.size();
  }

  /** How many transactions have stored keys so far (for tests: several keys share one). */
  long transactions() {
    writeLock.lock();
    try {
      return transactions;
    } finally {
      writeLock.unlock();
    }
  }

  /** The batch's unfinished requests that can be written; fails the others. */
  private List<Request> writable(List<Request> batch) {
    Unlocked current = engine.unlocked();
    Set<String> names = new HashSet<>();
    List<Request> writable = new ArrayList<>();
    for (Request request : batch) {
      if (request.done) {
        continue;
      }
      if (request.wrappedUnder != current) {
        request.fail(
            new StoreException(
                "the master key was rotated while key '"
                    + request.name
                    + "' was being created;"
                    + " nothing was stored: create it again"));
      } else if (!names.add(request.name)) {
        request.fail(alreadyExists(request.name)); // twice in one batch: the first one wins
      } else {
        writable.add(request);
      }
    }
    return writable;
  }

  private static KeyAlreadyExistsException alreadyExists(String name) {
    return new KeyAlreadyExistsException("key '" + name + "' already exists");
  }

  private static void failUnfinished(List<Request> batch, RuntimeException e) {
    for (Request request : batch) {
      if (!request.done) {
        request.fail(e); // every caller in the batch sees why it failed
      }
    }
  }
}
