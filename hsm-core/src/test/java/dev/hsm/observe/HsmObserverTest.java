package dev.hsm.observe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.AuditEntry;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.Operation;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.StandardSigner;
import dev.hsm.TestStores;
import dev.hsm.VerificationFailedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The observer hook: what a client tells an {@link HsmObserver} after real operations on a real
 * SQLite store, that listeners are made once per key and operation, that a failing observer never
 * breaks an operation, and what {@link KeyOverview} reports.
 */
class HsmObserverTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);

  @TempDir Path dir;

  /** Records everything it hears. */
  static final class Recorder implements HsmObserver {
    final Map<String, AtomicInteger> made = new ConcurrentHashMap<>();
    final List<String> heard = new ArrayList<>();
    final List<AuditEntry> audited = new ArrayList<>();
    final List<String> hashes = new ArrayList<>();
    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong nanos = new AtomicLong();

    @Override
    public OperationListener operation(String keyName, KeyOperation operation) {
      String what = keyName + " " + operation.tag();
      made.computeIfAbsent(what, w -> new AtomicInteger()).incrementAndGet();
      return (started, outcome, took) -> {
        synchronized (heard) {
          heard.add(what + " " + outcome.tag() + " " + outcome.reason());
        }
        nanos.addAndGet(took);
      };
    }

    @Override
    public synchronized void audited(AuditEntry entry, String hash) {
      audited.add(entry);
      hashes.add(hash);
    }

    @Override
    public void keyCacheHit() {
      hits.incrementAndGet();
    }

    @Override
    public void keyCacheMiss() {
      misses.incrementAndGet();
    }
  }

  private HsmConfig config(HsmObserver... observers) {
    HsmConfig config = TestStores.keyFileConfig(dir, "s.db");
    for (HsmObserver observer : observers) {
      config = config.observe(observer);
    }
    return config;
  }

  @Test
  void operations_areHeardWithKeyOperationOutcomeAndDuration_andListenersAreMadeOncePerPair() {
    Recorder recorder = new Recorder();
    try (HsmClient hsm = HsmClient.open(config(recorder))) {
      KeyHandle signing = hsm.createKey("invoices", KeySpec.ecdsaP256());
      for (int i = 0; i < 3; i++) {
        signing.verify(DATA, signing.sign(DATA));
      }
      byte[] signature = signing.sign(DATA);
      signature[signature.length - 1] ^= 1;
      assertThatThrownBy(() -> signing.verify(DATA, signature))
          .isInstanceOf(VerificationFailedException.class);
      assertThatThrownBy(() -> hsm.key("invoices").encrypt(DATA, DATA))
          .isInstanceOf(dev.hsm.WrongKeyTypeException.class);
      KeyHandle verifyOnly =
          hsm.createKey("partner", KeySpec.ecdsaP256().withOperations(Operation.VERIFY));
      assertThatThrownBy(() -> verifyOnly.sign(DATA))
          .isInstanceOf(OperationNotPermittedException.class);
      signing.disable();
      assertThatThrownBy(() -> hsm.key("invoices").sign(DATA))
          .isInstanceOf(KeyDisabledException.class);
    }

    assertThat(recorder.heard)
        .containsExactly(
            "invoices sign ok none",
            "invoices verify ok none",
            "invoices sign ok none",
            "invoices verify ok none",
            "invoices sign ok none",
            "invoices verify ok none",
            "invoices sign ok none",
            "invoices verify failed invalid-input",
            "invoices encrypt failed error",
            "partner sign refused not-permitted",
            "invoices sign refused disabled");
    // made once per key and operation, shared by every handle of the key
    assertThat(recorder.made)
        .allSatisfy((what, times) -> assertThat(times.get()).as(what).isEqualTo(1));
    assertThat(recorder.nanos.get()).isPositive();
    assertThat(recorder.hits.get()).isPositive();
    assertThat(recorder.misses.get()).isPositive();
  }

  @Test
  void aStandardSignersFinalSign_isHeardAsSignStandard_andARefusedStartOrSignToo() {
    Recorder recorder = new Recorder();
    try (HsmClient hsm = HsmClient.open(config(recorder))) {
      KeyHandle key =
          hsm.createKey("release", KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD));
      StandardSigner signer = key.standardSigner();
      signer.update(DATA);
      signer.update(DATA);
      assertThat(recorder.heard).isEmpty(); // feeding the stream is not an operation
      signer.sign();
      StandardSigner late = key.standardSigner();
      late.update(DATA);
      key.disable();
      assertThatThrownBy(late::sign).isInstanceOf(KeyDisabledException.class);
      assertThatThrownBy(() -> hsm.key("release").standardSigner())
          .isInstanceOf(KeyDisabledException.class);
    }

    assertThat(recorder.heard)
        .containsExactly(
            "release sign-standard ok none",
            "release sign-standard refused disabled",
            "release sign-standard refused disabled");
    assertThat(recorder.made).containsOnlyKeys("release sign-standard");
  }

  @Test
  void auditEntries_areHeardOnceCommitted_inChainOrder_withTheirHash() {
    Recorder recorder = new Recorder();
    try (HsmClient hsm = HsmClient.open(config(recorder))) {
      long before = hsm.auditLog().verify();
      KeyHandle key = hsm.createKey("pii", KeySpec.aes256Gcm());
      key.rotate();
      hsm.admin().scheduleDestruction("pii", 1, Duration.ofDays(7));
      KeyHandle verifyOnly =
          hsm.createKey("partner", KeySpec.ecdsaP256().withOperations(Operation.VERIFY));
      assertThatThrownBy(() -> verifyOnly.sign(DATA))
          .isInstanceOf(OperationNotPermittedException.class);

      List<AuditEntry> stored = hsm.auditLog().entries(before + 1, 100);
      assertThat(recorder.audited).containsExactlyElementsOf(stored);
      assertThat(recorder.audited)
          .extracting(AuditEntry::action)
          .containsExactly(
              "key.create", "key.rotate", "key.schedule-destruction", "key.create", "key.sign");
      assertThat(recorder.audited.get(4).outcome()).isEqualTo("refused");
      assertThat(recorder.hashes).allMatch(hash -> hash.matches("[0-9a-f]{64}"));
      assertThat(recorder.hashes).doesNotHaveDuplicates();
    }
  }

  @Test
  void aThrowingObserver_neverBreaksAnOperation_andOthersStillHear() {
    HsmObserver broken =
        new HsmObserver() {
          @Override
          public OperationListener operation(String keyName, KeyOperation operation) {
            return new OperationListener() {
              @Override
              public Object started() {
                throw new IllegalStateException("observer bug");
              }

              @Override
              public boolean timeThisCall() {
                throw new IllegalStateException("observer bug");
              }

              @Override
              public void completed(Object started, Outcome outcome, long nanos) {
                throw new IllegalStateException("observer bug");
              }
            };
          }

          @Override
          public void audited(AuditEntry entry, String hash) {
            throw new IllegalStateException("observer bug");
          }

          @Override
          public void keyCacheHit() {
            throw new IllegalStateException("observer bug");
          }
        };
    Recorder recorder = new Recorder();
    try (HsmClient hsm = HsmClient.open(config(broken, recorder))) {
      KeyHandle key = hsm.createKey("pii", KeySpec.aes256Gcm());
      assertThat(key.decrypt(key.encrypt(DATA, DATA), DATA)).isEqualTo(DATA);
    }
    assertThat(recorder.heard).containsExactly("pii encrypt ok none", "pii decrypt ok none");
    assertThat(recorder.audited).extracting(AuditEntry::action).containsExactly("key.create");
  }

  @Test
  void aListenerTimesOnlyTheCallsItAsksFor_unlessAnotherObserverAsksForEveryCall() {
    List<Long> heard = new ArrayList<>();
    HsmObserver everyOtherCall =
        new HsmObserver() {
          @Override
          public OperationListener operation(String keyName, KeyOperation operation) {
            AtomicInteger asked = new AtomicInteger();
            return new OperationListener() {
              @Override
              public boolean timeThisCall() {
                return asked.getAndIncrement() % 2 == 0;
              }

              @Override
              public void completed(Object started, Outcome outcome, long nanos) {
                heard.add(nanos);
              }
            };
          }
        };
    try (HsmClient hsm = HsmClient.open(config(everyOtherCall))) {
      KeyHandle key = hsm.createKey("pii", KeySpec.aes256Gcm());
      for (int i = 0; i < 4; i++) {
        key.encrypt(DATA, DATA);
      }
    }
    assertThat(heard).hasSize(4);
    assertThat(heard.get(0)).isNotNegative();
    assertThat(heard.get(1)).isEqualTo(OperationListener.UNTIMED);
    assertThat(heard.get(2)).isNotNegative();
    assertThat(heard.get(3)).isEqualTo(OperationListener.UNTIMED);

    // The Recorder times every call (the default), so every call is timed for both observers.
    heard.clear();
    Recorder recorder = new Recorder();
    try (HsmClient hsm = HsmClient.open(config(everyOtherCall, recorder))) {
      KeyHandle key = hsm.key("pii");
      for (int i = 0; i < 4; i++) {
        key.encrypt(DATA, DATA);
      }
    }
    assertThat(heard).hasSize(4).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
    assertThat(recorder.heard).hasSize(4);
  }

  @Test
  void withoutObserversOfOperations_handlesAreNotWrapped() {
    try (HsmClient hsm = HsmClient.open(config())) {
      KeyHandle key = hsm.createKey("pii", KeySpec.aes256Gcm());
      assertThat(key.getClass().getSimpleName()).isEqualTo("DefaultKeyHandle");
    }
    HsmObserver auditOnly =
        new HsmObserver() {
          @Override
          public boolean observesOperations() {
            return false;
          }
        };
    try (HsmClient hsm = HsmClient.open(config(auditOnly))) {
      assertThat(hsm.key("pii").getClass().getSimpleName()).isEqualTo("DefaultKeyHandle");
    }
    try (HsmClient hsm = HsmClient.open(config(auditOnly, new HsmObserver() {}))) {
      assertThat(hsm.key("pii").getClass().getSimpleName()).isEqualTo("ObservedKeyHandle");
      assertThat(hsm.key("pii").toString()).startsWith("KeyHandle[pii v1 AES_256_GCM");
    }
  }

  @Test
  void overview_countsKeysAndVersionsByState_andListsWhatIsDueSoonestFirst() {
    try (HsmClient hsm = HsmClient.open(config())) {
      hsm.createKey("monthly", KeySpec.ecdsaP256().withRotationPeriod(Duration.ofDays(30)));
      hsm.createKey("weekly", KeySpec.hmacSha256().withRotationPeriod(Duration.ofDays(7)));
      KeyHandle pii = hsm.createKey("pii", KeySpec.aes256Gcm());
      pii.rotate();
      pii.disableVersion(1);
      hsm.admin().scheduleDestruction("pii", 1, Duration.ofDays(10));
      hsm.createKey("old", KeySpec.aes256Gcm()).disable();

      KeyOverview overview = KeyOverview.of(hsm.listKeys());

      assertThat(overview.keys()).isEqualTo(4);
      assertThat(overview.disabledKeys()).isEqualTo(1);
      assertThat(overview.versionsByState())
          .containsEntry(KeyState.ENABLED, 4)
          .containsEntry(KeyState.SCHEDULED_FOR_DESTRUCTION, 1)
          .containsEntry(KeyState.DISABLED, 0)
          .containsEntry(KeyState.DESTROYED, 0);
      assertThat(overview.due())
          .extracting(d -> d.keyName() + " v" + d.version() + " " + d.change())
          .containsExactly("weekly v1 ROTATION", "pii v1 DESTRUCTION", "monthly v1 ROTATION");
      KeyOverview.Due next = overview.nextRotation().orElseThrow();
      assertThat(next.keyName()).isEqualTo("weekly");
      assertThat(Duration.between(hsm.key("weekly").info().createdAt(), next.at()))
          .isEqualTo(Duration.ofDays(7));
      assertThat(overview.nextDestruction().orElseThrow().keyName()).isEqualTo("pii");
    }
  }

  @Test
  void outcome_namesItsTagAndReason() {
    assertThat(Outcome.OK.tag()).isEqualTo("ok");
    assertThat(Outcome.REFUSED_BELOW_MINIMUM_VERSION.tag()).isEqualTo("refused");
    assertThat(Outcome.REFUSED_BELOW_MINIMUM_VERSION.reason()).isEqualTo("below-minimum-version");
    assertThat(Outcome.FAILED_INVALID_INPUT.tag()).isEqualTo("failed");
    assertThat(Outcome.FAILED_INVALID_INPUT.reason()).isEqualTo("invalid-input");
    assertThat(KeyOperation.VERIFY_STANDARD_SIGNATURE.tag()).isEqualTo("verify-standard-signature");
  }
}
