package dev.hsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmConfig;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import dev.hsm.contract.InMemoryKeyRecordStore;
import dev.hsm.spi.KeyRecordStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that pushes other clients' commits ({@link KeyRecordStore#watchChanges}) makes the engine
 * look at once, without waiting for its refresh interval (an hour here), on its own thread, and
 * once for a burst of pushes.
 */
@Timeout(30)
class ChangePushTest {
  @TempDir Path dir;

  private HsmConfig config(KeyRecordStore.Factory store) {
    return HsmConfig.store(store)
        .keyFile(TestStores.keyFile(dir, "hsm.key"))
        .refreshInterval(Duration.ofHours(1));
  }

  @Test
  void aKeyAnotherClientRotates_isDroppedAtOnce_withoutWaitingForTheRefresh() throws Exception {
    HsmConfig config = config(InMemoryKeyRecordStore.factory("push"));
    try (Engine here = StoreOpening.open(config);
        Engine there = StoreOpening.open(config)) {
      here.createKey("changed", KeySpec.aes256Gcm());
      here.createKey("untouched", KeySpec.aes256Gcm());
      here.maintenance().dropChangedKeys(); // catch up with its own creations, as a refresh would
      here.key("changed");
      here.key("untouched");
      assertThat(here.keys().isCached("changed")).isTrue();

      long started = System.nanoTime();
      there.key("changed").rotate();
      while (here.keys().isCached("changed")) {
        Thread.sleep(1);
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(millis).as("ms until the other client dropped the key").isLessThan(5_000);
      assertThat(here.keys().isCached("untouched")).isTrue();
      assertThat(here.key("changed").info().primaryVersion()).isEqualTo(2);
    }
  }

  @Test
  void aBurstOfPushes_makesFewLooks_allOnTheMaintenanceThread_andTheCallbackReturnsAtOnce()
      throws Exception {
    List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    Set<String> lookingThreads = ConcurrentHashMap.newKeySet();
    AtomicInteger looks = new AtomicInteger();
    // Once armed, every look waits here until the burst is over, so how many looks the burst makes
    // depends on the coalescing alone, not on how fast this machine's threads happen to run.
    AtomicBoolean armed = new AtomicBoolean();
    CountDownLatch burstOver = new CountDownLatch(1);
    KeyRecordStore.Factory real = InMemoryKeyRecordStore.factory("burst");
    KeyRecordStore.Factory watched =
        new KeyRecordStore.Factory() {
          @Override
          public KeyRecordStore open() {
            KeyRecordStore store = real.open();
            return (KeyRecordStore)
                Proxy.newProxyInstance(
                    KeyRecordStore.class.getClassLoader(),
                    new Class<?>[] {KeyRecordStore.class},
                    (proxy, method, args) -> {
                      if (method.getName().equals("watchChanges")) {
                        callbacks.add((Runnable) args[0]);
                        return null;
                      }
                      if (method.getName().equals("dataVersion")) {
                        looks.incrementAndGet();
                        lookingThreads.add(Thread.currentThread().getName());
                        if (armed.get()) {
                          burstOver.await(10, TimeUnit.SECONDS);
                        }
                      }
                      try {
                        return method.invoke(store, args);
                      } catch (InvocationTargetException e) {
                        throw e.getCause();
                      }
                    });
          }

          @Override
          public String description() {
            return "watched in-memory store";
          }
        };

    try (Engine hsm = StoreOpening.open(config(watched))) {
      assertThat(callbacks).hasSize(1);
      Thread.sleep(100); // a look the creation of the store pushed is over
      lookingThreads.clear(); // opening read the data version on this thread
      int before = looks.get();
      armed.set(true);
      long started = System.nanoTime();
      for (int i = 0; i < 10_000; i++) {
        callbacks.get(0).run();
      }
      long perCallNanos = (System.nanoTime() - started) / 10_000;
      burstOver.countDown();
      while (looks.get() == before) {
        Thread.sleep(1);
      }
      Thread.sleep(200); // let any look still pending run

      // Callbacks never wait for a look (one was blocked the whole time).
      assertThat(perCallNanos).as("ns per callback").isLessThan(100_000);
      // At most the look under way when the burst began and one pending after it.
      assertThat(looks.get() - before).as("looks for 10,000 pushes").isBetween(1, 2);
      assertThat(lookingThreads).containsExactly("hsm-maintenance");
      hsm.close();
      callbacks.get(0).run(); // after close: ignored, no exception
    }
  }
}
