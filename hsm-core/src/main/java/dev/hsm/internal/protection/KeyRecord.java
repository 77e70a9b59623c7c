package dev.hsm.internal.protection;

import dev.hsm.Algorithm;
import dev.hsm.KeyInfo;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.KeyVersionInfo;
import dev.hsm.Operation;
import dev.hsm.spi.CustodyRecord;
import dev.hsm.spi.VersionBinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A key as the engine sees it after the row MACs were checked: typed, trusted, immutable. Changes
 * are made by copying ({@code with...}) and writing the copy back with the next revision.
 */
public record KeyRecord(
    String name,
    Algorithm algorithm,
    int rsaModulusBits,
    Set<Operation> operations,
    boolean extractable,
    boolean imported,
    KeyMaterial.Form form,
    Map<String, String> labels,
    int primaryVersion,
    long createdAtMillis,
    boolean enabled,
    long rotationPeriodSeconds,
    int minDecryptionVersion,
    long revision,
    long auditSequence,
    List<VersionRecord> versions) {

  public KeyRecord {
    operations = Set.copyOf(operations);
    labels = Map.copyOf(labels);
    versions = List.copyOf(versions);
  }

  /**
   * One version: its state, its public key, what its custody keeps for it ({@code material}:
   * wrapped material or a token reference; {@code null} once destroyed) and the certificate chain
   * attached to it ({@code certificateChain}: the certificates' DER, leaf first, one after the
   * other; {@code null} if none).
   */
  public record VersionRecord(
      int version,
      KeyState state,
      long createdAtMillis,
      long destroyAtMillis,
      byte[] publicKey,
      byte[] material,
      byte[] certificateChain) {

    /** A version without a certificate chain. */
    public VersionRecord(
        int version,
        KeyState state,
        long createdAtMillis,
        long destroyAtMillis,
        byte[] publicKey,
        byte[] material) {
      this(version, state, createdAtMillis, destroyAtMillis, publicKey, material, null);
    }

    public VersionRecord withState(KeyState newState, long newDestroyAtMillis) {
      return new VersionRecord(
          version,
          newState,
          createdAtMillis,
          newDestroyAtMillis,
          publicKey,
          newState == KeyState.DESTROYED ? null : material,
          certificateChain);
    }

    public VersionRecord withMaterial(byte[] rewrapped) {
      return new VersionRecord(
          version, state, createdAtMillis, destroyAtMillis, publicKey, rewrapped, certificateChain);
    }

    public VersionRecord withCertificateChain(byte[] chain) {
      return new VersionRecord(
          version, state, createdAtMillis, destroyAtMillis, publicKey, material, chain);
    }

    /** What the custody keeps for this version, to hand back to it. */
    public CustodyRecord custodyRecord() {
      return new CustodyRecord(material, publicKey);
    }
  }

  public VersionRecord version(int number) {
    for (VersionRecord version : versions) {
      if (version.version() == number) {
        return version;
      }
    }
    return null;
  }

  public VersionRecord primary() {
    return version(primaryVersion);
  }

  /** When the primary version is due for automatic rotation, or {@link Long#MAX_VALUE}. */
  public long rotationDueAtMillis() {
    VersionRecord primary = primary();
    if (rotationPeriodSeconds == 0 || primary == null) {
      return Long.MAX_VALUE;
    }
    try {
      return Math.addExact(
          primary.createdAtMillis(), Math.multiplyExact(rotationPeriodSeconds, 1000L));
    } catch (ArithmeticException beyondTheRangeOfTime) {
      return Long.MAX_VALUE; // never: a plain sum would wrap round to a time long past
    }
  }

  /** The spec a new version of this key is generated from. */
  public KeySpec spec() {
    return algorithm.isRsa() ? KeySpec.rsa(algorithm, rsaModulusBits) : KeySpec.of(algorithm);
  }

  public KeyRecord withVersion(VersionRecord changed) {
    List<VersionRecord> copy = new ArrayList<>(versions);
    copy.replaceAll(v -> v.version() == changed.version() ? changed : v);
    return withVersions(copy, primaryVersion);
  }

  public KeyRecord withVersions(List<VersionRecord> newVersions, int newPrimary) {
    return new KeyRecord(
        name,
        algorithm,
        rsaModulusBits,
        operations,
        extractable,
        imported,
        form,
        labels,
        newPrimary,
        createdAtMillis,
        enabled,
        rotationPeriodSeconds,
        minDecryptionVersion,
        revision,
        auditSequence,
        newVersions);
  }

  public KeyRecord withPolicy(boolean newEnabled, long newRotationPeriodSeconds, int newMinimum) {
    return new KeyRecord(
        name,
        algorithm,
        rsaModulusBits,
        operations,
        extractable,
        imported,
        form,
        labels,
        primaryVersion,
        createdAtMillis,
        newEnabled,
        newRotationPeriodSeconds,
        newMinimum,
        revision,
        auditSequence,
        versions);
  }

  /**
   * The record as a change writes it: the next {@code revision}, and the sequence number of the
   * audit entry written in the same transaction, which anchors the row to the log.
   */
  public KeyRecord writtenAs(long newRevision, long newAuditSequence) {
    return new KeyRecord(
        name,
        algorithm,
        rsaModulusBits,
        operations,
        extractable,
        imported,
        form,
        labels,
        primaryVersion,
        createdAtMillis,
        enabled,
        rotationPeriodSeconds,
        minDecryptionVersion,
        newRevision,
        newAuditSequence,
        versions);
  }

  public KeyInfo info() {
    List<KeyVersionInfo> infos = new ArrayList<>(versions.size());
    for (VersionRecord v : versions) {
      infos.add(
          new KeyVersionInfo(
              v.version(),
              v.state(),
              Instant.ofEpochMilli(v.createdAtMillis()),
              v.destroyAtMillis() == 0 ? null : Instant.ofEpochMilli(v.destroyAtMillis())));
    }
    return new KeyInfo(
        name,
        algorithm,
        rsaModulusBits,
        operations,
        extractable,
        imported,
        form == KeyMaterial.Form.PUBLIC_X509,
        labels,
        primaryVersion,
        Instant.ofEpochMilli(createdAtMillis),
        enabled,
        Duration.ofSeconds(rotationPeriodSeconds),
        minDecryptionVersion,
        infos);
  }

  /** Version {@code version} of this key as its custody sees it. */
  public VersionBinding binding(String storeId, int version) {
    return new VersionBinding(
        storeId, name, version, algorithm, rsaModulusBits, operations, extractable, imported, form);
  }
}
