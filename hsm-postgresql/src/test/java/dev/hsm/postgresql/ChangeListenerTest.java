package dev.hsm.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listener on its own, on a real server: it calls its watchers once when it starts listening (a
 * write committed before its {@code LISTEN} sent a notification nobody received), then once per
 * burst of other clients' notifications, never for its own client's.
 */
@Timeout(60)
class ChangeListenerTest {
  private static void awaitCalls(IntSupplier calls, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (calls.getAsInt() < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(300); // and no more follow
    assertThat(calls.getAsInt()).as("watcher calls").isEqualTo(expected);
  }

  @Test
  void startingToListen_callsTheWatchersOnce_thenOnlyOtherClientsNotificationsDo()
      throws Exception {
    String channel = Commits.channel(TestDatabase.newSchema());
    CountDownLatch mayConnect = new CountDownLatch(1);
    ChangeListener listener =
        new ChangeListener(
            () -> {
              try {
                mayConnect.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.USER, null);
            },
            channel,
            "this client",
            "the test server");
    AtomicInteger calls = new AtomicInteger();
    try (listener) {
      listener.add(calls::incrementAndGet);
      TestDatabase.execute("SELECT pg_notify('" + channel + "', 'another client')");
      Thread.sleep(200);
      assertThat(calls).as("not listening yet").hasValue(0);

      mayConnect.countDown();
      awaitCalls(calls::get, 1); // for the notification sent before it listened

      TestDatabase.execute("SELECT pg_notify('" + channel + "', 'this client')");
      awaitCalls(calls::get, 1);
      TestDatabase.execute("SELECT pg_notify('" + channel + "', 'another client')");
      awaitCalls(calls::get, 2);
    }
    TestDatabase.execute("SELECT pg_notify('" + channel + "', 'another client')");
    awaitCalls(calls::get, 2); // closed: no more calls
  }
}
