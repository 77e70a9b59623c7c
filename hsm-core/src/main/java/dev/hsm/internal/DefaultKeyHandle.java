package dev.hsm.internal;

import dev.hsm.Algorithm;
import dev.hsm.DataKey;
import dev.hsm.HsmException;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyState;
import dev.hsm.KeyVersionDestroyedException;
import dev.hsm.Operation;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.VerificationFailedException;
import dev.hsm.VersionBelowMinimumException;
import dev.hsm.WrongKeyTypeException;
import dev.hsm.internal.crypto.CryptoKey;
import dev.hsm.internal.crypto.Keys;
import dev.hsm.internal.crypto.PublicKeyExport;
import dev.hsm.internal.crypto.Randomness;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A {@link KeyHandle}: a name and the engine. Each operation takes the unwrapped key from the
 * engine's cache (a map lookup), checks kind, policy and state, and runs; the database is read only
 * on a cache miss, and written only for refusals (audit), due rotations and lifecycle acts.
 */
final class DefaultKeyHandle implements KeyHandle {
  private final String name;
  private final SqliteHsmClient engine;

  DefaultKeyHandle(String name, SqliteHsmClient engine) {
    this.name = name;
    this.engine = engine;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public KeyInfo info() {
    engine.checkOpen();
    return engine.read(name).info();
  }

  // ---------------------------------------------------------------- encryption

  @Override
  public byte[] encrypt(byte[] plaintext, byte[] context) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(context, "context");
    LoadedKey key =
        forNewOutput(
            Operation.ENCRYPT,
            "key.encrypt",
            "encrypt",
            Algorithm.Kind.AEAD,
            Algorithm.Kind.ASYMMETRIC_ENCRYPTION);
    byte[] ciphertext;
    try {
      ciphertext =
          key.primary.encrypt(
              Envelope.header(Envelope.CIPHERTEXT, key.record.primaryVersion()),
              plaintext,
              context);
    } catch (IllegalArgumentException tooLong) {
      throw new IllegalArgumentException("key '" + name + "': " + tooLong.getMessage());
    }
    count(key, Operation.ENCRYPT);
    return ciphertext;
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] context) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(context, "context");
    LoadedKey key =
        usable(
            Operation.DECRYPT,
            "key.decrypt",
            "decrypt",
            Algorithm.Kind.AEAD,
            Algorithm.Kind.ASYMMETRIC_ENCRYPTION);
    String problem = Envelope.problem(ciphertext, Envelope.CIPHERTEXT);
    if (problem != null) {
      throw new InvalidCiphertextException("ciphertext for key '" + name + "' " + problem);
    }
    int version = Envelope.version(ciphertext);
    CryptoKey crypto =
        versionFor(key, version, "key.decrypt", "ciphertext", InvalidCiphertextException::new);
    byte[] plaintext;
    try {
      plaintext = crypto.decrypt(ciphertext, Envelope.HEADER_BYTES, context);
    } catch (GeneralSecurityException | RuntimeException e) {
      // One message for every authentication failure: no padding or tag oracle.
      throw new InvalidCiphertextException(
          "ciphertext does not decrypt with key '"
              + name
              + "' version "
              + version
              + ": it was altered or truncated, made by another key, or the context differs");
    }
    count(key, Operation.DECRYPT);
    return plaintext;
  }

  @Override
  public byte[] reencrypt(byte[] ciphertext, byte[] context) {
    byte[] plaintext = decrypt(ciphertext, context);
    try {
      return encrypt(plaintext, context);
    } finally {
      KeyProtection.wipe(plaintext);
    }
  }

  @Override
  public DataKey generateDataKey(byte[] context) {
    Objects.requireNonNull(context, "context");
    usable(Operation.ENCRYPT, "key.generate-data-key", "generate a data key", Algorithm.Kind.AEAD);
    byte[] plaintextKey = Randomness.bytes(Keys.AEAD_KEY_BYTES);
    try {
      return new DataKey(plaintextKey, encrypt(plaintextKey, context));
    } finally {
      KeyProtection.wipe(plaintextKey);
    }
  }

  // ---------------------------------------------------------------- signatures and MACs

  @Override
  public byte[] sign(byte[] data) {
    Objects.requireNonNull(data, "data");
    LoadedKey key = forNewOutput(Operation.SIGN, "key.sign", "sign", Algorithm.Kind.SIGNATURE);
    byte[] signature =
        withHeader(Envelope.SIGNATURE, key.record.primaryVersion(), key.primary.sign(data));
    count(key, Operation.SIGN);
    return signature;
  }

  @Override
  public void verify(byte[] data, byte[] signature) {
    check(data, signature, Envelope.SIGNATURE, "signature", Algorithm.Kind.SIGNATURE);
  }

  @Override
  public byte[] mac(byte[] data) {
    Objects.requireNonNull(data, "data");
    LoadedKey key = forNewOutput(Operation.SIGN, "key.mac", "compute a MAC", Algorithm.Kind.MAC);
    byte[] tag = withHeader(Envelope.MAC, key.record.primaryVersion(), key.primary.sign(data));
    count(key, Operation.SIGN);
    return tag;
  }

  @Override
  public void verifyMac(byte[] data, byte[] tag) {
    check(data, tag, Envelope.MAC, "MAC tag", Algorithm.Kind.MAC);
  }

  @Override
  public String signJws(byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    LoadedKey key =
        forNewOutput(
            Operation.SIGN, "key.sign", "sign a JWS", Algorithm.Kind.SIGNATURE, Algorithm.Kind.MAC);
    String jws =
        Jws.sign(
            key.record.algorithm(), name + ":" + key.record.primaryVersion(), payload, key.primary);
    count(key, Operation.SIGN);
    return jws;
  }

  @Override
  public byte[] verifyJws(String jws) {
    Objects.requireNonNull(jws, "jws");
    LoadedKey key =
        usable(
            Operation.VERIFY,
            "key.verify",
            "verify a JWS",
            Algorithm.Kind.SIGNATURE,
            Algorithm.Kind.MAC);
    Jws.Parsed parsed = Jws.parse(jws, key.record.algorithm(), name);
    CryptoKey crypto =
        versionFor(key, parsed.version(), "key.verify", "JWS", VerificationFailedException::new);
    if (!crypto.verify(parsed.signingInput(), parsed.signature(), 0)) {
      throw new VerificationFailedException(
          "JWS signature does not verify with key '" + name + "' version " + parsed.version());
    }
    count(key, Operation.VERIFY);
    return parsed.payload();
  }

  private void check(byte[] data, byte[] envelope, byte format, String what, Algorithm.Kind kind) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(envelope, what);
    String action = kind == Algorithm.Kind.MAC ? "key.verify-mac" : "key.verify";
    LoadedKey key = usable(Operation.VERIFY, action, "verify a " + what, kind);
    String problem = Envelope.problem(envelope, format);
    if (problem != null) {
      throw new VerificationFailedException(what + " for key '" + name + "' " + problem);
    }
    int version = Envelope.version(envelope);
    CryptoKey crypto = versionFor(key, version, action, what, VerificationFailedException::new);
    if (!crypto.verify(data, envelope, Envelope.HEADER_BYTES)) {
      throw new VerificationFailedException(
          what + " does not verify with key '" + name + "' version " + version);
    }
    count(key, Operation.VERIFY);
  }

  // ---------------------------------------------------------------- public keys

  @Override
  public String publicKeyPem() {
    return PublicKeyExport.pem(asymmetric("export a public key").primaryPublicKey());
  }

  @Override
  public String publicJwk() {
    LoadedKey key = asymmetric("export a public JWK");
    return PublicKeyExport.jwk(
            key.record.algorithm(),
            key.primaryPublicKey(),
            name + ":" + key.record.primaryVersion())
        .toJSONString();
  }

  private LoadedKey asymmetric(String action) {
    LoadedKey key = engine.loaded(name);
    if (!key.record.algorithm().isAsymmetric()) {
      throw wrongType(key, action);
    }
    return key;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public int rotate() {
    return engine.rotate(name, Audit.APP, "rotated on request");
  }

  @Override
  public void disable() {
    engine.update(
        name,
        Audit.APP,
        "key.disable",
        0,
        "",
        current ->
            current.enabled()
                ? current.withPolicy(
                    false, current.rotationPeriodSeconds(), current.minDecryptionVersion())
                : current);
  }

  @Override
  public void enable() {
    engine.update(
        name,
        Audit.APP,
        "key.enable",
        0,
        "",
        current ->
            current.enabled()
                ? current
                : current.withPolicy(
                    true, current.rotationPeriodSeconds(), current.minDecryptionVersion()));
  }

  @Override
  public void disableVersion(int version) {
    changeVersionState(version, "key.disable-version", KeyState.ENABLED, KeyState.DISABLED);
  }

  @Override
  public void enableVersion(int version) {
    changeVersionState(version, "key.enable-version", KeyState.DISABLED, KeyState.ENABLED);
  }

  private void changeVersionState(int version, String action, KeyState from, KeyState to) {
    engine.update(
        name,
        Audit.APP,
        action,
        version,
        from + " -> " + to,
        current -> {
          KeyRecord.VersionRecord v = existingVersion(current, version, action);
          if (v.state() == to) {
            return current;
          }
          if (v.state() != from) {
            throw engine.refused(
                Audit.APP,
                action,
                name,
                version,
                new OperationNotPermittedException(
                    "key '"
                        + name
                        + "' version "
                        + version
                        + " is "
                        + v.state()
                        + ", not "
                        + from));
          }
          if (to == KeyState.DISABLED && version == current.primaryVersion()) {
            throw engine.refused(
                Audit.APP,
                action,
                name,
                version,
                new OperationNotPermittedException(
                    "key '"
                        + name
                        + "' version "
                        + version
                        + " is the primary version; rotate first, or disable the whole key"));
          }
          return current.withVersion(v.withState(to, 0));
        });
  }

  /** The version, or a refusal naming it. */
  KeyRecord.VersionRecord existingVersion(KeyRecord current, int version, String action) {
    KeyRecord.VersionRecord v = current.version(version);
    if (v == null) {
      throw engine.refused(
          Audit.APP,
          action,
          name,
          version,
          new dev.hsm.KeyNotFoundException("key '" + name + "' has no version " + version));
    }
    return v;
  }

  // ---------------------------------------------------------------- checks

  /**
   * The loaded key, if its algorithm is of one of {@code kinds}, its policy allows {@code
   * operation} and it is enabled. The type check comes first: using the wrong kind of key is a
   * programming error. Policy and state refusals are recorded in the audit log.
   */
  private LoadedKey usable(
      Operation operation, String action, String description, Algorithm.Kind... kinds) {
    LoadedKey key = engine.loaded(name);
    boolean kindMatches = false;
    for (Algorithm.Kind kind : kinds) {
      kindMatches |= key.record.algorithm().kind() == kind;
    }
    if (!kindMatches) {
      throw wrongType(key, description);
    }
    if (!key.operations.contains(operation)) {
      throw engine.refused(
          Audit.APP,
          action,
          name,
          0,
          new OperationNotPermittedException(
              "key '"
                  + name
                  + "' does not allow "
                  + operation
                  + " (it allows "
                  + key.operations.stream().map(Enum::name).collect(Collectors.joining(", "))
                  + ")"));
    }
    if (!key.record.enabled()) {
      throw engine.refused(
          Audit.APP, action, name, 0, new KeyDisabledException("key '" + name + "' is disabled"));
    }
    return key;
  }

  /** A usable key whose primary version can make new output, rotated first if due. */
  private LoadedKey forNewOutput(
      Operation operation, String action, String description, Algorithm.Kind... kinds) {
    LoadedKey key = usable(operation, action, description, kinds);
    if (engine.clock().millis() >= key.rotationDueAtMillis) {
      key = engine.rotateIfDue(name);
    }
    if (key.primary == null) {
      throw engine.refused(
          Audit.APP,
          action,
          name,
          key.record.primaryVersion(),
          new KeyDisabledException(
              "key '"
                  + name
                  + "' primary version "
                  + key.record.primaryVersion()
                  + " is not enabled"));
    }
    return key;
  }

  /**
   * The usable key of the version an envelope names. A version this process has not seen is looked
   * up once more (another process may have rotated); refusals are audited.
   */
  private CryptoKey versionFor(
      LoadedKey key,
      int version,
      String action,
      String what,
      Function<String, HsmException> unknown) {
    LoadedKey.LoadedVersion v = key.versions.get(version);
    if (v == null) {
      key = engine.reloaded(name);
      v = key.versions.get(version);
      if (v == null) {
        throw unknown.apply(
            what + " names version " + version + " of key '" + name + "', which it does not have");
      }
    }
    if (version < key.record.minDecryptionVersion()) {
      throw engine.refused(
          Audit.APP,
          action,
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
      engine.destroyDue(name);
      v = engine.loaded(name).versions.get(version);
    }
    switch (v.state()) {
      case ENABLED:
        return v.crypto();
      case DESTROYED:
        throw engine.refused(
            Audit.APP,
            action,
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
        throw engine.refused(
            Audit.APP,
            action,
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
        throw engine.refused(
            Audit.APP,
            action,
            name,
            version,
            new KeyDisabledException("key '" + name + "' version " + version + " is disabled"));
    }
  }

  private static void count(LoadedKey key, Operation operation) {
    key.usage[operation.ordinal()].increment();
  }

  private WrongKeyTypeException wrongType(LoadedKey key, String description) {
    return new WrongKeyTypeException(
        "key '" + name + "' is " + key.record.algorithm() + ", which cannot " + description);
  }

  private static byte[] withHeader(byte format, int version, byte[] payload) {
    byte[] header = Envelope.header(format, version);
    byte[] out = new byte[header.length + payload.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(payload, 0, out, header.length, payload.length);
    return out;
  }

  /** Identity only; never throws, so logging a handle of a broken key stays safe. */
  @Override
  public String toString() {
    LoadedKey key;
    try {
      key = engine.loaded(name);
    } catch (RuntimeException unavailable) {
      return "KeyHandle["
          + name
          + " (unavailable: "
          + unavailable.getClass().getSimpleName()
          + ")]";
    }
    return "KeyHandle["
        + name
        + " v"
        + key.record.primaryVersion()
        + " "
        + key.record.algorithm()
        + " "
        + key.operations.stream().map(Enum::name).collect(Collectors.joining(","))
        + "]";
  }
}
