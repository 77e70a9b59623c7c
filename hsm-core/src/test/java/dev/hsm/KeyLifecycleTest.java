package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A key's life: rotation (on request, by period, by another process), disabling keys and versions,
 * scheduled destruction with its tombstone, re-encryption and the minimum decryption version. Time
 * passes through an injected {@link MutableClock}; nothing sleeps except the one bounded poll for
 * another client's background refresh.
 */
class KeyLifecycleTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final byte[] CONTEXT = "tenant=7".getBytes(UTF_8);
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(START);
  private final Secrets secrets = new Secrets().string(new String(DATA, UTF_8));
  private HsmConfig config;
  private Path db;
  private HsmClient hsm;

  @BeforeEach
  void openStore() {
    config = TestStores.keyFileConfig(dir, "s.db").clock(clock);
    db = dir.resolve("s.db");
    hsm = HsmClient.open(config);
  }

  @AfterEach
  void closeStore() {
    hsm.close();
  }

  private void reopen() {
    hsm.close();
    hsm = HsmClient.open(config);
  }

  /** The key version an envelope names: bytes 1-4, big-endian. */
  static int versionOf(byte[] envelope) {
    return ByteBuffer.wrap(envelope, 1, 4).getInt();
  }

  /** New output of the key's kind: a ciphertext, signature or MAC tag. */
  private static byte[] output(KeyHandle key) {
    switch (key.info().algorithm().kind()) {
      case AEAD:
      case ASYMMETRIC_ENCRYPTION:
        return key.encrypt(DATA, CONTEXT);
      case MAC:
        return key.mac(DATA);
      default:
        return key.sign(DATA);
    }
  }

  /** Checks output made by {@link #output}; throws if it does not decrypt or verify. */
  private static void check(KeyHandle key, byte[] output) {
    switch (key.info().algorithm().kind()) {
      case AEAD:
      case ASYMMETRIC_ENCRYPTION:
        assertThat(key.decrypt(output, CONTEXT)).isEqualTo(DATA);
        break;
      case MAC:
        key.verifyMac(DATA, output);
        break;
      default:
        key.verify(DATA, output);
    }
  }

  private static List<KeyVersionInfo> versions(KeyHandle key) {
    return key.info().versions();
  }

  private KeyState stateOf(KeyHandle key, int version) {
    return versions(key).stream()
        .filter(v -> v.version() == version)
        .findFirst()
        .orElseThrow()
        .state();
  }

  // =================================================================================== rotation

  @Nested
  class Rotation {

    @Test
    void rotate_makesANewPrimaryVersion_thatNewCiphertextsName_whileOldOnesStillDecrypt() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      byte[] before = key.encrypt(DATA, CONTEXT);

      assertThat(key.rotate()).isEqualTo(2);

      byte[] after = key.encrypt(DATA, CONTEXT);
      assertThat(key.info().primaryVersion()).isEqualTo(2);
      assertThat(versionOf(before)).isEqualTo(1);
      assertThat(versionOf(after)).isEqualTo(2);
      assertThat(key.decrypt(before, CONTEXT)).isEqualTo(DATA);
      assertThat(key.decrypt(after, CONTEXT)).isEqualTo(DATA);
    }

    @Test
    void rotate_twice_givesVersionThree_andEveryEnabledVersionStillDecrypts() {
      KeyHandle key = hsm.createKey("k", KeySpec.chacha20Poly1305());
      byte[] v1 = key.encrypt(DATA, CONTEXT);
      key.rotate();
      byte[] v2 = key.encrypt(DATA, CONTEXT);
      assertThat(key.rotate()).isEqualTo(3);
      byte[] v3 = key.encrypt(DATA, CONTEXT);

      assertThat(List.of(versionOf(v1), versionOf(v2), versionOf(v3))).containsExactly(1, 2, 3);
      for (byte[] ciphertext : List.of(v1, v2, v3)) {
        assertThat(key.decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
      }
    }

    @Test
    void info_listsEveryVersion_oldestFirst_withStateAndCreationDate() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      clock.advance(Duration.ofDays(3));
      key.rotate();

      assertThat(versions(key))
          .extracting(
              KeyVersionInfo::version,
              KeyVersionInfo::state,
              KeyVersionInfo::createdAt,
              KeyVersionInfo::destructionAt)
          .containsExactly(
              tuple(1, KeyState.ENABLED, START, null),
              tuple(2, KeyState.ENABLED, START.plus(Duration.ofDays(3)), null));
      assertThat(key.info().createdAt()).isEqualTo(START);
    }

    @Test
    void rotation_survivesReopen() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      byte[] before = key.encrypt(DATA, CONTEXT);
      key.rotate();

      reopen();

      KeyHandle reopened = hsm.key("k");
      assertThat(reopened.info().primaryVersion()).isEqualTo(2);
      assertThat(versions(reopened)).extracting(KeyVersionInfo::version).containsExactly(1, 2);
      assertThat(versionOf(reopened.encrypt(DATA, CONTEXT))).isEqualTo(2);
      assertThat(reopened.decrypt(before, CONTEXT)).isEqualTo(DATA);
    }

    static Stream<Arguments> everyFamily() {
      return Stream.of(
          Arguments.of("AES-256-GCM", KeySpec.aes256Gcm()),
          Arguments.of("ChaCha20-Poly1305", KeySpec.chacha20Poly1305()),
          Arguments.of("HMAC-SHA-256", KeySpec.hmacSha256()),
          Arguments.of("ECDSA P-256", KeySpec.ecdsaP256()),
          Arguments.of("Ed25519", KeySpec.ed25519()),
          Arguments.of("RSA-PSS 2048", KeySpec.rsaPssSha256(2048)),
          Arguments.of("RSA-OAEP 2048", KeySpec.rsaOaepSha256(2048)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyFamily")
    void rotate_newOutputNamesVersionTwo_andOldOutputStillWorks(String family, KeySpec spec) {
      KeyHandle key = hsm.createKey("k", spec);
      byte[] old = output(key);

      assertThat(key.rotate()).isEqualTo(2);
      byte[] fresh = output(key);

      assertThat(versionOf(old)).isEqualTo(1);
      assertThat(versionOf(fresh)).isEqualTo(2);
      assertThat(fresh[0]).as("format byte").isEqualTo(old[0]);
      assertThatCode(() -> check(key, old)).as("version 1 output").doesNotThrowAnyException();
      assertThatCode(() -> check(key, fresh)).as("version 2 output").doesNotThrowAnyException();
    }

    @Test
    void rotate_ofAnImportedPublicOnlyKey_throwsWrongKeyType_andAddsNoVersion() throws Exception {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      byte[] spki = generator.generateKeyPair().getPublic().getEncoded();
      KeyHandle key = hsm.importKey("pub", KeySpec.ecdsaP256(), KeyMaterial.publicKeyX509(spki));
      assertThat(key.info().publicOnly()).isTrue();

      secrets.thrown(WrongKeyTypeException.class, key::rotate, "'pub'");

      assertThat(key.info().primaryVersion()).isEqualTo(1);
      assertThat(versions(key)).hasSize(1);
    }
  }

  // ========================================================================= automatic rotation

  @Nested
  class AutomaticRotation {

    @Test
    void aKeyWhosePeriodPassed_encryptsWithVersionTwo_onItsNextUse() {
      KeyHandle key =
          hsm.createKey("k", KeySpec.aes256Gcm().withRotationPeriod(Duration.ofDays(30)));
      byte[] old = key.encrypt(DATA, CONTEXT);

      clock.advance(Duration.ofDays(29));
      assertThat(versionOf(key.encrypt(DATA, CONTEXT))).as("before the period").isEqualTo(1);

      clock.advance(Duration.ofDays(2));
      byte[] fresh = key.encrypt(DATA, CONTEXT);

      assertThat(versionOf(fresh)).isEqualTo(2);
      assertThat(key.info().primaryVersion()).isEqualTo(2);
      assertThat(versions(key).get(1).createdAt()).isEqualTo(START.plus(Duration.ofDays(31)));
      assertThat(key.decrypt(old, CONTEXT)).isEqualTo(DATA);
      assertThat(key.decrypt(fresh, CONTEXT)).isEqualTo(DATA);
    }

    @Test
    void aKeyWhosePeriodPassed_signsWithVersionTwo_onItsNextUse_andOnlyOnce() {
      KeyHandle key = hsm.createKey("k", KeySpec.ed25519().withRotationPeriod(Duration.ofDays(30)));
      byte[] old = key.sign(DATA);
      clock.advance(Duration.ofDays(31));

      byte[] fresh = key.sign(DATA);
      byte[] again = key.sign(DATA);

      assertThat(versionOf(fresh)).isEqualTo(2);
      assertThat(versionOf(again)).as("the new version is not due yet").isEqualTo(2);
      assertThat(versions(key)).hasSize(2);
      key.verify(DATA, old);
      key.verify(DATA, fresh);
    }

    @Test
    void verifyingAndDecrypting_doNotRotateADueKey() {
      KeyHandle key =
          hsm.createKey("k", KeySpec.aes256Gcm().withRotationPeriod(Duration.ofDays(30)));
      byte[] old = key.encrypt(DATA, CONTEXT);
      clock.advance(Duration.ofDays(31));

      assertThat(key.decrypt(old, CONTEXT)).isEqualTo(DATA);

      assertThat(key.info().primaryVersion()).isEqualTo(1);
    }

    @Test
    void applyDueChanges_rotatesDueKeysThatAreNotUsed_andReturnsTheCount() {
      KeyHandle a = hsm.createKey("a", KeySpec.aes256Gcm().withRotationPeriod(Duration.ofDays(30)));
      KeyHandle b =
          hsm.createKey("b", KeySpec.hmacSha256().withRotationPeriod(Duration.ofDays(30)));
      KeyHandle later =
          hsm.createKey("later", KeySpec.aes256Gcm().withRotationPeriod(Duration.ofDays(90)));
      KeyHandle never = hsm.createKey("never", KeySpec.aes256Gcm());
      clock.advance(Duration.ofDays(31));

      assertThat(hsm.applyDueChanges()).isEqualTo(2);

      assertThat(a.info().primaryVersion()).isEqualTo(2);
      assertThat(b.info().primaryVersion()).isEqualTo(2);
      assertThat(later.info().primaryVersion()).isEqualTo(1);
      assertThat(never.info().primaryVersion()).isEqualTo(1);
      assertThat(hsm.applyDueChanges()).as("nothing is due any more").isZero();
    }

    @Test
    void aRotationPeriodBeyondTheRangeOfTime_neverComesDue() {
      // Found by the configuration fuzz suite: creation time + period overflowed to a time long
      // past, so a key declared with hsm.keys.k.rotation-period=9999999999999999s rotated on every
      // use.
      KeyHandle key =
          hsm.createKey(
              "k", KeySpec.aes256Gcm().withRotationPeriod(Duration.ofSeconds(Long.MAX_VALUE)));

      key.encrypt(DATA, CONTEXT);
      clock.advance(Duration.ofDays(365));
      key.encrypt(DATA, CONTEXT);

      assertThat(hsm.applyDueChanges()).isZero();
      assertThat(versions(key)).hasSize(1);
    }

    @Test
    void aRotationPeriodUnderAnHour_isRefused() {
      assertThat(KeySpec.aes256Gcm().withRotationPeriod(Duration.ofHours(1)).rotationPeriod())
          .isEqualTo(Duration.ofHours(1));
      for (Duration tooShort :
          List.of(Duration.ofMinutes(59), Duration.ofSeconds(1), Duration.ofDays(-30))) {
        secrets.thrown(
            InvalidArgumentException.class,
            () -> KeySpec.aes256Gcm().withRotationPeriod(tooShort),
            "rotation period");
      }

      hsm.createKey("k", KeySpec.aes256Gcm());
      secrets.thrown(
          InvalidArgumentException.class,
          () -> hsm.admin().setRotationPeriod("k", Duration.ofMinutes(30)),
          "rotation period");
      assertThat(hsm.key("k").info().rotationPeriod()).isEqualTo(Duration.ZERO);
    }

    @Test
    void setRotationPeriod_startsAutomaticRotation_andZeroTurnsItOff() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      assertThat(key.info().rotationPeriod()).isEqualTo(Duration.ZERO);

      hsm.admin().setRotationPeriod("k", Duration.ofDays(10));
      assertThat(key.info().rotationPeriod()).isEqualTo(Duration.ofDays(10));
      clock.advance(Duration.ofDays(11));
      assertThat(versionOf(key.encrypt(DATA, CONTEXT))).isEqualTo(2);

      hsm.admin().setRotationPeriod("k", Duration.ZERO);
      assertThat(key.info().rotationPeriod()).isEqualTo(Duration.ZERO);
      clock.advance(Duration.ofDays(365));
      assertThat(hsm.applyDueChanges()).isZero();
      assertThat(versionOf(key.encrypt(DATA, CONTEXT))).isEqualTo(2);
      assertThat(versions(key)).hasSize(2);
    }
  }

  // ============================================================================ disable, enable

  @Nested
  class DisableAndEnable {

    @Test
    void aDisabledKey_refusesEveryOperation_namingTheKey_untilEnabled() {
      KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
      KeyHandle sig = hsm.createKey("sig", KeySpec.ecdsaP256());
      KeyHandle mac = hsm.createKey("mac", KeySpec.hmacSha256());
      KeyHandle oaep = hsm.createKey("oaep", KeySpec.rsaOaepSha256(2048));
      byte[] ciphertext = aes.encrypt(DATA, CONTEXT);
      byte[] signature = sig.sign(DATA);
      byte[] tag = mac.mac(DATA);
      byte[] oaepCiphertext = oaep.encrypt(DATA, CONTEXT);

      for (KeyHandle key : List.of(aes, sig, mac, oaep)) {
        key.disable();
        assertThat(key.info().enabled()).isFalse();
      }

      Map<String, org.assertj.core.api.ThrowableAssert.ThrowingCallable> operations =
          Map.ofEntries(
              Map.entry("aes encrypt", () -> aes.encrypt(DATA, CONTEXT)),
              Map.entry("aes decrypt", () -> aes.decrypt(ciphertext, CONTEXT)),
              Map.entry("aes reencrypt", () -> aes.reencrypt(ciphertext, CONTEXT)),
              Map.entry("aes generateDataKey", () -> aes.generateDataKey(CONTEXT)),
              Map.entry("sig sign", () -> sig.sign(DATA)),
              Map.entry("sig verify", () -> sig.verify(DATA, signature)),
              Map.entry("mac mac", () -> mac.mac(DATA)),
              Map.entry("mac verifyMac", () -> mac.verifyMac(DATA, tag)),
              Map.entry("oaep encrypt", () -> oaep.encrypt(DATA, CONTEXT)),
              Map.entry("oaep decrypt", () -> oaep.decrypt(oaepCiphertext, CONTEXT)));
      operations.forEach(
          (what, call) ->
              assertThat(
                      secrets.thrown(
                          KeyDisabledException.class, call, "'" + what.split(" ")[0] + "'"))
                  .as(what)
                  .hasMessageContaining("disabled"));

      reopen();
      KeyHandle aesAgain = hsm.key("aes");
      secrets.thrown(
          KeyDisabledException.class, () -> aesAgain.decrypt(ciphertext, CONTEXT), "'aes'");
      for (String name : List.of("aes", "sig", "mac", "oaep")) {
        hsm.key(name).enable();
        assertThat(hsm.key(name).info().enabled()).isTrue();
      }
      KeyHandle sigAgain = hsm.key("sig");
      KeyHandle macAgain = hsm.key("mac");
      KeyHandle oaepAgain = hsm.key("oaep");
      assertThat(aesAgain.decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
      assertThat(aesAgain.decrypt(aesAgain.encrypt(DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);
      sigAgain.verify(DATA, signature);
      sigAgain.verify(DATA, sigAgain.sign(DATA));
      macAgain.verifyMac(DATA, tag);
      macAgain.verifyMac(DATA, macAgain.mac(DATA));
      assertThat(oaepAgain.decrypt(oaepCiphertext, CONTEXT)).isEqualTo(DATA);
    }

    @Test
    void aDisabledOldVersion_refusesItsCiphertexts_namingKeyAndVersion_untilEnabled() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      byte[] v1 = key.encrypt(DATA, CONTEXT);
      key.rotate();
      byte[] v2 = key.encrypt(DATA, CONTEXT);

      key.disableVersion(1);

      assertThat(stateOf(key, 1)).isEqualTo(KeyState.DISABLED);
      assertThat(stateOf(key, 2)).isEqualTo(KeyState.ENABLED);
      assertThat(key.info().enabled()).as("the key as a whole").isTrue();
      secrets.thrown(
          KeyDisabledException.class, () -> key.decrypt(v1, CONTEXT), "'k'", "version 1");
      secrets.thrown(
          KeyDisabledException.class, () -> key.reencrypt(v1, CONTEXT), "'k'", "version 1");
      assertThat(key.decrypt(v2, CONTEXT)).isEqualTo(DATA);
      assertThat(versionOf(key.encrypt(DATA, CONTEXT))).isEqualTo(2);

      key.enableVersion(1);

      assertThat(stateOf(key, 1)).isEqualTo(KeyState.ENABLED);
      assertThat(key.decrypt(v1, CONTEXT)).isEqualTo(DATA);
    }

    @Test
    void aDisabledOldVersion_refusesItsSignatures_andSurvivesReopen() {
      KeyHandle key = hsm.createKey("k", KeySpec.ecdsaP256());
      byte[] v1 = key.sign(DATA);
      key.rotate();
      key.disableVersion(1);

      reopen();

      KeyHandle reopened = hsm.key("k");
      secrets.thrown(
          KeyDisabledException.class, () -> reopened.verify(DATA, v1), "'k'", "version 1");
      reopened.verify(DATA, reopened.sign(DATA));
      reopened.enableVersion(1);
      reopened.verify(DATA, v1);
    }

    @Test
    void disablingThePrimaryVersion_isRefused_andChangesNothing() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      key.rotate();

      secrets.thrown(
          OperationNotPermittedException.class, () -> key.disableVersion(2), "'k'", "version 2");

      assertThat(stateOf(key, 2)).isEqualTo(KeyState.ENABLED);
      assertThat(versionOf(key.encrypt(DATA, CONTEXT))).isEqualTo(2);
    }

    @Test
    void disablingOrEnablingAnUnknownVersion_throwsKeyNotFound_namingTheVersion() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());

      secrets.thrown(KeyNotFoundException.class, () -> key.disableVersion(7), "'k'", "version 7");
      secrets.thrown(KeyNotFoundException.class, () -> key.enableVersion(7), "'k'", "version 7");
      secrets.thrown(KeyNotFoundException.class, () -> key.disableVersion(0), "'k'", "version 0");
    }
  }

  // ================================================================================ destruction

  @Nested
  class Destruction {
    private KeyHandle key;
    private byte[] v1;
    private byte[] v2;

    /** Key {@code k} with a version 1 ciphertext, rotated to version 2. */
    @BeforeEach
    void rotatedKey() {
      key = hsm.createKey("k", KeySpec.aes256Gcm());
      v1 = key.encrypt(DATA, CONTEXT);
      key.rotate();
      v2 = key.encrypt(DATA, CONTEXT);
    }

    private KeyVersionInfo version1() {
      return versions(key).get(0);
    }

    @Test
    void aScheduledVersion_cannotDecrypt_andCancellingLeavesItDisabled() {
      hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(7));

      assertThat(version1().state()).isEqualTo(KeyState.SCHEDULED_FOR_DESTRUCTION);
      assertThat(version1().destruction()).contains(START.plus(Duration.ofDays(7)));
      secrets.thrown(
          KeyDisabledException.class, () -> key.decrypt(v1, CONTEXT), "'k'", "version 1");
      assertThat(key.decrypt(v2, CONTEXT)).isEqualTo(DATA);

      hsm.admin().cancelDestruction("k", 1);

      assertThat(version1().state()).isEqualTo(KeyState.DISABLED);
      assertThat(version1().destruction()).isEmpty();
      secrets.thrown(
          KeyDisabledException.class, () -> key.decrypt(v1, CONTEXT), "'k'", "version 1");
      clock.advance(Duration.ofDays(30));
      assertThat(hsm.applyDueChanges()).as("nothing left to destroy").isZero();
      key.enableVersion(1);
      assertThat(key.decrypt(v1, CONTEXT)).isEqualTo(DATA);
    }

    @Test
    void aDisabledVersion_canBeScheduledToo() {
      key.disableVersion(1);

      hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(1));

      assertThat(version1().state()).isEqualTo(KeyState.SCHEDULED_FOR_DESTRUCTION);
    }

    @Test
    void afterTheWaitingPeriod_decryptThrowsVersionDestroyed_andOnlyATombstoneIsLeft() {
      hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(7));
      clock.advance(Duration.ofDays(8));

      secrets.thrown(
          KeyVersionDestroyedException.class,
          () -> key.decrypt(v1, CONTEXT),
          "'k'",
          "version 1",
          "destroyed");

      assertThat(version1())
          .isEqualTo(
              new KeyVersionInfo(1, KeyState.DESTROYED, START, START.plus(Duration.ofDays(7))));
      assertThat(key.decrypt(v2, CONTEXT)).isEqualTo(DATA);
      assertThat(versionOf(key.encrypt(DATA, CONTEXT))).isEqualTo(2);

      hsm.close();
      assertThat(wrappedMaterial(1)).as("version 1 material").isNull();
      assertThat(wrappedMaterial(2)).as("version 2 material").isNotNull();
      hsm = HsmClient.open(config);

      KeyHandle reopened = hsm.key("k");
      assertThat(reopened.info().versions())
          .extracting(KeyVersionInfo::version, KeyVersionInfo::state)
          .containsExactly(tuple(1, KeyState.DESTROYED), tuple(2, KeyState.ENABLED));
      secrets.thrown(
          KeyVersionDestroyedException.class,
          () -> reopened.decrypt(v1, CONTEXT),
          "'k'",
          "version 1");
      assertThat(reopened.decrypt(v2, CONTEXT)).isEqualTo(DATA);
    }

    @Test
    void aDestroyedVersion_cannotBeEnabledOrScheduledAgain() {
      hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(7));
      clock.advance(Duration.ofDays(8));
      hsm.applyDueChanges();

      secrets.thrown(
          OperationNotPermittedException.class, () -> key.enableVersion(1), "'k'", "version 1");
      secrets.thrown(
          OperationNotPermittedException.class,
          () -> hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(7)),
          "'k'",
          "version 1");
      secrets.thrown(
          OperationNotPermittedException.class,
          () -> hsm.admin().cancelDestruction("k", 1),
          "'k'",
          "version 1");
      assertThat(version1().state()).isEqualTo(KeyState.DESTROYED);
    }

    @Test
    void aDestroyedVersionsSignatures_failWithVersionDestroyed() {
      KeyHandle sig = hsm.createKey("sig", KeySpec.ecdsaP256());
      byte[] old = sig.sign(DATA);
      sig.rotate();
      hsm.admin().scheduleDestruction("sig", 1, Duration.ofDays(2));
      clock.advance(Duration.ofDays(3));

      secrets.thrown(
          KeyVersionDestroyedException.class, () -> sig.verify(DATA, old), "'sig'", "version 1");
      sig.verify(DATA, sig.sign(DATA));
    }

    @Test
    void applyDueChanges_destroysDueVersions_withoutAnyUse() {
      KeyHandle other = hsm.createKey("other", KeySpec.hmacSha256());
      other.rotate();
      hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(7));
      hsm.admin().scheduleDestruction("other", 1, Duration.ofDays(20));
      clock.advance(Duration.ofDays(8));

      assertThat(hsm.applyDueChanges()).isEqualTo(1);

      assertThat(version1().state()).isEqualTo(KeyState.DESTROYED);
      assertThat(stateOf(other, 1)).isEqualTo(KeyState.SCHEDULED_FOR_DESTRUCTION);
      hsm.close();
      assertThat(wrappedMaterial(1)).isNull();
      hsm = HsmClient.open(config);
      secrets.thrown(
          KeyVersionDestroyedException.class, () -> hsm.key("k").decrypt(v1, CONTEXT), "'k'");
    }

    @Test
    void applyDueChanges_destroysEveryDueVersionOfAKey_andCountsEachOnce() {
      key.rotate();
      hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(2));
      hsm.admin().scheduleDestruction("k", 2, Duration.ofDays(3));
      clock.advance(Duration.ofDays(4));

      assertThat(hsm.applyDueChanges()).isEqualTo(2);

      assertThat(versions(key))
          .extracting(KeyVersionInfo::version, KeyVersionInfo::state)
          .containsExactly(
              tuple(1, KeyState.DESTROYED),
              tuple(2, KeyState.DESTROYED),
              tuple(3, KeyState.ENABLED));
      assertThat(hsm.auditLog().entries(1, 100))
          .filteredOn(e -> e.action().equals("key.destroy"))
          .extracting(AuditEntry::keyName, AuditEntry::version)
          .containsExactly(tuple("k", 1), tuple("k", 2));
      secrets.thrown(
          KeyVersionDestroyedException.class, () -> key.decrypt(v2, CONTEXT), "version 2");
      assertThat(hsm.applyDueChanges()).isZero();
    }

    @Test
    void aWaitingPeriodUnderADay_isRefused() {
      secrets.thrown(
          InvalidArgumentException.class,
          () -> hsm.admin().scheduleDestruction("k", 1, Duration.ofHours(23)),
          "one day");

      assertThat(version1().state()).isEqualTo(KeyState.ENABLED);
      assertThat(key.decrypt(v1, CONTEXT)).isEqualTo(DATA);
    }

    @Test
    void schedulingThePrimaryVersion_isRefused() {
      secrets.thrown(
          OperationNotPermittedException.class,
          () -> hsm.admin().scheduleDestruction("k", 2, Duration.ofDays(7)),
          "'k'",
          "version 2",
          "primary");

      assertThat(stateOf(key, 2)).isEqualTo(KeyState.ENABLED);
    }

    @Test
    void schedulingAnUnknownVersion_orCancellingAnUnscheduledOne_isRefused() {
      secrets.thrown(
          KeyNotFoundException.class,
          () -> hsm.admin().scheduleDestruction("k", 9, Duration.ofDays(7)),
          "'k'",
          "version 9");
      secrets.thrown(
          OperationNotPermittedException.class,
          () -> hsm.admin().cancelDestruction("k", 1),
          "'k'",
          "version 1");
      assertThat(version1().state()).isEqualTo(KeyState.ENABLED);
    }

    private byte[] wrappedMaterial(int version) {
      return StoreFiles.queryBytes(
          db,
          "SELECT wrapped_material FROM key_version WHERE key_name = ? AND version = ?",
          "k",
          version);
    }
  }

  // =============================================================== re-encryption and minimum

  @Nested
  class ReencryptionAndMinimumVersion {

    @Test
    void reencrypt_movesAnOldCiphertextToThePrimaryVersion() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      byte[] v1 = key.encrypt(DATA, CONTEXT);
      key.rotate();

      byte[] rewrapped = key.reencrypt(v1, CONTEXT);

      assertThat(versionOf(rewrapped)).isEqualTo(2);
      assertThat(key.decrypt(rewrapped, CONTEXT)).isEqualTo(DATA);
      hsm.admin().setMinDecryptionVersion("k", 2);
      assertThat(key.decrypt(rewrapped, CONTEXT)).as("after raising the minimum").isEqualTo(DATA);
    }

    @Test
    void reencrypt_withTheWrongContext_throwsInvalidCiphertext() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      byte[] v1 = key.encrypt(DATA, CONTEXT);
      key.rotate();

      secrets.thrown(
          InvalidCiphertextException.class,
          () -> key.reencrypt(v1, "tenant=8".getBytes(UTF_8)),
          "'k'",
          "version 1");
    }

    @Test
    void aMinimumDecryptionVersion_refusesOlderCiphertexts_namingTheVersions() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      byte[] v1 = key.encrypt(DATA, CONTEXT);
      key.rotate();
      byte[] v2 = key.encrypt(DATA, CONTEXT);

      hsm.admin().setMinDecryptionVersion("k", 2);

      assertThat(key.info().minDecryptionVersion()).isEqualTo(2);
      VersionBelowMinimumException refused =
          secrets.thrown(
              VersionBelowMinimumException.class,
              () -> key.decrypt(v1, CONTEXT),
              "'k'",
              "version 1");
      assertThat(refused).hasMessageContaining("minimum decryption version 2");
      secrets.thrown(VersionBelowMinimumException.class, () -> key.reencrypt(v1, CONTEXT), "'k'");
      assertThat(key.decrypt(v2, CONTEXT)).isEqualTo(DATA);

      reopen();
      secrets.thrown(
          VersionBelowMinimumException.class, () -> hsm.key("k").decrypt(v1, CONTEXT), "'k'");
      hsm.admin().setMinDecryptionVersion("k", 1);
      assertThat(hsm.key("k").decrypt(v1, CONTEXT)).as("lowered again").isEqualTo(DATA);
    }

    @Test
    void aMinimumDecryptionVersion_refusesOlderSignaturesToo() {
      KeyHandle key = hsm.createKey("k", KeySpec.ecdsaP256());
      byte[] v1 = key.sign(DATA);
      key.rotate();
      byte[] v2 = key.sign(DATA);

      hsm.admin().setMinDecryptionVersion("k", 2);

      secrets.thrown(
          VersionBelowMinimumException.class, () -> key.verify(DATA, v1), "'k'", "version 1", "2");
      key.verify(DATA, v2);
    }

    @Test
    void aMinimumOutsideOneToThePrimaryVersion_isRefused() {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      key.rotate();

      for (int bad : new int[] {0, -1, 3}) {
        secrets.thrown(
            InvalidArgumentException.class,
            () -> hsm.admin().setMinDecryptionVersion("k", bad),
            "'k'",
            "1..2");
      }
      assertThat(key.info().minDecryptionVersion()).isEqualTo(1);
    }
  }

  // ==================================================================== another process

  @Nested
  class AnotherProcess {

    @Test
    void aVersionAddedByAnotherProcess_decryptsAtOnce_withoutWaitingForARefresh() {
      HsmConfig quiet = config.refreshInterval(Duration.ofHours(1));
      hsm.createKey("shared", KeySpec.aes256Gcm());
      try (HsmClient other = HsmClient.open(quiet)) {
        KeyHandle theirs = other.key("shared");
        byte[] cached = theirs.encrypt(DATA, CONTEXT); // loads version 1 into their cache
        assertThat(versionOf(cached)).isEqualTo(1);

        hsm.key("shared").rotate();
        byte[] v2 = hsm.key("shared").encrypt(DATA, CONTEXT);

        assertThat(versionOf(v2)).isEqualTo(2);
        assertThat(theirs.decrypt(v2, CONTEXT)).isEqualTo(DATA);
        assertThat(theirs.decrypt(cached, CONTEXT)).isEqualTo(DATA);
      }
    }

    @Test
    void anotherProcessRotation_isUsedForNewOutput_afterTheNextRefresh() {
      HsmConfig fast = config.refreshInterval(Duration.ofMillis(50));
      hsm.createKey("shared", KeySpec.aes256Gcm());
      try (HsmClient other = HsmClient.open(fast)) {
        KeyHandle theirs = other.key("shared");
        assertThat(versionOf(theirs.encrypt(DATA, CONTEXT))).isEqualTo(1);

        hsm.key("shared").rotate();

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int version = versionOf(theirs.encrypt(DATA, CONTEXT));
        while (version != 2 && System.nanoTime() < deadline) {
          sleep(20);
          version = versionOf(theirs.encrypt(DATA, CONTEXT));
        }
        assertThat(version).as("version of the other client's new ciphertexts").isEqualTo(2);
        assertThat(hsm.key("shared").decrypt(theirs.encrypt(DATA, CONTEXT), CONTEXT))
            .isEqualTo(DATA);
      }
    }

    @Test
    void aVersionDisabledByAnotherProcess_isRefused_afterTheNextRefresh() {
      HsmConfig fast = config.refreshInterval(Duration.ofMillis(50));
      KeyHandle ours = hsm.createKey("shared", KeySpec.aes256Gcm());
      byte[] v1 = ours.encrypt(DATA, CONTEXT);
      ours.rotate();
      try (HsmClient other = HsmClient.open(fast)) {
        KeyHandle theirs = other.key("shared");
        assertThat(theirs.decrypt(v1, CONTEXT)).isEqualTo(DATA);

        ours.disableVersion(1);

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
          try {
            theirs.decrypt(v1, CONTEXT);
          } catch (KeyDisabledException refused) {
            last = refused;
            break;
          }
          sleep(20);
        }
        assertThat(last).isExactlyInstanceOf(KeyDisabledException.class);
      }
    }

    @Test
    void aDueKeyUsedByTwoProcesses_rotatesOnlyOnce() {
      HsmConfig quiet = config.refreshInterval(Duration.ofHours(1));
      KeyHandle ours =
          hsm.createKey("shared", KeySpec.aes256Gcm().withRotationPeriod(Duration.ofDays(30)));
      try (HsmClient other = HsmClient.open(quiet)) {
        KeyHandle theirs = other.key("shared");
        assertThat(versionOf(theirs.encrypt(DATA, CONTEXT))).isEqualTo(1);
        assertThat(versionOf(ours.encrypt(DATA, CONTEXT))).isEqualTo(1);
        clock.advance(Duration.ofDays(31));

        byte[] fromOurs = ours.encrypt(DATA, CONTEXT);
        byte[] fromTheirs = theirs.encrypt(DATA, CONTEXT); // its cache still says v1 is due

        assertThat(versionOf(fromOurs)).isEqualTo(2);
        assertThat(versionOf(fromTheirs)).isEqualTo(2);
        assertThat(versions(ours)).hasSize(2);
        assertThat(ours.decrypt(fromTheirs, CONTEXT)).isEqualTo(DATA);
      }
    }

    private void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
