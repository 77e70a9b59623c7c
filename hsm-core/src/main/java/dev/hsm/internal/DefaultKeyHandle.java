package dev.hsm.internal;

import dev.hsm.Algorithm;
import dev.hsm.DataKey;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.Operation;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.VerificationFailedException;
import dev.hsm.WrongKeyTypeException;
import dev.hsm.internal.crypto.CryptoKey;
import dev.hsm.internal.crypto.Keys;
import dev.hsm.internal.crypto.PublicKeyExport;
import dev.hsm.internal.crypto.Randomness;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A {@link KeyHandle}: a name and the engine. Each operation takes the unwrapped key from the
 * engine's cache (a map lookup), checks kind and policy, and runs; the database is read only on a
 * cache miss.
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
    return engine.currentInfo(name);
  }

  @Override
  public byte[] encrypt(byte[] plaintext, byte[] context) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(context, "context");
    LoadedKey key = usable(Operation.ENCRYPT, "encrypt", Algorithm.Kind.AEAD,
        Algorithm.Kind.ASYMMETRIC_ENCRYPTION);
    return key.primary.encrypt(
        Envelope.header(Envelope.CIPHERTEXT, key.info.primaryVersion()), plaintext, context);
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] context) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(context, "context");
    LoadedKey key = usable(Operation.DECRYPT, "decrypt", Algorithm.Kind.AEAD,
        Algorithm.Kind.ASYMMETRIC_ENCRYPTION);
    String problem = Envelope.problem(ciphertext, Envelope.CIPHERTEXT);
    if (problem != null) {
      throw new InvalidCiphertextException("ciphertext for key '" + name + "' " + problem);
    }
    int version = Envelope.version(ciphertext);
    CryptoKey crypto = key.versions.get(version);
    if (crypto == null) {
      throw new InvalidCiphertextException(
          "ciphertext names version " + version + " of key '" + name + "', which it does not have");
    }
    try {
      return crypto.decrypt(ciphertext, Envelope.HEADER_BYTES, context);
    } catch (GeneralSecurityException | RuntimeException e) {
      // One message for every authentication failure: no padding or tag oracle.
      throw new InvalidCiphertextException(
          "ciphertext does not decrypt with key '"
              + name
              + "' version "
              + version
              + ": it was altered or truncated, made by another key, or the context differs");
    }
  }

  @Override
  public DataKey generateDataKey(byte[] context) {
    Objects.requireNonNull(context, "context");
    usable(Operation.ENCRYPT, "generate a data key", Algorithm.Kind.AEAD);
    byte[] plaintextKey = Randomness.bytes(Keys.AEAD_KEY_BYTES);
    try {
      return new DataKey(plaintextKey, encrypt(plaintextKey, context));
    } finally {
      KeyProtection.wipe(plaintextKey);
    }
  }

  @Override
  public byte[] sign(byte[] data) {
    Objects.requireNonNull(data, "data");
    LoadedKey key = usable(Operation.SIGN, "sign", Algorithm.Kind.SIGNATURE);
    return withHeader(Envelope.SIGNATURE, key.info.primaryVersion(), key.primary.sign(data));
  }

  @Override
  public void verify(byte[] data, byte[] signature) {
    check(data, signature, Envelope.SIGNATURE, "signature", Algorithm.Kind.SIGNATURE);
  }

  @Override
  public byte[] mac(byte[] data) {
    Objects.requireNonNull(data, "data");
    LoadedKey key = usable(Operation.SIGN, "compute a MAC", Algorithm.Kind.MAC);
    return withHeader(Envelope.MAC, key.info.primaryVersion(), key.primary.sign(data));
  }

  @Override
  public void verifyMac(byte[] data, byte[] tag) {
    check(data, tag, Envelope.MAC, "MAC tag", Algorithm.Kind.MAC);
  }

  private void check(byte[] data, byte[] envelope, byte format, String what, Algorithm.Kind kind) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(envelope, what);
    LoadedKey key = usable(Operation.VERIFY, "verify a " + what, kind);
    String problem = Envelope.problem(envelope, format);
    if (problem != null) {
      throw new VerificationFailedException(what + " for key '" + name + "' " + problem);
    }
    int version = Envelope.version(envelope);
    CryptoKey crypto = key.versions.get(version);
    if (crypto == null) {
      throw new VerificationFailedException(
          what + " names version " + version + " of key '" + name + "', which it does not have");
    }
    if (!crypto.verify(data, envelope, Envelope.HEADER_BYTES)) {
      throw new VerificationFailedException(
          what + " does not verify with key '" + name + "' version " + version);
    }
  }

  @Override
  public String publicKeyPem() {
    return PublicKeyExport.pem(asymmetric("export a public key").primary.publicKey());
  }

  @Override
  public String publicJwk() {
    LoadedKey key = asymmetric("export a public JWK");
    return PublicKeyExport.jwk(
            key.info.algorithm(),
            key.primary.publicKey(),
            name + ":" + key.info.primaryVersion())
        .toJSONString();
  }

  private LoadedKey asymmetric(String action) {
    LoadedKey key = engine.loaded(name);
    if (!key.info.algorithm().isAsymmetric()) {
      throw wrongType(key, action);
    }
    return key;
  }

  /**
   * The loaded key, if its algorithm is of one of {@code kinds} and its policy allows {@code
   * operation}; the type check comes first, as using the wrong kind of key is a programming error.
   */
  private LoadedKey usable(Operation operation, String action, Algorithm.Kind... kinds) {
    LoadedKey key = engine.loaded(name);
    boolean kindMatches = false;
    for (Algorithm.Kind kind : kinds) {
      kindMatches |= key.info.algorithm().kind() == kind;
    }
    if (!kindMatches) {
      throw wrongType(key, action);
    }
    if (!key.operations.contains(operation)) {
      throw new OperationNotPermittedException(
          "key '"
              + name
              + "' does not allow "
              + operation
              + " (it allows "
              + key.operations.stream().map(Enum::name).collect(Collectors.joining(", "))
              + ")");
    }
    return key;
  }

  private WrongKeyTypeException wrongType(LoadedKey key, String action) {
    return new WrongKeyTypeException(
        "key '" + name + "' is " + key.info.algorithm() + ", which cannot " + action);
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
      return "KeyHandle[" + name + " (unavailable: " + unavailable.getClass().getSimpleName() + ")]";
    }
    return "KeyHandle["
        + name
        + " v"
        + key.info.primaryVersion()
        + " "
        + key.info.algorithm()
        + " "
        + key.operations.stream().map(Enum::name).collect(Collectors.joining(","))
        + "]";
  }
}
