package dev.hsm.postgresql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * {@code LISTEN}s on the store's channel on a connection of its own and calls the watchers when
 * another client's write commits. One daemon thread per client, started by the first watcher. Each
 * time it starts listening it calls the watchers once: a write committed before its {@code LISTEN}
 * (at start-up, after the engine read where the store stood, or while the connection was down) sent
 * a notification nobody received. When the connection fails (the server restarts, the network
 * drops), it connects again, with a pause growing to a second; the engine's polling covers the gap
 * in any case.
 */
final class ChangeListener implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.hsm");

  /**
   * How long one wait for notifications lasts: a notification ends it at once, so this only bounds
   * how long {@link #close()} waits for the thread (a timed-out wait costs no round trip).
   */
  private static final int WAIT_MILLIS = 100;

  private static final long PROBE_NANOS = 5_000_000_000L;

  /** Opens the listening connection (not from the pool's rotation). */
  interface Connector {
    Connection connect() throws SQLException;
  }

  private final Connector connector;
  private final String channel;
  private final String ownClient;
  private final String description;
  private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
  private Thread thread; // guarded by this
  private volatile boolean closed;
  private volatile Connection connection;

  ChangeListener(Connector connector, String channel, String ownClient, String description) {
    this.connector = connector;
    this.channel = channel;
    this.ownClient = ownClient;
    this.description = description;
  }

  synchronized void add(Runnable watcher) {
    if (closed) {
      return;
    }
    watchers.add(watcher);
    if (thread == null) {
      thread = new Thread(this::listen, "hsm-postgresql-listener");
      thread.setDaemon(true);
      thread.start();
    }
  }

  private void listen() {
    long pause = 50;
    boolean first = true;
    while (!closed) {
      try (Connection listening = connector.connect()) {
        connection = listening;
        try (Statement statement = listening.createStatement()) {
          statement.execute("LISTEN " + channel);
        }
        callWatchers(); // anything committed while we were not listening yet
        if (!first) {
          LOG.log(System.Logger.Level.INFO, "listening for changes to " + description + " again");
        }
        first = false;
        pause = 50;
        PGConnection notifications = listening.unwrap(PGConnection.class);
        long quietSince = System.nanoTime();
        while (!closed) {
          PGNotification[] received = notifications.getNotifications(WAIT_MILLIS);
          if (received == null || received.length == 0) {
            if (System.nanoTime() - quietSince > PROBE_NANOS) {
              probe(listening); // a connection cut without a word fails here, not never
              quietSince = System.nanoTime();
            }
            continue;
          }
          quietSince = System.nanoTime();
          for (PGNotification notification : received) {
            if (!ownClient.equals(notification.getParameter())) {
              callWatchers();
              break; // one call covers every commit so far
            }
          }
        }
        try (Statement statement = listening.createStatement()) {
          statement.execute("UNLISTEN *"); // the connection may go back to a pool
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.log(
            System.Logger.Level.DEBUG,
            "lost the change notifications of " + description + "; connecting again",
            e);
        first = false;
        sleep(pause);
        pause = Math.min(1_000, pause * 2);
      } finally {
        connection = null;
      }
    }
  }

  private static void probe(Connection listening) throws SQLException {
    try (Statement statement = listening.createStatement()) {
      statement.execute("SELECT 1");
    }
  }

  private void callWatchers() {
    for (Runnable watcher : watchers) {
      try {
        watcher.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a change watcher of " + description + " failed", e);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops listening; the watchers are not called again once this returns. */
  @Override
  public void close() {
    Thread running;
    synchronized (this) {
      closed = true;
      watchers.clear();
      running = thread;
    }
    if (running != null) {
      try {
        running.join(WAIT_MILLIS * 20L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
