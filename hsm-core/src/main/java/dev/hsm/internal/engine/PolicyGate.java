package dev.hsm.internal.engine;

import dev.hsm.KeyDisabledException;
import dev.hsm.KeyState;
import dev.hsm.KeyVersionDestroyedException;
import dev.hsm.Operation;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.StandardSignatureNotAllowedException;
import dev.hsm.VersionBelowMinimumException;
import dev.hsm.WrongKeyTypeException;
import dev.hsm.internal.formats.ReservedLabels;
import dev.hsm.internal.protection.AuditChain;
import java.time.Instant;
import java.util.EnumSet;
import java.util.stream.Collectors;

/**
 * The one place every way into a key (handles, JWS, the annotation boundary, the admin's key export
 * and import, and any later interface) passes before an operation runs: kind, allowed operation
 * (for standard-form verification, no SIGN; for standard signatures, SIGN_STANDARD and nothing
 * else), key state, due rotation, version state and minimum version, and, for the public API, no
 * input in the reserved namespace. Policy and state refusals are written to the audit log before
 * they are thrown; a wrong kind of key is a programming error and is not.
 *
 * <p>On a cached key every check is a field read: no lock, no database.
 */
final class PolicyGate {
  private final Engine engine;

  PolicyGate(Engine engine) {
    this.engine = engine;
  }

  /**
   * The key, if {@code use} may touch it at all: its algorithm is of a kind {@code use} works on,
   * its policy allows the operation, and it is enabled.
   */
  LoadedKey admit(String name, KeyUse use) {
    LoadedKey key = engine.keys().loaded(name);
    if (!use.worksOn(key.record.algorithm())) {
      throw wrongType(
          key,
          use.description
              + (use.worksOn(key.record.algorithm().kind())
                  ? " (JOSE defines no algorithm name for it)"
                  : ""));
    }
    if (use.operation == Operation.SIGN_STANDARD
        && !key.operations.equals(EnumSet.of(Operation.SIGN_STANDARD))) {
      throw engine.refused(
          use.actor,
          use.auditAction,
          name,
          0,
          new StandardSignatureNotAllowedException(
              "key '"
                  + name
                  + "' does not allow SIGN_STANDARD (it allows "
                  + key.operations.stream().map(Enum::name).collect(Collectors.joining(", "))
                  + "), so it cannot make a standard signature of data of your choosing: its"
                  + " envelope signatures or JWS would be forgeable with one. Create a separate"
                  + " key with withOperations(Operation.SIGN_STANDARD)"));
    }
    if (!key.operations.contains(use.operation)) {
      throw engine.refused(
          use.actor,
          use.auditAction,
          name,
          0,
          new OperationNotPermittedException(
              "key '"
                  + name
                  + "' does not allow "
                  + use.operation
                  + " (it allows "
                  + key.operations.stream().map(Enum::name).collect(Collectors.joining(", "))
                  + ")"));
    }
    if (use.onlyKeysThatCannotSign && key.operations.contains(Operation.SIGN)) {
      throw engine.refused(
          AuditChain.APP,
          use.auditAction,
          name,
          0,
          new OperationNotPermittedException(
              "key '"
                  + name
                  + "' allows SIGN, so it cannot "
                  + use.description
                  + ": a JWS this key made carries exactly such a signature or tag over its"
                  + " 'header.payload', which would pass as signed bare data. Check this key's"
                  + " own output with verify() or verifyMac(); for a signature made outside,"
                  + " import the outside signer's key (its public key, or the shared HMAC key)"
                  + " as a key that allows only VERIFY"));
    }
    if (!key.record.enabled()) {
      throw engine.refused(
          use.actor,
          use.auditAction,
          name,
          0,
          new KeyDisabledException("key '" + name + "' is disabled"));
    }
    return key;
  }

  /** For new output: the key admitted, rotated first if its period passed, its primary enabled. */
  Permit primary(String name, KeyUse use) {
    LoadedKey key = admit(name, use);
    if (engine.clock().millis() >= key.rotationDueAtMillis) {
      key = engine.writes().rotateIfDue(name);
    }
    int primary = key.record.primaryVersion();
    if (key.primary == null) {
      throw engine.refused(
          use.actor,
          use.auditAction,
          name,
          primary,
          new KeyDisabledException(
              "key '" + name + "' primary version " + primary + " is not enabled"));
    }
    return new Permit(key, primary, key.primary, use);
  }

  /**
   * For input that names the version that made it (an envelope, a JWS {@code kid}): that version,
   * if it exists, is not below the key's minimum and is enabled. A version this client has not seen
   * is looked up once more, since another process may have just rotated.
   */
  Permit version(LoadedKey key, KeyUse use, int version) {
    String name = key.name();
    LoadedKey.LoadedVersion v = key.versions.get(version);
    if (v == null) {
      // Only a version above the highest known can be new (versions are never deleted), and
      // only a key whose stored revision moved is reloaded: forged headers cost no reloads.
      if (version > key.highestVersion && engine.keys().mayHaveChanged(key)) {
        key = engine.keys().reloaded(name);
        v = key.versions.get(version);
      }
      if (v == null) {
        throw use.badInput(
            use.input
                + " names version "
                + version
                + " of key '"
                + name
                + "', which it does not have");
      }
    }
    if (version < key.record.minDecryptionVersion()) {
      throw refused(
          use,
          name,
          version,
          new VersionBelowMinimumException(
              "key '"
                  + name
                  + "' version "
                  + version
                  + " is below the minimum decryption version "
                  + key.record.minDecryptionVersion()));
    }
    if (v.state() == KeyState.SCHEDULED_FOR_DESTRUCTION
        && v.destroyAtMillis() <= engine.clock().millis()) {
      engine.writes().destroyDue(name);
      key = engine.keys().loaded(name);
      v = key.versions.get(version);
    }
    switch (v.state()) {
      case ENABLED:
        return new Permit(key, version, v.ops(), use);
      case DESTROYED:
        throw refused(
            use,
            name,
            version,
            new KeyVersionDestroyedException(
                "key '"
                    + name
                    + "' version "
                    + version
                    + " was destroyed"
                    + (v.destroyAtMillis() > 0
                        ? " at " + Instant.ofEpochMilli(v.destroyAtMillis())
                        : "")
                    + "; data made with it cannot be decrypted or verified"));
      case SCHEDULED_FOR_DESTRUCTION:
        throw refused(
            use,
            name,
            version,
            new KeyDisabledException(
                "key '"
                    + name
                    + "' version "
                    + version
                    + " is scheduled for destruction at "
                    + Instant.ofEpochMilli(v.destroyAtMillis())
                    + " (an admin can cancel it)"));
      default:
        throw refused(
            use,
            name,
            version,
            new KeyDisabledException("key '" + name + "' version " + version + " is disabled"));
    }
  }

  /**
   * Refuses {@code input} (a context, or data to sign) in the library's reserved namespace ({@link
   * ReservedLabels}), before any other check: no public operation may make or open what the library
   * makes for itself. Counted as a refusal of input (written in batches, like a header naming a
   * disabled version), since a caller may pass on contexts it was sent.
   */
  void refuseReserved(String name, KeyUse use, byte[] input) {
    if (ReservedLabels.isReserved(input)) {
      boolean data = use.operation == Operation.SIGN || use.operation == Operation.SIGN_STANDARD;
      throw engine.refusedForInput(
          use.actor,
          use.auditAction,
          name,
          0,
          new OperationNotPermittedException(
              "key '"
                  + name
                  + "' cannot "
                  + use.description
                  + (data ? " data" : " with a context")
                  + " that begins with \""
                  + ReservedLabels.PREFIX
                  + "\": that namespace is reserved for the library's own labels (key export); "
                  + (data
                      ? "put a prefix of your own before the data"
                      : "choose another context")));
    }
  }

  WrongKeyTypeException wrongType(LoadedKey key, String description) {
    return new WrongKeyTypeException(
        "key '" + key.name() + "' is " + key.record.algorithm() + ", which cannot " + description);
  }

  /** A refusal caused by the version the input names: counted, written in batches. */
  private <E extends dev.hsm.HsmException> E refused(
      KeyUse use, String name, int version, E refusal) {
    return engine.refusedForInput(use.actor, use.auditAction, name, version, refusal);
  }
}
