package dev.hsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmConfig;
import dev.hsm.TestStores;
import dev.hsm.internal.store.SqliteKeyRecordStore;
import dev.hsm.spi.KeyRecordStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The background thread keeps running whatever its work throws. */
class MaintenanceTest {
  @TempDir Path dir;

  @Test
  @Timeout(30)
  void theBackgroundThread_survivesErrorsThrownByItsWork() throws Exception {
    AtomicInteger refreshes = new AtomicInteger();
    Path file = dir.resolve("store.db");
    KeyRecordStore.Factory failingAtFirst =
        new KeyRecordStore.Factory() {
          @Override
          public KeyRecordStore open() {
            KeyRecordStore real = SqliteKeyRecordStore.open(file);
            return (KeyRecordStore)
                Proxy.newProxyInstance(
                    KeyRecordStore.class.getClassLoader(),
                    new Class<?>[] {KeyRecordStore.class},
                    (proxy, method, args) -> {
                      // The first refreshes throw an Error, as a full heap or a bug would.
                      if (method.getName().equals("dataVersion")
                          && refreshes.incrementAndGet() > 1
                          && refreshes.get() <= 4) {
                        throw new OutOfMemoryError("simulated, refresh " + refreshes.get());
                      }
                      try {
                        return method.invoke(real, args);
                      } catch (InvocationTargetException e) {
                        throw e.getCause();
                      }
                    });
          }

          @Override
          public String description() {
            return "failing SQLite file " + file;
          }
        };
    HsmConfig config =
        HsmConfig.store(failingAtFirst)
            .keyFile(
                TestStores.keyFileConfig(dir, "store.db").unlockSecret().orElseThrow().keyFile())
            .refreshInterval(Duration.ofMillis(10));

    try (Engine hsm = StoreOpening.open(config)) {
      while (refreshes.get() < 8) { // bounded by the timeout: refreshes go on after the errors
        Thread.sleep(10);
      }
      assertThat(refreshes.get()).isGreaterThanOrEqualTo(8);
    }
  }
}
