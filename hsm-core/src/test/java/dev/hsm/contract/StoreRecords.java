package dev.hsm.contract;

import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import dev.hsm.spi.StoredSlot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records for {@link KeyRecordStoreContract}: plausible rows whose bytes differ from one record to
 * the next (so a store returning the wrong row's bytes fails), built without any cryptography: a
 * store never checks MACs or unwraps material.
 */
final class StoreRecords {
  private StoreRecords() {}

  /**
   * {@code length} bytes that depend on {@code seed}, covering every byte value over a long run.
   */
  static byte[] bytes(int length, long seed) {
    byte[] bytes = new byte[length];
    long state = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < length; i++) {
      state ^= state << 13;
      state ^= state >>> 7;
      state ^= state << 17;
      bytes[i] = (byte) state;
    }
    return bytes;
  }

  /** An enabled version made at {@code createdAtMillis}, with material and a MAC of its own. */
  static StoredKeyVersion version(int number, long createdAtMillis) {
    return new StoredKeyVersion(
        number,
        "ENABLED",
        createdAtMillis,
        0,
        bytes(91, 1000L + number),
        bytes(60, 2000L + number),
        bytes(32, 3000L + number));
  }

  /** A version in {@code state}, to be destroyed at {@code destroyAtMillis} (0: not scheduled). */
  static StoredKeyVersion version(int number, String state, long destroyAtMillis) {
    StoredKeyVersion v = version(number, 1_000L * number);
    return new StoredKeyVersion(
        v.version(),
        state,
        v.createdAtMillis(),
        destroyAtMillis,
        v.publicKey(),
        v.material(),
        v.certificateChain(),
        v.rowMac());
  }

  /** {@code v} with {@code chain} as its certificate chain ({@code null}: none). */
  static StoredKeyVersion withCertificateChain(StoredKeyVersion v, byte[] chain) {
    return new StoredKeyVersion(
        v.version(),
        v.state(),
        v.createdAtMillis(),
        v.destroyAtMillis(),
        v.publicKey(),
        v.material(),
        chain,
        v.rowMac());
  }

  /** A key named {@code name} at revision 1 with one enabled version. */
  static KeyBuilder key(String name) {
    return new KeyBuilder(name);
  }

  /** A builder starting from {@code key}'s columns, for a changed copy. */
  static KeyBuilder copyOf(StoredKey key) {
    KeyBuilder builder = new KeyBuilder(key.name());
    builder.algorithm = key.algorithm();
    builder.rsaModulusBits = key.rsaModulusBits();
    builder.operations = key.operations();
    builder.extractable = key.extractable();
    builder.imported = key.imported();
    builder.materialForm = key.materialForm();
    builder.labels = key.labels();
    builder.primaryVersion = key.primaryVersion();
    builder.createdAtMillis = key.createdAtMillis();
    builder.enabled = key.enabled();
    builder.rotationPeriodSeconds = key.rotationPeriodSeconds();
    builder.minDecryptionVersion = key.minDecryptionVersion();
    builder.revision = key.revision();
    builder.auditSequence = key.auditSequence();
    builder.rowMac = key.rowMac();
    builder.versions = new ArrayList<>(key.versions());
    return builder;
  }

  /** The columns of a {@link StoredKey}, with defaults a store accepts. */
  static final class KeyBuilder {
    private final String name;
    private String algorithm = "ECDSA_P256_SHA256";
    private int rsaModulusBits;
    private String operations = "SIGN,VERIFY";
    private boolean extractable;
    private boolean imported;
    private String materialForm = "PRIVATE_PKCS8";
    private String labels = "{}";
    private int primaryVersion = 1;
    private long createdAtMillis = 1_000;
    private boolean enabled = true;
    private long rotationPeriodSeconds;
    private int minDecryptionVersion = 1;
    private long revision = 1;
    private long auditSequence = 1;
    private byte[] rowMac;
    private List<StoredKeyVersion> versions = List.of(version(1, 1_000));

    private KeyBuilder(String name) {
      this.name = name;
      this.rowMac = bytes(32, name.hashCode());
    }

    KeyBuilder algorithm(String algorithm, int rsaModulusBits) {
      this.algorithm = algorithm;
      this.rsaModulusBits = rsaModulusBits;
      return this;
    }

    KeyBuilder operations(String operations) {
      this.operations = operations;
      return this;
    }

    KeyBuilder flags(boolean extractable, boolean imported, boolean enabled) {
      this.extractable = extractable;
      this.imported = imported;
      this.enabled = enabled;
      return this;
    }

    KeyBuilder materialForm(String materialForm) {
      this.materialForm = materialForm;
      return this;
    }

    KeyBuilder labels(String labels) {
      this.labels = labels;
      return this;
    }

    KeyBuilder createdAt(long millis) {
      this.createdAtMillis = millis;
      return this;
    }

    KeyBuilder rotationPeriodSeconds(long seconds) {
      this.rotationPeriodSeconds = seconds;
      return this;
    }

    KeyBuilder minDecryptionVersion(int version) {
      this.minDecryptionVersion = version;
      return this;
    }

    /** A new revision, with a new row MAC as the engine would compute. */
    KeyBuilder revision(long revision) {
      this.revision = revision;
      this.rowMac = bytes(32, name.hashCode() * 31L + revision);
      return this;
    }

    KeyBuilder auditSequence(long sequence) {
      this.auditSequence = sequence;
      return this;
    }

    KeyBuilder primaryVersion(int version) {
      this.primaryVersion = version;
      return this;
    }

    KeyBuilder versions(StoredKeyVersion... versions) {
      this.versions = Arrays.asList(versions);
      return this;
    }

    StoredKey build() {
      return new StoredKey(
          name,
          algorithm,
          rsaModulusBits,
          operations,
          extractable,
          imported,
          materialForm,
          labels,
          primaryVersion,
          createdAtMillis,
          enabled,
          rotationPeriodSeconds,
          minDecryptionVersion,
          revision,
          auditSequence,
          rowMac,
          versions);
    }
  }

  /** A slot to add (id 0) whose bytes depend on {@code seed}. */
  static StoredSlot newSlot(long seed) {
    return slot(0, seed);
  }

  /** A slot with this id, as read back or resealed, whose bytes depend on {@code seed}. */
  static StoredSlot slot(long id, long seed) {
    return new StoredSlot(
        id,
        seed % 2 == 0 ? "passphrase-argon2id" : "key-file-hkdf",
        "m=1024,t=1,p=1;" + seed,
        bytes(16, 4000 + seed),
        bytes(60, 5000 + seed),
        1_700_000_000_000L + seed);
  }

  /** An audit entry with this sequence number for {@code action} on key {@code keyName}. */
  static StoredAuditEntry entry(long sequence, String action, String keyName) {
    return new StoredAuditEntry(
        sequence,
        1_700_000_000_000L + sequence,
        "app",
        action,
        keyName,
        keyName == null ? 0 : 1,
        "ok",
        "entry " + sequence,
        bytes(32, 6000 + sequence),
        bytes(32, 7000 + sequence));
  }

  /** A refused act's entry: it changed nothing. */
  static StoredAuditEntry refused(long sequence, String action, String keyName) {
    StoredAuditEntry entry = entry(sequence, action, keyName);
    return new StoredAuditEntry(
        entry.sequence(),
        entry.atMillis(),
        entry.actor(),
        entry.action(),
        entry.keyName(),
        entry.version(),
        "refused",
        entry.detail(),
        entry.hash(),
        entry.mac());
  }

  /** An audit entry with this sequence number that concerns no key. */
  static StoredAuditEntry entry(long sequence) {
    return entry(sequence, "store.backup", null);
  }
}
