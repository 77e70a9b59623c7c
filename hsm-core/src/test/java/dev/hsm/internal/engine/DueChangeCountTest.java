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
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code applyDueChanges()} counts the changes this client made: a due rotation another client made
 * between this client's reads of the key is not counted here too, so that the counts of several
 * clients applying the same due work add up to the changes made.
 */
class DueChangeCountTest {
  @TempDir Path dir;

  @Test
  void aDueRotationAnotherClientMakesFirst_isNotCountedByThisOne() {
    KeyRecordStore.Factory shared = InMemoryKeyRecordStore.factory("due-count");
    AtomicBoolean armed = new AtomicBoolean();
    AtomicReference<Runnable> otherClientWrites = new AtomicReference<>();
    // This client's store: once it has listed the due keys, the other client rotates the key
    // right after this one has read it (its rows and their anchor in the log).
    KeyRecordStore.Factory watched =
        new KeyRecordStore.Factory() {
          @Override
          public KeyRecordStore open() {
            KeyRecordStore store = shared.open();
            return (KeyRecordStore)
                Proxy.newProxyInstance(
                    KeyRecordStore.class.getClassLoader(),
                    new Class<?>[] {KeyRecordStore.class},
                    (proxy, method, args) -> {
                      Object result;
                      try {
                        result = method.invoke(store, args);
                      } catch (InvocationTargetException e) {
                        throw e.getCause();
                      }
                      if (method.getName().equals("keysWithDueChanges")) {
                        armed.set(true);
                      } else if (method.getName().equals("lastAuditSequenceOf")
                          && args.length == 2
                          && armed.getAndSet(false)) {
                        otherClientWrites.get().run();
                      }
                      return result;
                    });
          }

          @Override
          public String description() {
            return "the in-memory store, watched";
          }
        };
    Path keyFile = TestStores.keyFile(dir, "hsm.key");
    HsmConfig now = HsmConfig.store(shared).keyFile(keyFile).refreshInterval(Duration.ofHours(1));
    Clock twoDaysLater = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));
    try (Engine creator = StoreOpening.open(now)) {
      creator.createKey("periodic", KeySpec.aes256Gcm().withRotationPeriod(Duration.ofDays(1)));
    }
    try (Engine other = StoreOpening.open(now.clock(twoDaysLater));
        Engine here =
            StoreOpening.open(
                HsmConfig.store(watched)
                    .keyFile(keyFile)
                    .refreshInterval(Duration.ofHours(1))
                    .clock(twoDaysLater))) {
      otherClientWrites.set(() -> other.applyDueChanges());

      int counted = here.applyDueChanges();

      assertThat(here.key("periodic").info().versions()).as("one rotation in all").hasSize(2);
      assertThat(counted).as("rotations this client reports").isZero();
    }
  }
}
