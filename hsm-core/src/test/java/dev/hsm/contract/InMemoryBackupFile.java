package dev.hsm.contract;

import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import dev.hsm.spi.StoredSlot;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The file {@link InMemoryKeyRecordStore#backupTo} writes: big-endian {@link DataOutputStream}
 * fields, in this order.
 *
 * <pre>
 * text  magic "dev.hsm in-memory store backup 1"
 * text  store id, text settings (either may be absent)
 * long  the highest slot id ever given
 * int   number of slots;   each: long id, text kind, text KDF parameters, bytes salt,
 *                                bytes wrapped master key, long created-at
 * int   number of keys;    each: the {@link StoredKey} columns in record order, then
 *                                int number of versions; each: the {@link StoredKeyVersion}
 *                                columns in record order
 * int   number of entries; each: the {@link StoredAuditEntry} columns in record order
 * int   number of keys with usage; each: text key name, int number of counters;
 *                                each: text operation, long count
 * </pre>
 *
 * A text is an int length (-1 for absent) and that many UTF-8 bytes; bytes likewise; a boolean is
 * one byte. The file is created new, never overwritten.
 */
final class InMemoryBackupFile {
  private static final String MAGIC = "dev.hsm in-memory store backup 1";

  private InMemoryBackupFile() {}

  /**
   * Writes {@code state} to the new file {@code target}.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code target} exists (it is left alone)
   */
  static void write(InMemoryKeyRecordStore.State state, Path target) throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(
            new BufferedOutputStream(
                Files.newOutputStream(
                    target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)))) {
      text(out, MAGIC);
      text(out, state.storeId);
      text(out, state.settings);
      out.writeLong(state.lastSlotId);
      out.writeInt(state.slots.size());
      for (StoredSlot slot : state.slots.values()) {
        out.writeLong(slot.id());
        text(out, slot.kind());
        text(out, slot.kdfParameters());
        bytes(out, slot.salt());
        bytes(out, slot.wrappedMasterKey());
        out.writeLong(slot.createdAtMillis());
      }
      out.writeInt(state.keys.size());
      for (StoredKey key : state.keys.values()) {
        key(out, key);
      }
      out.writeInt(state.audit.size());
      for (StoredAuditEntry entry : state.audit.values()) {
        out.writeLong(entry.sequence());
        out.writeLong(entry.atMillis());
        text(out, entry.actor());
        text(out, entry.action());
        text(out, entry.keyName());
        out.writeInt(entry.version());
        text(out, entry.outcome());
        text(out, entry.detail());
        bytes(out, entry.hash());
        bytes(out, entry.mac());
      }
      out.writeInt(state.usage.size());
      for (Map.Entry<String, TreeMap<String, Long>> key : state.usage.entrySet()) {
        text(out, key.getKey());
        out.writeInt(key.getValue().size());
        for (Map.Entry<String, Long> counter : key.getValue().entrySet()) {
          text(out, counter.getKey());
          out.writeLong(counter.getValue());
        }
      }
    }
  }

  private static void key(DataOutputStream out, StoredKey key) throws IOException {
    text(out, key.name());
    text(out, key.algorithm());
    out.writeInt(key.rsaModulusBits());
    text(out, key.operations());
    out.writeBoolean(key.extractable());
    out.writeBoolean(key.imported());
    text(out, key.materialForm());
    text(out, key.labels());
    out.writeInt(key.primaryVersion());
    out.writeLong(key.createdAtMillis());
    out.writeBoolean(key.enabled());
    out.writeLong(key.rotationPeriodSeconds());
    out.writeInt(key.minDecryptionVersion());
    out.writeLong(key.revision());
    out.writeLong(key.auditSequence());
    bytes(out, key.rowMac());
    out.writeInt(key.versions().size());
    for (StoredKeyVersion v : key.versions()) {
      out.writeInt(v.version());
      text(out, v.state());
      out.writeLong(v.createdAtMillis());
      out.writeLong(v.destroyAtMillis());
      bytes(out, v.publicKey());
      bytes(out, v.material());
      bytes(out, v.certificateChain());
      bytes(out, v.rowMac());
    }
  }

  /** Reads a file {@link #write} wrote. */
  static InMemoryKeyRecordStore.State read(Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (!MAGIC.equals(text(in))) {
        throw new IOException(file + " is not a backup of an in-memory store");
      }
      InMemoryKeyRecordStore.State state = new InMemoryKeyRecordStore.State();
      state.storeId = text(in);
      state.settings = text(in);
      state.lastSlotId = in.readLong();
      for (int i = in.readInt(); i > 0; i--) {
        StoredSlot slot =
            new StoredSlot(in.readLong(), text(in), text(in), bytes(in), bytes(in), in.readLong());
        state.slots.put(slot.id(), slot);
      }
      for (int i = in.readInt(); i > 0; i--) {
        StoredKey key = key(in);
        state.keys.put(key.name(), key);
      }
      for (int i = in.readInt(); i > 0; i--) {
        StoredAuditEntry entry =
            new StoredAuditEntry(
                in.readLong(),
                in.readLong(),
                text(in),
                text(in),
                text(in),
                in.readInt(),
                text(in),
                text(in),
                bytes(in),
                bytes(in));
        state.audit.put(entry.sequence(), entry);
      }
      for (int i = in.readInt(); i > 0; i--) {
        TreeMap<String, Long> counters = new TreeMap<>();
        state.usage.put(text(in), counters);
        for (int j = in.readInt(); j > 0; j--) {
          counters.put(text(in), in.readLong());
        }
      }
      return state;
    }
  }

  private static StoredKey key(DataInputStream in) throws IOException {
    String name = text(in);
    String algorithm = text(in);
    int rsaModulusBits = in.readInt();
    String operations = text(in);
    boolean extractable = in.readBoolean();
    boolean imported = in.readBoolean();
    String materialForm = text(in);
    String labels = text(in);
    int primaryVersion = in.readInt();
    long createdAtMillis = in.readLong();
    boolean enabled = in.readBoolean();
    long rotationPeriodSeconds = in.readLong();
    int minDecryptionVersion = in.readInt();
    long revision = in.readLong();
    long auditSequence = in.readLong();
    byte[] rowMac = bytes(in);
    List<StoredKeyVersion> versions = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      versions.add(
          new StoredKeyVersion(
              in.readInt(),
              text(in),
              in.readLong(),
              in.readLong(),
              bytes(in),
              bytes(in),
              bytes(in),
              bytes(in)));
    }
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

  private static void text(DataOutputStream out, String text) throws IOException {
    bytes(out, text == null ? null : text.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(DataInputStream in) throws IOException {
    byte[] bytes = bytes(in);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private static void bytes(DataOutputStream out, byte[] bytes) throws IOException {
    if (bytes == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }
}
