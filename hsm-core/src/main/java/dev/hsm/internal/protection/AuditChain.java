package dev.hsm.internal.protection;

import dev.hsm.AuditEntry;
import dev.hsm.AuditLogIntegrityException;
import dev.hsm.HsmException;
import dev.hsm.internal.crypto.Providers;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoredAuditEntry;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The audit log's chain: each entry's hash is SHA-256 over the previous entry's hash and its own
 * fields, and its MAC is HMAC-SHA-256 over that hash with the audit key (random, kept wrapped under
 * the master key in the store settings). The first entry chains to a hash of the store id.
 */
public final class AuditChain {
  public static final String APP = "app";
  public static final String ADMIN = "admin";
  public static final String OK = "ok";
  public static final String REFUSED = "refused";

  private static final int PAGE = 1000;

  private final KeyRecordStore store;
  private final String storeId;
  private final SecretKeySpec macKey;
  private final Clock clock;

  public AuditChain(KeyRecordStore store, String storeId, byte[] auditKey, Clock clock) {
    this.store = store;
    this.storeId = storeId;
    this.macKey = new SecretKeySpec(auditKey, "HmacSHA256");
    this.clock = clock;
  }

  /** The entry that would come next, chained to the current last one. */
  public StoredAuditEntry next(
      String actor, String action, String keyName, int version, String outcome, String detail) {
    return after(store.lastAuditEntry(), actor, action, keyName, version, outcome, detail);
  }

  /**
   * The entry that would follow {@code last} (empty: the log is empty), for chaining several
   * entries written in one transaction.
   */
  public StoredAuditEntry after(
      Optional<StoredAuditEntry> last,
      String actor,
      String action,
      String keyName,
      int version,
      String outcome,
      String detail) {
    long sequence = last.map(e -> e.sequence() + 1).orElse(1L);
    byte[] previous = last.map(StoredAuditEntry::hash).orElseGet(this::genesis);
    long at = clock.millis();
    String shortDetail = detail.length() > 500 ? detail.substring(0, 500) : detail;
    byte[] hash =
        hash(previous, sequence, at, actor, action, keyName, version, outcome, shortDetail);
    return new StoredAuditEntry(
        sequence, at, actor, action, keyName, version, outcome, shortDetail, hash, mac(hash));
  }

  /** Appends an entry on its own, retrying if another process appended first. */
  public void record(
      String actor, String action, String keyName, int version, String outcome, String detail) {
    for (int attempt = 0; ; attempt++) {
      try {
        store.appendAudit(next(actor, action, keyName, version, outcome, detail));
        return;
      } catch (ConcurrentUpdateException e) {
        if (attempt >= 50) {
          throw e;
        }
      }
    }
  }

  /**
   * Checks the whole chain from the first entry.
   *
   * @return the number of entries
   */
  public long verify() {
    byte[] previous = genesis();
    long expected = 1;
    while (true) {
      List<StoredAuditEntry> page = store.auditEntries(expected, PAGE);
      for (StoredAuditEntry entry : page) {
        if (entry.sequence() != expected) {
          throw new AuditLogIntegrityException(
              "audit entry "
                  + expected
                  + " is missing (the next stored entry is "
                  + entry.sequence()
                  + ")");
        }
        byte[] hash =
            hash(
                previous,
                entry.sequence(),
                entry.atMillis(),
                entry.actor(),
                entry.action(),
                entry.keyName(),
                entry.version(),
                entry.outcome(),
                entry.detail());
        if (!MessageDigest.isEqual(hash, entry.hash())
            || !Secrets.constantTimeEquals(mac(hash), entry.mac())) {
          throw new AuditLogIntegrityException(
              "audit entry "
                  + expected
                  + " fails its check: it or an earlier entry was edited, removed or reordered");
        }
        previous = hash;
        expected++;
      }
      if (page.size() < PAGE) {
        return expected - 1;
      }
    }
  }

  public static AuditEntry toEntry(StoredAuditEntry e) {
    return new AuditEntry(
        e.sequence(),
        Instant.ofEpochMilli(e.atMillis()),
        e.actor(),
        e.action(),
        e.keyName(),
        e.version(),
        e.outcome(),
        e.detail());
  }

  private byte[] genesis() {
    return sha256(new Canonical("dev.hsm/v1/audit-genesis").add(storeId).toBytes());
  }

  private static byte[] hash(
      byte[] previous,
      long sequence,
      long at,
      String actor,
      String action,
      String keyName,
      int version,
      String outcome,
      String detail) {
    return sha256(
        new Canonical("dev.hsm/v1/audit-entry")
            .add(previous)
            .add(sequence)
            .add(at)
            .add(actor)
            .add(action)
            .add(keyName)
            .add(version)
            .add(outcome)
            .add(detail)
            .toBytes());
  }

  private byte[] mac(byte[] hash) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256", Providers.SUN_JCE);
      mac.init(macKey);
      return mac.doFinal(hash);
    } catch (GeneralSecurityException e) {
      throw new HsmException("HMAC failed", e);
    }
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new HsmException("SHA-256 is not available", e);
    }
  }
}
