package dev.hsm.contract;

import static dev.hsm.contract.StoreRecords.copyOf;
import static dev.hsm.contract.StoreRecords.entry;
import static dev.hsm.contract.StoreRecords.key;
import static dev.hsm.contract.StoreRecords.newSlot;
import static dev.hsm.contract.StoreRecords.refused;
import static dev.hsm.contract.StoreRecords.slot;
import static dev.hsm.contract.StoreRecords.version;
import static dev.hsm.contract.StoreRecords.withCertificateChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.StoreException;
import dev.hsm.UnlockSecret;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.NewKeys;
import dev.hsm.spi.StoreContents;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import dev.hsm.spi.StoredSlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link KeyRecordStore} must do, as the engine relies on it: a store's test extends
 * this class and supplies a factory for a new, empty store (like micronaut-cache's cache-tck). Each
 * test opens one or more clients from that factory; two clients of one factory stand for two
 * processes sharing the store. The records are plausible rows with made-up bytes: a store checks no
 * MAC and unwraps nothing.
 */
public abstract class KeyRecordStoreContract {
  private Path dir;
  private KeyRecordStore.Factory factory;
  private final List<KeyRecordStore> clients = new ArrayList<>();

  /**
   * A factory for a new, empty store used by this test only; {@code tempDir} is an empty directory
   * the store may keep files in, deleted after the test.
   */
  protected abstract KeyRecordStore.Factory newStore(Path tempDir);

  /**
   * A factory on a file that {@link KeyRecordStore#backupTo} wrote, so the suite can check that the
   * backup holds the whole store; {@code null} (the default) where a backup cannot be opened as a
   * store, which skips that check.
   */
  protected KeyRecordStore.Factory openBackup(Path backupFile) {
    return null;
  }

  @BeforeEach
  void newEmptyStore(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    factory = newStore(Files.createDirectory(tempDir.resolve("store")));
  }

  @AfterEach
  void closeClients() {
    clients.forEach(KeyRecordStore::close);
  }

  /** A new client of this test's store, closed after the test. */
  private KeyRecordStore open() {
    KeyRecordStore client = factory.open();
    clients.add(client);
    return client;
  }

  /** A new client of a store that {@link KeyRecordStore#initialize} set up. */
  private KeyRecordStore initialized() {
    KeyRecordStore store = open();
    assertThat(store.initialize("store-1", "settings-1", newSlot(1))).isTrue();
    return store;
  }

  /** Everything a store holds, as its reads return it. */
  private record Contents(
      Optional<String> storeId,
      Optional<String> settings,
      List<StoredSlot> slots,
      List<StoredKey> keys,
      List<StoredAuditEntry> audit,
      Map<String, Map<String, Long>> usage) {}

  private static Contents contents(KeyRecordStore store) {
    return new Contents(
        store.storeId(),
        store.settings(),
        store.unlockSlots(),
        store.listKeys(),
        store.auditEntries(0, 100_000),
        store.usage());
  }

  /**
   * Runs {@code call} on {@code store} and checks that it wrote nothing: every read, on this client
   * and on another, returns what it did before, and the other client's data version has not moved.
   */
  private void assertWritesNothing(KeyRecordStore store, Consumer<KeyRecordStore> call) {
    assertWritesNothing(factory, store, call);
  }

  /** {@link #assertWritesNothing} on a store of another factory of this test. */
  private void assertWritesNothing(
      KeyRecordStore.Factory storesFactory, KeyRecordStore store, Consumer<KeyRecordStore> call) {
    KeyRecordStore observer = openOn(storesFactory);
    Contents before = contents(store);
    long version = observer.dataVersion();

    call.accept(store);

    assertThat(contents(store)).usingRecursiveComparison().isEqualTo(before);
    assertThat(contents(observer)).usingRecursiveComparison().isEqualTo(before);
    assertThat(observer.dataVersion()).as("another client's data version").isEqualTo(version);
  }

  /** Checks that {@code refusedWrite} throws {@code expected} and writes nothing to {@code on}. */
  private void assertRefusedWritingNothing(
      KeyRecordStore.Factory on,
      Class<? extends Exception> expected,
      Consumer<KeyRecordStore> refusedWrite) {
    assertWritesNothing(
        on,
        openOn(on),
        s -> assertThatThrownBy(() -> refusedWrite.accept(s)).isInstanceOf(expected));
  }

  /** Checks that {@code refusedWrite} throws {@code expected} and writes nothing. */
  private void assertRefusedWritingNothing(
      KeyRecordStore store,
      Class<? extends Exception> expected,
      Consumer<KeyRecordStore> refusedWrite) {
    assertWritesNothing(
        store, s -> assertThatThrownBy(() -> refusedWrite.accept(s)).isInstanceOf(expected));
  }

  private static void assertSameRecords(Object actual, Object expected) {
    assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
  }

  private static List<Long> sequences(List<StoredAuditEntry> entries) {
    return entries.stream().map(StoredAuditEntry::sequence).toList();
  }

  private static List<String> names(List<StoredKey> keys) {
    return keys.stream().map(StoredKey::name).toList();
  }

  // ---------------------------------------------------------------- clients, initialisation

  @Test
  void description_isTheFactorysDescription() {
    assertThat(factory.description()).isNotBlank();
    assertThat(open().description()).isEqualTo(factory.description());
  }

  @Test
  void aNewStore_isEmpty_withNoStoreIdSettingsSlotsKeysAuditEntriesOrUsage() {
    KeyRecordStore store = open();

    assertThat(store.storeId()).isEmpty();
    assertThat(store.settings()).isEmpty();
    assertThat(store.unlockSlots()).isEmpty();
    assertThat(store.listKeys()).isEmpty();
    assertThat(store.findKey("k")).isEmpty();
    assertThat(store.auditEntries(0, 10)).isEmpty();
    assertThat(store.lastAuditEntry()).isEmpty();
    assertThat(store.lastAuditSequenceOf(List.of("key.create"))).isZero();
    assertThat(store.usage()).isEmpty();
    assertThat(store.keysWithDueChanges(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void initialize_storesIdSettingsAndFirstSlot_withAnIdTheStoreAssigns() {
    KeyRecordStore store = open();

    assertThat(store.initialize("store-1", "settings-1", newSlot(1))).isTrue();

    assertThat(store.storeId()).contains("store-1");
    assertThat(store.settings()).contains("settings-1");
    assertThat(store.unlockSlots()).hasSize(1);
    StoredSlot stored = store.unlockSlots().get(0);
    assertThat(stored.id()).isPositive();
    assertSameRecords(stored, slot(stored.id(), 1));
    assertThat(store.auditEntries(0, 10)).as("initialize writes no audit entry").isEmpty();
  }

  @Test
  void initialize_aSecondTime_returnsFalse_andWritesNothing() {
    initialized();

    assertWritesNothing(
        open(),
        second -> assertThat(second.initialize("store-2", "settings-2", newSlot(2))).isFalse());
  }

  @Test
  void initialize_byTwoClientsAtOnce_succeedsForExactlyOne() throws Exception {
    KeyRecordStore a = open();
    KeyRecordStore b = open();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Boolean> first =
          threads.submit(
              () -> {
                start.await();
                return a.initialize("store-a", "settings-a", newSlot(1));
              });
      Future<Boolean> second =
          threads.submit(
              () -> {
                start.await();
                return b.initialize("store-b", "settings-b", newSlot(2));
              });
      start.countDown();

      boolean aWon = first.get(60, TimeUnit.SECONDS);
      boolean bWon = second.get(60, TimeUnit.SECONDS);
      assertThat(aWon).isNotEqualTo(bWon);
      String winner = aWon ? "a" : "b";
      assertThat(a.storeId()).contains("store-" + winner);
      assertThat(b.settings()).contains("settings-" + winner);
      assertThat(b.unlockSlots()).hasSize(1);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void twoClients_readEachOthersWrites_asSoonAsTheyReturn() {
    KeyRecordStore a = initialized();
    KeyRecordStore b = open();

    a.insertKeys(List.of(key("k").build()), List.of(entry(1, "key.create", "k")));
    assertSameRecords(b.findKey("k").orElseThrow(), key("k").build());
    assertSameRecords(b.lastAuditEntry().orElseThrow(), entry(1, "key.create", "k"));

    StoredKey rotated =
        copyOf(key("k").build())
            .revision(2)
            .primaryVersion(2)
            .versions(version(1, 1_000), version(2, 2_000))
            .build();
    b.updateKey(rotated, 1, entry(2, "key.rotate", "k"));
    assertSameRecords(a.findKey("k").orElseThrow(), rotated);
    assertThat(a.lastAuditEntry().orElseThrow().sequence()).isEqualTo(2);

    b.updateSettings("settings-1", "settings-2", entry(3));
    assertThat(a.settings()).contains("settings-2");
  }

  // ---------------------------------------------------------------- settings

  @Test
  void updateSettings_fromTheCurrentValue_replacesThem_andAppendsItsAuditEntry() {
    KeyRecordStore store = initialized();

    store.updateSettings("settings-1", "settings-2", entry(1, "admin.set-credential", null));

    assertThat(store.settings()).contains("settings-2");
    assertSameRecords(store.auditEntries(0, 10), List.of(entry(1, "admin.set-credential", null)));
  }

  @Test
  void updateSettings_fromAStaleValue_throwsConcurrentUpdate_andAppendsNoAuditEntry() {
    KeyRecordStore store = initialized();
    open().updateSettings("settings-1", "settings-2", entry(1));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.updateSettings("settings-1", "settings-3", entry(2)));
  }

  @Test
  void updateSettings_beforeInitialize_throwsConcurrentUpdate_andWritesNothing() {
    assertRefusedWritingNothing(
        open(), ConcurrentUpdateException.class, s -> s.updateSettings("", "settings", entry(1)));
  }

  @Test
  void updateSettings_whoseAuditSequenceIsTaken_throwsConcurrentUpdate_andKeepsTheSettings() {
    KeyRecordStore store = initialized();
    store.appendAudit(entry(1));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.updateSettings("settings-1", "settings-2", entry(1, "admin.set-credential", null)));
  }

  // ---------------------------------------------------------------- unlock slots

  @Test
  void addSlot_givesAHigherIdThanEveryEarlierSlot_andAppendsItsAuditEntry() {
    KeyRecordStore store = initialized();

    long second = addSlot(store, newSlot(2), entry(1, "slot.add", null));
    long third = addSlot(store, newSlot(3), entry(2, "slot.add", null));

    List<StoredSlot> slots = store.unlockSlots();
    assertThat(slots).extracting(StoredSlot::id).isSorted().doesNotHaveDuplicates();
    assertThat(slots).extracting(StoredSlot::id).endsWith(second, third);
    assertSameRecords(
        slots,
        List.of(
            slot(slots.get(0).id(), 1), slot(slots.get(1).id(), 2), slot(slots.get(2).id(), 3)));
    assertThat(sequences(store.auditEntries(0, 10))).containsExactly(1L, 2L);
  }

  @Test
  void slotIds_areNeverReused_evenAfterTheNewestSlotWasRemoved() {
    KeyRecordStore store = initialized();
    addSlot(store, newSlot(2), entry(1));
    long removedId = store.unlockSlots().get(1).id();
    assertThat(removeSlot(store, removedId, entry(2))).isTrue();

    addSlot(store, newSlot(3), entry(3));

    List<StoredSlot> slots = store.unlockSlots();
    assertThat(slots).hasSize(2);
    assertThat(slots.get(1).id()).isGreaterThan(removedId);
    assertSameRecords(slots.get(1), slot(slots.get(1).id(), 3));
  }

  @Test
  void removeSlot_ofAKnownId_removesIt_andAppendsItsAuditEntry() {
    KeyRecordStore store = initialized();
    addSlot(store, newSlot(2), entry(1));
    StoredSlot first = store.unlockSlots().get(0);
    StoredSlot second = store.unlockSlots().get(1);

    assertThat(removeSlot(store, first.id(), entry(2, "slot.remove", null))).isTrue();

    assertSameRecords(store.unlockSlots(), List.of(second));
    assertSameRecords(store.lastAuditEntry().orElseThrow(), entry(2, "slot.remove", null));
  }

  @Test
  void removeSlot_ofAnUnknownId_returnsFalse_andWritesNothingNotEvenItsAuditEntry() {
    KeyRecordStore store = initialized();
    long unknown = store.unlockSlots().get(0).id() + 1000;

    assertWritesNothing(
        store, s -> assertThat(removeSlot(s, unknown, entry(1, "slot.remove", null))).isFalse());
  }

  @Test
  void addSlot_whoseAuditSequenceIsTaken_throwsConcurrentUpdate_andAddsNoSlot() {
    KeyRecordStore store = initialized();
    store.appendAudit(entry(1));

    assertRefusedWritingNothing(
        store, ConcurrentUpdateException.class, s -> addSlot(s, newSlot(2), entry(1)));
  }

  // ---------------------------------------------------------------- reading keys

  @Test
  void findKey_returnsExactlyTheBytesAndValuesStored_inEveryColumn() {
    KeyRecordStore store = initialized();
    StoredKey key =
        key("payroll.signing-2030_v1")
            .algorithm("RSA_PSS_SHA512", 4096)
            .operations("SIGN,VERIFY,EXPORT")
            .flags(true, true, false)
            .materialForm("PUBLIC_X509")
            .labels("{\"team\":\"paie – équipe\",\"quote\":\"it's \\\"x\\\"\"}")
            .createdAt(Long.MAX_VALUE - 1)
            .rotationPeriodSeconds(Long.MAX_VALUE / 1000)
            .minDecryptionVersion(Integer.MAX_VALUE)
            .revision(Long.MAX_VALUE)
            .primaryVersion(Integer.MAX_VALUE)
            .versions(
                new StoredKeyVersion(
                    1,
                    "DESTROYED",
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    new byte[0],
                    null,
                    StoreRecords.bytes(64, 1)),
                new StoredKeyVersion(
                    Integer.MAX_VALUE,
                    "DISABLED",
                    -1,
                    0,
                    StoreRecords.bytes(4096, 2),
                    new byte[256],
                    StoreRecords.bytes(32, 3)))
            .build();

    store.insertKeys(List.of(key), List.of(entry(1, "key.import", key.name())));

    assertSameRecords(store.findKey(key.name()).orElseThrow(), key);
    assertSameRecords(open().findKey(key.name()).orElseThrow(), key);
  }

  @Test
  void findKey_keepsANullPublicKeyAndNullMaterialNull() {
    KeyRecordStore store = initialized();
    StoredKey key =
        key("aes")
            .algorithm("AES_256_GCM", 0)
            .materialForm("SECRET")
            .versions(
                new StoredKeyVersion(1, "DESTROYED", 1_000, 2_000, null, null, new byte[] {1}))
            .build();

    store.insertKeys(List.of(key), List.of(entry(1, "key.create", "aes")));

    StoredKeyVersion read = store.findKey("aes").orElseThrow().versions().get(0);
    assertThat(read.publicKey()).isNull();
    assertThat(read.material()).isNull();
  }

  @Test
  void findKey_returnsVersionsInAscendingOrder_whateverOrderTheyWereGivenIn() {
    KeyRecordStore store = initialized();
    StoredKey key =
        key("k")
            .primaryVersion(10)
            .versions(version(10, 10_000), version(2, 2_000), version(1, 1_000))
            .build();

    store.insertKeys(List.of(key), List.of(entry(1, "key.create", "k")));

    assertThat(store.findKey("k").orElseThrow().versions())
        .extracting(StoredKeyVersion::version)
        .containsExactly(1, 2, 10);
  }

  @Test
  void findKey_ofAnUnknownName_isEmpty() {
    KeyRecordStore store = initialized();
    store.insertKeys(List.of(key("k").build()), List.of(entry(1, "key.create", "k")));

    assertThat(store.findKey("k2")).isEmpty();
    assertThat(store.findKey("")).isEmpty();
  }

  @Test
  void keyNames_compareExactly_soNamesDifferingInCaseAreTwoKeys() {
    KeyRecordStore store = initialized();

    store.insertKeys(
        List.of(key("invoices").build(), key("Invoices").revision(7).build()),
        List.of(entry(1, "key.create", "invoices"), entry(2, "key.create", "Invoices")));

    assertThat(store.findKey("Invoices").orElseThrow().revision()).isEqualTo(7);
    assertThat(store.findKey("invoices").orElseThrow().revision()).isEqualTo(1);
    assertThat(store.findKey("INVOICES")).isEmpty();
  }

  @Test
  void storedBytes_doNotChange_whenTheCallerLaterChangesItsArrays() {
    KeyRecordStore store = initialized();
    StoredKey key = key("k").build();
    StoredAuditEntry entry = entry(1, "key.create", "k");
    StoredKey expected = key("k").build();

    store.insertKeys(List.of(key), List.of(entry));
    key.rowMac()[0] ^= 1;
    key.versions().get(0).material()[0] ^= 1;
    entry.hash()[0] ^= 1;
    StoredKey read = store.findKey("k").orElseThrow();
    read.versions().get(0).rowMac()[0] ^= 1;
    store.lastAuditEntry().orElseThrow().mac()[0] ^= 1;

    assertSameRecords(store.findKey("k").orElseThrow(), expected);
    assertSameRecords(store.lastAuditEntry().orElseThrow(), entry(1, "key.create", "k"));
  }

  @Test
  void listKeys_returnsEveryKeyWithItsVersions_sortedByName() {
    KeyRecordStore store = initialized();
    List<String> inserted = List.of("b", "a_1", "A", "a-1", "a.1", "a", "Z9", "0");
    List<StoredKey> keys = new ArrayList<>();
    List<StoredAuditEntry> entries = new ArrayList<>();
    for (String name : inserted) {
      keys.add(key(name).primaryVersion(2).versions(version(1, 1_000), version(2, 2_000)).build());
      entries.add(entry(entries.size() + 1, "key.create", name));
    }

    store.insertKeys(keys, entries);

    List<StoredKey> listed = store.listKeys();
    assertThat(names(listed)).containsExactly("0", "A", "Z9", "a", "a-1", "a.1", "a_1", "b");
    for (StoredKey key : listed) {
      assertSameRecords(key, keys.get(inserted.indexOf(key.name())));
    }
  }

  // ---------------------------------------------------------------- inserting keys

  @Test
  void insertKeys_writesEveryKeyAndItsAuditEntry_inOrder() {
    KeyRecordStore store = initialized();
    List<StoredKey> keys = List.of(key("k1").build(), key("k2").build(), key("k3").build());
    List<StoredAuditEntry> entries =
        List.of(
            entry(1, "key.create", "k1"),
            entry(2, "key.create", "k2"),
            entry(3, "key.import", "k3"));

    store.insertKeys(keys, entries);

    assertSameRecords(store.listKeys(), keys);
    assertSameRecords(store.auditEntries(1, 10), entries);
  }

  @Test
  void insertKeys_withATakenName_throwsKeyAlreadyExists_andWritesNoneOfTheKeysNorEntries() {
    KeyRecordStore store = initialized();
    store.insertKeys(List.of(key("taken").build()), List.of(entry(1, "key.create", "taken")));

    assertRefusedWritingNothing(
        store,
        KeyAlreadyExistsException.class,
        s ->
            s.insertKeys(
                List.of(key("new1").build(), key("taken").revision(5).build(), key("new2").build()),
                List.of(
                    entry(2, "key.create", "new1"),
                    entry(3, "key.create", "taken"),
                    entry(4, "key.create", "new2"))));
  }

  @Test
  void insertKeys_withOneNameTwice_throwsKeyAlreadyExists_andWritesNothing() {
    KeyRecordStore store = initialized();

    assertRefusedWritingNothing(
        store,
        KeyAlreadyExistsException.class,
        s ->
            s.insertKeys(
                List.of(key("twice").build(), key("twice").revision(2).build()),
                List.of(entry(1, "key.create", "twice"), entry(2, "key.create", "twice"))));
  }

  @Test
  void insertKeys_whoseAuditSequenceIsTaken_throwsConcurrentUpdate_andWritesNoKey() {
    KeyRecordStore store = initialized();
    open().appendAudit(entry(2));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s ->
            s.insertKeys(
                List.of(key("k1").build(), key("k2").build()),
                List.of(entry(1, "key.create", "k1"), entry(2, "key.create", "k2"))));
  }

  @Test
  void insertKeys_withMoreKeysThanAuditEntries_throwsIllegalArgument_andWritesNothing() {
    KeyRecordStore store = initialized();

    assertRefusedWritingNothing(
        store,
        IllegalArgumentException.class,
        s ->
            s.insertKeys(
                List.of(key("k1").build(), key("k2").build()),
                List.of(entry(1, "key.create", "k1"))));
  }

  @Test
  void insertKeys_ofAThousandKeysAtOnce_writesThemAll_orNoneIfOneNameIsTaken() {
    // More keys than one PostgreSQL statement has parameters for: that store writes them in
    // batches instead of its one statement, with the same outcome.
    KeyRecordStore store = initialized();
    store.insertKeys(List.of(key("taken").build()), List.of(entry(1, "key.create", "taken")));
    List<StoredKey> many = new ArrayList<>();
    List<StoredAuditEntry> entries = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      many.add(key("k" + i).build());
      entries.add(entry(2 + i, "key.create", "k" + i));
    }
    List<StoredKey> withTaken = new ArrayList<>(many);
    withTaken.set(999, key("taken").revision(5).build());
    List<StoredAuditEntry> withTakenEntries = new ArrayList<>(entries);
    withTakenEntries.set(999, entry(1_001, "key.create", "taken"));

    assertRefusedWritingNothing(
        store, KeyAlreadyExistsException.class, s -> s.insertKeys(withTaken, withTakenEntries));

    store.insertKeys(many, entries);
    assertThat(store.listKeys()).hasSize(1_001);
    assertThat(store.lastAuditEntry().orElseThrow().sequence()).isEqualTo(1_001L);
  }

  @Test
  void insertKeysAfterHead_chainsAfterTheHeadAsItIsWhenWriting_andWritesWhatTheChainReturns() {
    KeyRecordStore store = initialized();
    open().appendAudit(entry(1)); // another client wrote last: the head is its entry

    List<Optional<StoredAuditEntry>> heads = new ArrayList<>();
    store.insertKeysAfterHead(
        head -> {
          heads.add(head);
          long next = head.map(StoredAuditEntry::sequence).orElse(0L) + 1;
          return new NewKeys(
              List.of(key("k1").build(), key("k2").build()),
              List.of(entry(next, "key.create", "k1"), entry(next + 1, "key.create", "k2")));
        });

    assertThat(heads)
        .isNotEmpty()
        .allSatisfy(head -> assertSameRecords(head.orElseThrow(), entry(1)));
    assertThat(names(store.listKeys())).containsExactly("k1", "k2");
    assertThat(store.auditEntries(1, 10))
        .extracting(StoredAuditEntry::sequence)
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void insertKeysAfterHead_withNothingToWrite_writesNothing() {
    KeyRecordStore store = initialized();
    KeyRecordStore other = open();
    long before = other.dataVersion();

    store.insertKeysAfterHead(head -> new NewKeys(List.of(), List.of()));

    assertThat(store.listKeys()).isEmpty();
    assertThat(store.lastAuditEntry()).isEmpty();
    assertThat(other.dataVersion()).as("another client sees no change").isEqualTo(before);
  }

  @Test
  void insertKeysAfterHead_withATakenName_throwsKeyAlreadyExists_andWritesNothing() {
    KeyRecordStore store = initialized();
    store.insertKeys(List.of(key("taken").build()), List.of(entry(1, "key.create", "taken")));

    assertRefusedWritingNothing(
        store,
        KeyAlreadyExistsException.class,
        s ->
            s.insertKeysAfterHead(
                head ->
                    new NewKeys(
                        List.of(key("new").build(), key("taken").revision(5).build()),
                        List.of(entry(2, "key.create", "new"), entry(3, "key.create", "taken")))));
  }

  // ---------------------------------------------------------------- changing keys

  @Test
  void updateKey_withTheCurrentRevision_replacesTheKeyRowAndEveryVersionRow() {
    KeyRecordStore store = initialized();
    StoredKey original =
        key("k").primaryVersion(2).versions(version(1, 1_000), version(2, 2_000)).build();
    store.insertKeys(List.of(original), List.of(entry(1, "key.create", "k")));
    StoredKey changed =
        copyOf(original)
            .revision(2)
            .flags(false, false, false)
            .labels("{\"a\":\"b\"}")
            .minDecryptionVersion(3)
            .primaryVersion(3)
            .versions(
                version(2, "SCHEDULED_FOR_DESTRUCTION", 9_000),
                version(3, 3_000)) // version 1 left out: its row goes
            .build();

    store.updateKey(changed, 1, entry(2, "key.rotate", "k"));

    assertSameRecords(store.findKey("k").orElseThrow(), changed);
    assertSameRecords(store.lastAuditEntry().orElseThrow(), entry(2, "key.rotate", "k"));
  }

  @Test
  void certificateChains_ofVersions_areKeptByteForByte_throughInsertUpdateAndReopen() {
    KeyRecordStore store = initialized();
    byte[] chain = StoreRecords.bytes(1_500, 77); // any bytes: a store never parses them
    StoredKey original =
        key("k")
            .primaryVersion(2)
            .versions(withCertificateChain(version(1, 1_000), chain), version(2, 2_000))
            .build();
    store.insertKeys(List.of(original), List.of(entry(1, "key.create", "k")));
    assertSameRecords(open().findKey("k").orElseThrow(), original);
    assertThat(open().findKey("k").orElseThrow().versions().get(1).certificateChain())
        .as("a version without a chain reads back without one")
        .isNull();

    byte[] renewed = StoreRecords.bytes(900, 78);
    StoredKey attached =
        copyOf(original)
            .revision(2)
            .versions(
                withCertificateChain(version(1, 1_000), null),
                withCertificateChain(version(2, 2_000), renewed))
            .build();
    store.updateKey(attached, 1, entry(2, "key.attach-certificate", "k"));

    assertSameRecords(open().findKey("k").orElseThrow(), attached);
    assertSameRecords(open().listKeys(), List.of(attached));
  }

  @Test
  void updateKey_withAStaleRevision_throwsConcurrentUpdate_andWritesNothing() {
    KeyRecordStore store = initialized();
    StoredKey original = key("k").build();
    store.insertKeys(List.of(original), List.of(entry(1, "key.create", "k")));
    open().updateKey(copyOf(original).revision(2).build(), 1, entry(2, "key.disable", "k"));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.updateKey(copyOf(original).revision(2).labels("{}").build(), 1, entry(3)));
  }

  @Test
  void updateKey_ofAMissingKey_throwsConcurrentUpdate_andWritesNothing() {
    KeyRecordStore store = initialized();

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.updateKey(key("missing").revision(2).build(), 1, entry(1)));
  }

  @Test
  void updateKey_whoseAuditSequenceIsTaken_throwsConcurrentUpdate_andKeepsTheKey() {
    KeyRecordStore store = initialized();
    StoredKey original = key("k").build();
    store.insertKeys(List.of(original), List.of(entry(1, "key.create", "k")));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.updateKey(copyOf(original).revision(2).build(), 1, entry(1, "key.disable", "k")));
  }

  // ---------------------------------------------------------------- due changes

  @Test
  void keysWithDueChanges_findsAKeyOnceItsPrimaryVersionIsAsOldAsTheRotationPeriod() {
    KeyRecordStore store = initialized();
    // The primary version (2) is the newest here, but neither oldest nor last in the list.
    StoredKey key =
        key("rotating")
            .rotationPeriodSeconds(3_600)
            .primaryVersion(2)
            .versions(version(1, 1_000), version(2, 50_000), version(3, "DISABLED", 0))
            .build();
    store.insertKeys(List.of(key), List.of(entry(1, "key.create", "rotating")));
    long due = 50_000 + 3_600_000;

    assertThat(store.keysWithDueChanges(due - 1)).isEmpty();
    assertThat(store.keysWithDueChanges(due)).containsExactly("rotating");
    assertThat(open().keysWithDueChanges(due + 86_400_000)).containsExactly("rotating");
  }

  @Test
  void keysWithDueChanges_findsAKeyOnceAVersionsScheduledDestructionIsReached() {
    KeyRecordStore store = initialized();
    StoredKey key =
        key("k")
            .primaryVersion(2)
            .versions(version(1, "SCHEDULED_FOR_DESTRUCTION", 90_000), version(2, 2_000))
            .build();
    store.insertKeys(List.of(key), List.of(entry(1, "key.create", "k")));

    assertThat(store.keysWithDueChanges(89_999)).isEmpty();
    assertThat(store.keysWithDueChanges(90_000)).containsExactly("k");
    assertThat(store.keysWithDueChanges(Long.MAX_VALUE)).containsExactly("k");
  }

  @Test
  void keysWithDueChanges_namesAKeyOnce_evenWithARotationAndSeveralDestructionsDue() {
    KeyRecordStore store = initialized();
    StoredKey key =
        key("k")
            .rotationPeriodSeconds(3_600)
            .primaryVersion(3)
            .versions(
                version(1, "SCHEDULED_FOR_DESTRUCTION", 10_000),
                version(2, "SCHEDULED_FOR_DESTRUCTION", 20_000),
                version(3, 3_000))
            .build();
    store.insertKeys(List.of(key), List.of(entry(1, "key.create", "k")));

    assertThat(store.keysWithDueChanges(100_000_000)).containsExactly("k");
  }

  @Test
  void keysWithDueChanges_leavesOutKeysWithNothingDue() {
    KeyRecordStore store = initialized();
    long now = 1_000_000_000;
    List<StoredKey> keys =
        List.of(
            key("no-period").primaryVersion(1).versions(version(1, 0)).build(),
            key("period-not-passed")
                .rotationPeriodSeconds(3_600)
                .versions(version(1, now - 3_599_999))
                .build(),
            key("only-an-old-version-is-old")
                .rotationPeriodSeconds(3_600)
                .primaryVersion(2)
                .versions(version(1, 0), version(2, now))
                .build(),
            key("destruction-later")
                .primaryVersion(2)
                .versions(version(1, "SCHEDULED_FOR_DESTRUCTION", now + 1), version(2, 2_000))
                .build(),
            key("destroyed-already")
                .primaryVersion(2)
                .versions(version(1, "DESTROYED", 5_000), version(2, now))
                .build(),
            key("disabled-with-a-date")
                .primaryVersion(2)
                .versions(version(1, "DISABLED", 5_000), version(2, now))
                .build());
    List<StoredAuditEntry> entries = new ArrayList<>();
    keys.forEach(k -> entries.add(entry(entries.size() + 1, "key.create", k.name())));
    store.insertKeys(keys, entries);

    assertThat(store.keysWithDueChanges(now)).isEmpty();
  }

  // ---------------------------------------------------------------- replacing everything

  /** A store with two keys and two slots, as a master key rotation finds it. */
  private KeyRecordStore storeToRewrap() {
    KeyRecordStore store = initialized();
    addSlot(store, newSlot(2), entry(1, "slot.add", null));
    store.insertKeys(
        List.of(key("a").build(), key("b").revision(4).build()),
        List.of(entry(2, "key.create", "a"), entry(3, "key.create", "b")));
    return store;
  }

  private static List<StoredSlot> resealed(List<StoredSlot> slots) {
    List<StoredSlot> resealed = new ArrayList<>();
    for (StoredSlot slot : slots) {
      resealed.add(slot(slot.id(), 100 + slot.id()));
    }
    return resealed;
  }

  private static List<StoredKey> rewrapped(List<StoredKey> keys) {
    List<StoredKey> rewrapped = new ArrayList<>();
    for (StoredKey key : keys) {
      rewrapped.add(
          copyOf(key)
              .revision(key.revision() + 1)
              .versions(version(1, "ENABLED", 0), version(2, 2_000))
              .primaryVersion(2)
              .build());
    }
    return rewrapped;
  }

  @Test
  void replaceAll_replacesEveryKeyEverySlotAndTheSettings_andAppendsItsAuditEntry() {
    KeyRecordStore store = storeToRewrap();
    List<StoredKey> keys = rewrapped(store.listKeys());
    List<StoredSlot> slots = resealed(store.unlockSlots());
    StoredAuditEntry entry = entry(4, "store.rotate-master-key", null);

    store.replaceAll(
        Map.of("a", 1L, "b", 4L), keys, slots, "settings-1", "settings-rotated", entry);

    for (KeyRecordStore client : List.of(store, open())) {
      assertSameRecords(client.listKeys(), keys);
      assertSameRecords(client.unlockSlots(), slots);
      assertThat(client.settings()).contains("settings-rotated");
      assertSameRecords(client.lastAuditEntry().orElseThrow(), entry);
    }
  }

  @Test
  void replaceAll_whenAKeyRevisionMoved_throwsConcurrentUpdate_andWritesNothing() {
    KeyRecordStore store = storeToRewrap();
    List<StoredKey> keys = rewrapped(store.listKeys());
    List<StoredSlot> slots = resealed(store.unlockSlots());
    open().updateKey(copyOf(keys.get(1)).revision(5).build(), 4, entry(4, "key.disable", "b"));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.replaceAll(Map.of("a", 1L, "b", 4L), keys, slots, "settings-1", "x", entry(5)));
  }

  @Test
  void replaceAll_whenAKeyWasAdded_throwsConcurrentUpdate_andWritesNothing() {
    KeyRecordStore store = storeToRewrap();
    List<StoredKey> keys = rewrapped(store.listKeys());
    List<StoredSlot> slots = resealed(store.unlockSlots());
    open().insertKeys(List.of(key("c").build()), List.of(entry(4, "key.create", "c")));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.replaceAll(Map.of("a", 1L, "b", 4L), keys, slots, "settings-1", "x", entry(5)));
  }

  @Test
  void replaceAll_expectingAKeyThatIsNotThere_throwsConcurrentUpdate_andWritesNothing() {
    KeyRecordStore store = storeToRewrap();
    List<StoredKey> keys = rewrapped(store.listKeys());
    List<StoredSlot> slots = resealed(store.unlockSlots());

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s ->
            s.replaceAll(
                Map.of("a", 1L, "b", 4L, "gone", 1L), keys, slots, "settings-1", "x", entry(4)));
  }

  @Test
  void replaceAll_whenTheSlotIdsDiffer_throwsConcurrentUpdate_andWritesNothing() {
    KeyRecordStore store = storeToRewrap();
    List<StoredKey> keys = rewrapped(store.listKeys());
    List<StoredSlot> slots = resealed(store.unlockSlots());
    addSlot(open(), newSlot(3), entry(4, "slot.add", null));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.replaceAll(Map.of("a", 1L, "b", 4L), keys, slots, "settings-1", "x", entry(5)));
  }

  @Test
  void replaceAll_whenTheSettingsMoved_throwsConcurrentUpdate_andWritesNothing() {
    KeyRecordStore store = storeToRewrap();
    List<StoredKey> keys = rewrapped(store.listKeys());
    List<StoredSlot> slots = resealed(store.unlockSlots());
    open().updateSettings("settings-1", "settings-2", entry(4, "admin.set-credential", null));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.replaceAll(Map.of("a", 1L, "b", 4L), keys, slots, "settings-1", "x", entry(5)));
  }

  @Test
  void replaceAll_whoseAuditSequenceIsTaken_throwsConcurrentUpdate_andWritesNothing() {
    KeyRecordStore store = storeToRewrap();
    List<StoredKey> keys = rewrapped(store.listKeys());
    List<StoredSlot> slots = resealed(store.unlockSlots());

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.replaceAll(Map.of("a", 1L, "b", 4L), keys, slots, "settings-1", "x", entry(3)));
  }

  // ---------------------------------------------------------------- audit log

  @Test
  void appendAudit_keepsEveryFieldExactly_includingANullKeyName() {
    KeyRecordStore store = initialized();
    StoredAuditEntry withKey =
        new StoredAuditEntry(
            1,
            Long.MAX_VALUE,
            "admin",
            "key.export",
            "k",
            Integer.MAX_VALUE,
            "refused",
            "not extractable – « détail »",
            StoreRecords.bytes(32, 1),
            StoreRecords.bytes(32, 2));
    StoredAuditEntry withoutKey =
        new StoredAuditEntry(
            2, -5, "app", "store.backup", null, 0, "ok", "", new byte[32], new byte[] {0});

    store.appendAudit(withKey);
    open().appendAudit(withoutKey);

    assertSameRecords(store.auditEntries(1, 10), List.of(withKey, withoutKey));
    assertThat(store.auditEntries(2, 1).get(0).keyName()).isNull();
  }

  @Test
  void appendAudit_whoseSequenceIsTaken_throwsConcurrentUpdate_andKeepsTheFirstEntry() {
    KeyRecordStore store = initialized();
    store.appendAudit(entry(1, "key.create", "k"));

    assertRefusedWritingNothing(
        open(), ConcurrentUpdateException.class, s -> s.appendAudit(entry(1, "key.rotate", "x")));
    assertSameRecords(store.auditEntries(0, 10), List.of(entry(1, "key.create", "k")));
  }

  @Test
  void appendAudit_bySeveralClientsAndThreadsChainingOnTheHead_losesAndDuplicatesNoEntry()
      throws Exception {
    initialized();
    int writers = 4;
    int perWriter = 25;
    List<KeyRecordStore> clientsOfWriters = List.of(open(), open());
    ExecutorService threads = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        KeyRecordStore client = clientsOfWriters.get(w % 2);
        String writer = "writer-" + w;
        Callable<Void> appendAll =
            () -> {
              for (int i = 0; i < perWriter; i++) {
                appendAtHead(client, writer + "/" + i);
              }
              return null;
            };
        done.add(threads.submit(appendAll));
      }
      for (Future<Void> writer : done) {
        writer.get(120, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    List<StoredAuditEntry> log = open().auditEntries(1, 1_000);
    assertThat(sequences(log)).hasSize(writers * perWriter).isSorted().doesNotHaveDuplicates();
    assertThat(log.get(log.size() - 1).sequence()).isEqualTo(writers * perWriter);
    Set<String> names = new HashSet<>();
    log.forEach(e -> names.add(e.keyName()));
    assertThat(names).as("one entry per append").hasSize(writers * perWriter);
  }

  /** Appends an entry after the log's head, as the engine does, re-reading after a conflict. */
  private static void appendAtHead(KeyRecordStore client, String name) {
    while (true) {
      long next = client.lastAuditEntry().map(e -> e.sequence() + 1).orElse(1L);
      try {
        client.appendAudit(entry(next, "key.create", name));
        return;
      } catch (ConcurrentUpdateException e) {
        // another writer took that sequence number: chain after theirs
      }
    }
  }

  @Test
  void lastAuditEntry_isEmptyForAnEmptyLog_andThenTheEntryWithTheHighestSequence() {
    KeyRecordStore store = initialized();
    assertThat(store.lastAuditEntry()).isEmpty();

    store.appendAudit(entry(1));
    store.appendAudit(entry(2, "key.create", "k"));
    open().appendAudit(entry(3, "key.rotate", "k"));

    assertSameRecords(store.lastAuditEntry().orElseThrow(), entry(3, "key.rotate", "k"));
  }

  @Test
  void lastAuditSequenceOf_isTheHighestSequenceOfTheGivenActions_or0() {
    KeyRecordStore store = initialized();
    store.appendAudit(entry(1, "admin.set-credential", null));
    store.appendAudit(entry(2, "key.create", "k"));
    store.appendAudit(entry(3, "store.rotate-master-key", null));
    store.appendAudit(entry(4, "admin.set-credential", null));
    store.appendAudit(entry(5, "key.rotate", "k"));

    assertThat(store.lastAuditSequenceOf(List.of("store.rotate-master-key"))).isEqualTo(3);
    assertThat(
            store.lastAuditSequenceOf(List.of("admin.set-credential", "store.rotate-master-key")))
        .isEqualTo(4);
    assertThat(store.lastAuditSequenceOf(List.of("slot.add"))).isZero();
    assertThat(store.lastAuditSequenceOf(List.of())).isZero();
  }

  @Test
  void lastAuditSequenceOf_countsNoRefusedEntry() {
    KeyRecordStore store = initialized();
    store.appendAudit(entry(1, "admin.set-credential", null));
    store.appendAudit(refused(2, "admin.set-credential", null));
    store.appendAudit(entry(3, "key.create", "k"));
    store.appendAudit(refused(4, "key.rotate", "k"));

    assertThat(store.lastAuditSequenceOf(List.of("admin.set-credential"))).isEqualTo(1);
    assertThat(store.lastAuditSequenceOf("k", List.of("key.create", "key.rotate"))).isEqualTo(3);
  }

  @Test
  void lastAuditSequenceOfAKey_isItsHighestOkEntryWithTheGivenActions_or0() {
    KeyRecordStore store = initialized();
    store.appendAudit(entry(1, "key.create", "k"));
    store.appendAudit(entry(2, "key.create", "other"));
    store.appendAudit(entry(3, "key.rotate", "k"));
    store.appendAudit(entry(4, "key.export", "k"));
    open().appendAudit(entry(5, "key.rotate", "other"));

    assertThat(store.lastAuditSequenceOf("k", List.of("key.create", "key.rotate"))).isEqualTo(3);
    assertThat(store.lastAuditSequenceOf("k", List.of("key.create"))).isEqualTo(1);
    assertThat(store.lastAuditSequenceOf("other", List.of("key.create", "key.rotate")))
        .isEqualTo(5);
    assertThat(store.lastAuditSequenceOf("K", List.of("key.create", "key.rotate"))).isZero();
    assertThat(store.lastAuditSequenceOf("missing", List.of("key.create"))).isZero();
    assertThat(store.lastAuditSequenceOf("k", List.of())).isZero();
  }

  @Test
  void aKeysAuditSequence_isStoredAndReadBackAsGiven() {
    KeyRecordStore store = initialized();
    store.insertKeys(List.of(key("k").auditSequence(41).build()), List.of(entry(1)));

    assertThat(store.findKey("k").orElseThrow().auditSequence()).isEqualTo(41);
    assertThat(open().listKeys()).extracting(StoredKey::auditSequence).containsExactly(41L);
  }

  @Test
  void auditEntries_fromASequence_comeInOrder_atMostLimit_soTheLogPagesThrough() {
    KeyRecordStore store = initialized();
    List<StoredAuditEntry> all = new ArrayList<>();
    for (long sequence = 1; sequence <= 25; sequence++) {
      all.add(entry(sequence, "key.create", "k" + sequence));
      store.appendAudit(all.get(all.size() - 1));
    }

    assertSameRecords(store.auditEntries(1, 10), all.subList(0, 10));
    assertSameRecords(store.auditEntries(11, 10), all.subList(10, 20));
    assertSameRecords(store.auditEntries(21, 10), all.subList(20, 25));
    assertThat(store.auditEntries(26, 10)).isEmpty();
    assertSameRecords(store.auditEntries(0, 1), all.subList(0, 1));
    assertSameRecords(store.auditEntries(7, 3), all.subList(6, 9));
  }

  // ---------------------------------------------------------------- usage counters

  @Test
  void addUsage_sumsCountsAcrossCallsAndClients_sortedByKeyAndOperation() {
    KeyRecordStore a = initialized();
    KeyRecordStore b = open();

    a.addUsage(Map.of("k2", Map.of("SIGN", 3L), "k1", Map.of("VERIFY", 1L, "SIGN", 2L)));
    b.addUsage(Map.of("k1", Map.of("SIGN", 40L)));
    a.addUsage(Map.of("k2", Map.of("SIGN", 1_000_000_000_000L)));

    Map<String, Map<String, Long>> usage = b.usage();
    assertThat(usage)
        .isEqualTo(
            Map.of(
                "k1", Map.of("SIGN", 42L, "VERIFY", 1L), "k2", Map.of("SIGN", 1_000_000_000_003L)));
    assertThat(usage.keySet()).containsExactly("k1", "k2");
    assertThat(usage.get("k1").keySet()).containsExactly("SIGN", "VERIFY");
  }

  @Test
  void addUsage_fromSeveralThreadsAndClients_losesNoCount() throws Exception {
    initialized();
    List<KeyRecordStore> writers = List.of(open(), open());
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        KeyRecordStore client = writers.get(t % 2);
        done.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    client.addUsage(Map.of("k", Map.of("ENCRYPT", 1L, "DECRYPT", 2L)));
                  }
                }));
      }
      for (Future<?> thread : done) {
        thread.get(120, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(open().usage()).isEqualTo(Map.of("k", Map.of("DECRYPT", 400L, "ENCRYPT", 200L)));
  }

  @Test
  void addUsage_ofNoCounts_writesNothing() {
    KeyRecordStore store = initialized();

    assertWritesNothing(store, s -> s.addUsage(Map.of()));
  }

  // ---------------------------------------------------------------- data version

  @Test
  void dataVersion_changesAfterEveryKindOfWriteByAnotherClient() {
    KeyRecordStore writer = open();
    KeyRecordStore observer = open();
    StoredKey k = key("k").build();
    List<Consumer<KeyRecordStore>> writes =
        List.of(
            s -> s.initialize("store-1", "settings-1", newSlot(1)),
            s -> s.updateSettings("settings-1", "settings-2", entry(1)),
            s -> addSlot(s, newSlot(2), entry(2)),
            s -> removeSlot(s, s.unlockSlots().get(1).id(), entry(3)),
            s -> s.insertKeys(List.of(k), List.of(entry(4, "key.create", "k"))),
            s -> s.updateKey(copyOf(k).revision(2).build(), 1, entry(5, "key.rotate", "k")),
            s ->
                s.replaceAll(
                    Map.of("k", 2L),
                    List.of(copyOf(k).revision(3).build()),
                    resealed(s.unlockSlots()),
                    "settings-2",
                    "settings-3",
                    entry(6)),
            s -> s.appendAudit(entry(7)),
            s -> s.addUsage(Map.of("k", Map.of("SIGN", 1L))));

    for (int i = 0; i < writes.size(); i++) {
      long before = observer.dataVersion();
      writes.get(i).accept(writer);
      assertThat(observer.dataVersion()).as("after write %d", i).isNotEqualTo(before);
    }
  }

  @Test
  void dataVersion_staysTheSame_whileOtherClientsOnlyRead() throws IOException {
    KeyRecordStore store = initialized();
    store.insertKeys(List.of(key("k").build()), List.of(entry(1, "key.create", "k")));
    KeyRecordStore observer = open();
    long version = observer.dataVersion();

    KeyRecordStore reader = open();
    reader.storeId();
    reader.settings();
    reader.unlockSlots();
    reader.findKey("k");
    reader.listKeys();
    reader.keysWithDueChanges(Long.MAX_VALUE);
    reader.lastAuditEntry();
    reader.lastAuditSequenceOf(List.of("key.create"));
    reader.auditEntries(0, 10);
    reader.usage();
    reader.dataVersion();
    reader.backupTo(Files.createDirectories(dir.resolve("backups")).resolve("copy"));

    assertThat(observer.dataVersion()).isEqualTo(version);
    assertThat(observer.dataVersion()).isEqualTo(version);
  }

  // ---------------------------------------------------------------- backup

  @Test
  void backupTo_anExistingFile_throwsStoreException_andLeavesTheFileAsItWas() throws IOException {
    KeyRecordStore store = initialized();
    Path target = Files.createDirectories(dir.resolve("backups")).resolve("taken");
    Files.write(target, new byte[] {1, 2, 3});

    assertThatThrownBy(() -> store.backupTo(target))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(target.toString());

    assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
  }

  @Test
  void backupTo_aNewFile_writesACopyOfTheWholeStore_andTheStoreStaysInUse() throws IOException {
    KeyRecordStore store = storeToRewrap();
    store.addUsage(Map.of("a", Map.of("SIGN", 5L)));
    Contents before = contents(store);
    Path target = Files.createDirectories(dir.resolve("backups")).resolve("copy");

    store.backupTo(target);

    assertThat(target).isRegularFile();
    assertThat(Files.size(target)).isPositive();
    store.appendAudit(entry(4, "store.backup", null));
    assertThat(store.lastAuditEntry().orElseThrow().sequence()).isEqualTo(4);
    KeyRecordStore.Factory backup = openBackup(target);
    Assumptions.assumeTrue(backup != null, "this store's backups cannot be opened as a store");
    KeyRecordStore copy = backup.open();
    clients.add(copy);
    assertThat(contents(copy)).usingRecursiveComparison().isEqualTo(before);
  }

  // ---------------------------------------------------------------- pushed changes

  /**
   * Whether this store pushes other clients' commits ({@link KeyRecordStore#watchChanges}); a store
   * that returns {@code false} (the default) keeps the SPI's default and skips those cases.
   */
  protected boolean pushesChanges() {
    return false;
  }

  @Test
  void watchChanges_callsBackSoonAfterAnotherClientCommits_andNeverOnceClosed() throws Exception {
    Assumptions.assumeTrue(pushesChanges(), "this store does not push changes");
    KeyRecordStore writer = initialized();
    KeyRecordStore watcher = open();
    java.util.concurrent.Semaphore calls = new java.util.concurrent.Semaphore(0);
    watcher.watchChanges(calls::release);
    calls.tryAcquire(200, TimeUnit.MILLISECONDS); // a store may call once as it starts to listen
    calls.drainPermits();

    List<Consumer<KeyRecordStore>> writes =
        List.of(
            s -> s.insertKeys(List.of(key("k").build()), List.of(entry(1, "key.create", "k"))),
            s -> s.updateKey(copyOf(key("k").build()).revision(2).build(), 1, entry(2)),
            s -> s.updateSettings("settings-1", "settings-2", entry(3)),
            s -> s.addUsage(Map.of("k", Map.of("SIGN", 1L))));
    for (int i = 0; i < writes.size(); i++) {
      long started = System.nanoTime();
      writes.get(i).accept(writer);
      assertThat(calls.tryAcquire(5, TimeUnit.SECONDS))
          .as("called back after write %d", i)
          .isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
          .as("milliseconds from write %d to the call", i)
          .isLessThan(1_000);
      calls.drainPermits();
    }

    watcher.close();
    writer.appendAudit(entry(4));
    assertThat(calls.tryAcquire(300, TimeUnit.MILLISECONDS)).as("called after close").isFalse();
  }

  // ---------------------------------------------------------------- copies of the whole store

  /**
   * Whether this store can take a copy of another ({@link KeyRecordStore#load}); a store that
   * returns {@code false} keeps the SPI's refusing default and skips those cases.
   */
  protected boolean loadsCopies() {
    return true;
  }

  /** A factory for a second new, empty store of this backend, for a copy. */
  private KeyRecordStore.Factory anotherStore(String name) throws IOException {
    return newStore(Files.createDirectory(dir.resolve(name)));
  }

  private KeyRecordStore openOn(KeyRecordStore.Factory other) {
    KeyRecordStore client = other.open();
    clients.add(client);
    return client;
  }

  private static Contents contents(StoreContents copy) {
    return new Contents(
        Optional.of(copy.storeId()),
        Optional.of(copy.settings()),
        copy.slots(),
        copy.keys(),
        copy.audit(),
        copy.usage());
  }

  /** A store with slots (one removed), keys with versions, audit entries and usage counters. */
  private KeyRecordStore storeToCopy() {
    KeyRecordStore store = storeToRewrap(); // slots 1 and 2, keys a and b, entries 1-3
    long removed = addSlot(store, newSlot(3), entry(4, "slot.add", null));
    assertThat(removeSlot(store, removed, entry(5, "slot.remove", null))).isTrue();
    store.updateKey(
        copyOf(store.findKey("a").orElseThrow())
            .revision(2)
            .primaryVersion(2)
            .versions(version(1, "SCHEDULED_FOR_DESTRUCTION", 9_000), version(2, 2_000))
            .build(),
        1,
        entry(6, "key.rotate", "a"));
    store.appendAudit(refused(7, "key.export", "b"));
    store.addUsage(Map.of("a", Map.of("SIGN", 5L, "v2.ENCRYPT", 3L), "b", Map.of("VERIFY", 1L)));
    return store;
  }

  @Test
  void snapshot_returnsEverythingTheStoreHolds_asItsReadsDo() {
    KeyRecordStore store = storeToCopy();
    long highestGiven = store.unlockSlots().get(1).id() + 1; // slot 3, removed

    StoreContents copy = open().snapshot();

    assertThat(contents(copy)).usingRecursiveComparison().isEqualTo(contents(store));
    assertThat(copy.highestSlotId()).isGreaterThanOrEqualTo(highestGiven);
  }

  @Test
  void snapshot_ofAStoreNeverInitialised_throwsStoreException() {
    assertThatThrownBy(() -> open().snapshot()).isInstanceOf(StoreException.class);
  }

  @Test
  void load_intoAnEmptyStore_makesEveryReadOfEveryClientReturnWhatTheSourceHeld()
      throws IOException {
    Assumptions.assumeTrue(loadsCopies(), "this store cannot take copies");
    KeyRecordStore source = storeToCopy();
    StoreContents copy = source.snapshot();
    KeyRecordStore.Factory target = anotherStore("copy");

    openOn(target).load(copy);

    KeyRecordStore reader = openOn(target);
    assertThat(contents(reader)).usingRecursiveComparison().isEqualTo(contents(source));
    assertThat(reader.lastAuditSequenceOf("a", List.of("key.create", "key.rotate"))).isEqualTo(6);
    assertThat(reader.lastAuditSequenceOf(List.of("slot.remove"))).isEqualTo(5);
    assertThat(reader.keysWithDueChanges(Long.MAX_VALUE)).containsExactly("a");
    assertSameRecords(reader.lastAuditEntry().orElseThrow(), refused(7, "key.export", "b"));
  }

  @Test
  void load_keepsSlotIds_andGivesNewSlotsHigherIdsThanAnyTheSourceEverGave() throws IOException {
    Assumptions.assumeTrue(loadsCopies(), "this store cannot take copies");
    StoreContents copy = storeToCopy().snapshot();
    KeyRecordStore.Factory target = anotherStore("copy");
    openOn(target).load(copy);
    KeyRecordStore client = openOn(target);

    long added = addSlot(client, newSlot(4), entry(8, "slot.add", null));

    assertThat(added).isGreaterThan(copy.highestSlotId());
    assertThat(client.unlockSlots())
        .extracting(StoredSlot::id)
        .containsExactly(copy.slots().get(0).id(), copy.slots().get(1).id(), added);
  }

  @Test
  void aLoadedStore_refusesATakenAuditSequence_andATakenKeyName_likeTheSource() throws IOException {
    Assumptions.assumeTrue(loadsCopies(), "this store cannot take copies");
    StoreContents copy = storeToCopy().snapshot();
    KeyRecordStore.Factory target = anotherStore("copy");
    openOn(target).load(copy);

    assertRefusedWritingNothing(
        target, ConcurrentUpdateException.class, s -> s.appendAudit(entry(7)));
    assertRefusedWritingNothing(
        target,
        KeyAlreadyExistsException.class,
        s -> s.insertKeys(List.of(key("b").build()), List.of(entry(8, "key.create", "b"))));
  }

  @Test
  void load_intoAStoreThatIsNotEmpty_throwsStoreException_andWritesNothing() throws IOException {
    Assumptions.assumeTrue(loadsCopies(), "this store cannot take copies");
    StoreContents copy = storeToCopy().snapshot();
    KeyRecordStore.Factory target = anotherStore("copy");
    assertThat(openOn(target).initialize("other", "other settings", newSlot(9))).isTrue();

    assertRefusedWritingNothing(target, StoreException.class, s -> s.load(copy));
  }

  // ---------------------------------------------------------------- the engine on a copy

  /** A store made by the engine in an SQLite file, with keys of several kinds and states. */
  private static final class EngineStore {
    final HsmConfig config;
    final byte[] ciphertext;
    final byte[] signature;
    final byte[] data = "pay 100 to bob".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    EngineStore(Path dir) {
      config =
          HsmConfig.sqlite(dir.resolve("source.db"))
              .keyFile(dev.hsm.TestStores.keyFile(dir, "source.key"));
      try (HsmClient hsm = HsmClient.open(config)) {
        KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
        ciphertext = aes.encrypt(data, new byte[0]);
        aes.rotate();
        signature = hsm.createKey("sig", KeySpec.ed25519()).sign(data);
        hsm.createKey("off", KeySpec.hmacSha256()).disable();
        hsm.admin()
            .addUnlockSlot(
                UnlockSecret.passphrase("second secret")
                    .withArgon2(dev.hsm.TestStores.FAST_ARGON2));
      }
    }

    void checkKeysIn(HsmClient copy) {
      assertThat(copy.key("aes").decrypt(ciphertext, new byte[0])).isEqualTo(data);
      assertThat(copy.key("aes").info().primaryVersion()).isEqualTo(2);
      copy.key("sig").verify(data, signature);
      assertThatThrownBy(() -> copy.key("off").mac(data))
          .isInstanceOf(dev.hsm.KeyDisabledException.class);
      assertThat(copy.auditLog().verify()).isPositive();
    }
  }

  @Test
  void theEngine_copiesAStoreIn_andOpensTheCopyWithTheSameSecrets_andEveryKeyWorks()
      throws IOException {
    Assumptions.assumeTrue(loadsCopies(), "this store cannot take copies");
    EngineStore source = new EngineStore(Files.createDirectory(dir.resolve("engine")));

    HsmClient.copyStore(source.config, factory);

    try (HsmClient bySecondSlot =
        HsmClient.open(HsmConfig.store(factory).passphrase("second secret"))) {
      source.checkKeysIn(bySecondSlot);
    }
    try (HsmClient copy = HsmClient.open(source.config.withStore(factory))) {
      source.checkKeysIn(copy);
      copy.key("aes").rotate(); // the copy lives on by itself
      assertThat(copy.key("aes").info().primaryVersion()).isEqualTo(3);
    }
    try (HsmClient original = HsmClient.open(source.config)) {
      assertThat(original.key("aes").info().primaryVersion()).isEqualTo(2);
    }
  }

  @Test
  void theEngine_copiesThisStoreOutToSqlite_andBack() throws IOException {
    Assumptions.assumeTrue(loadsCopies(), "this store cannot take copies");
    EngineStore source = new EngineStore(Files.createDirectory(dir.resolve("engine")));
    HsmClient.copyStore(source.config, factory);
    HsmConfig here = source.config.withStore(factory);
    Path out = dir.resolve("engine").resolve("out.db");

    HsmClient.copyStore(here, HsmConfig.sqlite(out).store());
    KeyRecordStore.Factory back = anotherStore("back");
    HsmClient.copyStore(HsmConfig.sqlite(out).unlockWith(here.unlockSecret().orElseThrow()), back);

    List<dev.hsm.AuditEntry> hereLog;
    try (HsmClient copied = HsmClient.open(here)) {
      hereLog = copied.auditLog().entries(1, Integer.MAX_VALUE);
    }
    dev.hsm.AuditEntry recorded = hereLog.get(hereLog.size() - 1);
    assertThat(recorded.action()).isEqualTo("store.copy");
    assertThat(recorded.detail()).isEqualTo("SQLite file " + out);
    try (HsmClient copy = HsmClient.open(here.withStore(back))) {
      assertThat(copy.auditLog().entries(1, Integer.MAX_VALUE))
          .as("the log as it was copied out, without the copy's own entry, written after it")
          .usingRecursiveComparison()
          .isEqualTo(hereLog.subList(0, hereLog.size() - 1));
      source.checkKeysIn(copy);
    }
  }

  @Test
  void aCopyWhoseKeyRowsAreOlderThanItsLog_failsClosedForThatKey_andTheOthersWork()
      throws IOException {
    Assumptions.assumeTrue(loadsCopies(), "this store cannot take copies");
    EngineStore source = new EngineStore(Files.createDirectory(dir.resolve("engine")));
    StoreContents before;
    StoreContents after;
    try (KeyRecordStore raw = source.config.store().open()) {
      before = raw.snapshot();
      try (HsmClient hsm = HsmClient.open(source.config)) {
        hsm.key("aes").rotate();
      }
      after = raw.snapshot();
    }
    List<StoredKey> rolledBack = new ArrayList<>();
    for (StoredKey key : after.keys()) {
      rolledBack.add(
          key.name().equals("aes")
              ? before.keys().stream().filter(k -> k.name().equals("aes")).findFirst().orElseThrow()
              : key);
    }

    open()
        .load(
            new StoreContents(
                after.storeId(),
                after.settings(),
                after.slots(),
                after.highestSlotId(),
                rolledBack,
                after.audit(),
                after.usage()));

    try (HsmClient copy = HsmClient.open(source.config.withStore(factory))) {
      assertThatThrownBy(() -> copy.key("aes").encrypt(source.data, new byte[0]))
          .isInstanceOf(dev.hsm.KeyIntegrityException.class)
          .hasMessageContaining("older copy of the store");
      copy.key("sig").verify(source.data, source.signature);
    }
  }

  @Test
  void theEngine_refusesToCopyIntoAStoreThatIsNotEmpty_andLeavesItAsItWas() throws IOException {
    Assumptions.assumeTrue(loadsCopies(), "this store cannot take copies");
    EngineStore source = new EngineStore(Files.createDirectory(dir.resolve("engine")));
    KeyRecordStore existing = initialized();
    Contents before = contents(existing);

    assertThatThrownBy(() -> HsmClient.copyStore(source.config, factory))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not empty");

    assertThat(contents(open())).usingRecursiveComparison().isEqualTo(before);
  }

  // ---------------------------------------------------------------- closing

  @Test
  void close_twice_isHarmless() {
    KeyRecordStore store = open();

    store.close();
    store.close();
  }

  @Test
  void close_ofOneClient_leavesTheStoreAndItsOtherClientsWorking() {
    KeyRecordStore closing = initialized();
    KeyRecordStore staying = open();
    closing.insertKeys(List.of(key("k").build()), List.of(entry(1, "key.create", "k")));

    closing.close();

    assertSameRecords(staying.findKey("k").orElseThrow(), key("k").build());
    staying.appendAudit(entry(2));
    assertThat(open().lastAuditEntry().orElseThrow().sequence()).isEqualTo(2);
  }

  @Test
  void reads_andWrites_afterClose_throwStoreException() {
    KeyRecordStore store = initialized();
    store.close();

    assertThatThrownBy(() -> store.findKey("k")).isInstanceOf(StoreException.class);
    assertThatThrownBy(store::listKeys).isInstanceOf(StoreException.class);
    assertThatThrownBy(store::settings).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.appendAudit(entry(1))).isInstanceOf(StoreException.class);
    assertThatThrownBy(
            () -> store.insertKeys(List.of(key("k").build()), List.of(entry(1, "key.create", "k"))))
        .isInstanceOf(StoreException.class);
    assertThat(open().findKey("k")).isEmpty();
  }

  /** Adds a slot, leaving the settings' text as it is (the engine's would record the slots). */
  private static long addSlot(KeyRecordStore store, StoredSlot slot, StoredAuditEntry audit) {
    String settings = store.settings().orElseThrow();
    return store.addSlot(slot, settings, settings, audit);
  }

  private static boolean removeSlot(KeyRecordStore store, long id, StoredAuditEntry audit) {
    String settings = store.settings().orElseThrow();
    return store.removeSlot(id, settings, settings, audit);
  }

  @Test
  void addAndRemoveSlot_replaceTheSettingsInTheSameTransaction() {
    KeyRecordStore store = initialized();

    long id = store.addSlot(newSlot(2), "settings-1", "with slot 2", entry(1, "slot.add", null));
    assertThat(open().settings()).contains("with slot 2");
    assertThat(store.removeSlot(id, "with slot 2", "without", entry(2, "slot.remove", null)))
        .isTrue();

    assertThat(open().settings()).contains("without");
    assertThat(open().unlockSlots()).hasSize(1);
  }

  @Test
  void addSlot_withStaleSettings_throwsConcurrentUpdate_andAddsNoSlot() {
    KeyRecordStore store = initialized();
    String stale = store.settings().orElseThrow();
    store.updateSettings(stale, "moved on", entry(1));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.addSlot(newSlot(2), stale, "with the new slot", entry(2, "slot.add", null)));
  }

  @Test
  void removeSlot_withStaleSettings_throwsConcurrentUpdate_andRemovesNothing() {
    KeyRecordStore store = initialized();
    long id = addSlot(store, newSlot(2), entry(1));
    String stale = store.settings().orElseThrow();
    store.updateSettings(stale, "moved on", entry(2));

    assertRefusedWritingNothing(
        store,
        ConcurrentUpdateException.class,
        s -> s.removeSlot(id, stale, "without the slot", entry(3, "slot.remove", null)));
  }
}
