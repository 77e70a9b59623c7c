package dev.hsm.internal.engine;

import dev.hsm.DataKey;
import dev.hsm.InvalidArgumentException;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyNotFoundException;
import dev.hsm.KeyState;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.RetiredEnvelopeFormatException;
import dev.hsm.StandardSigner;
import dev.hsm.VerificationFailedException;
import dev.hsm.internal.crypto.Keys;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.internal.formats.Envelope;
import dev.hsm.internal.formats.Jws;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.internal.protection.Secrets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link KeyHandle}: a name and the engine. Each operation asks the {@link PolicyGate} for a
 * {@link Permit} (on a cached key: field reads, no database), runs it, and wraps the result in its
 * format (envelope or JWS). The database is read only on a cache miss, and written only for
 * refusals (audit), due rotations and lifecycle acts.
 */
final class DefaultKeyHandle implements KeyHandle {
  private final String name;
  private final Engine engine;

  DefaultKeyHandle(String name, Engine engine) {
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
    return engine.keys().read(name).info();
  }

  // ---------------------------------------------------------------- encryption

  @Override
  public byte[] encrypt(byte[] plaintext, byte[] context) {
    InvalidArgumentException.requireNonNull(plaintext, "plaintext");
    InvalidArgumentException.requireNonNull(context, "context");
    engine.gate().refuseReserved(name, KeyUse.ENCRYPT, context);
    Permit permit = engine.gate().primary(name, KeyUse.ENCRYPT);
    byte[] ciphertext;
    try {
      ciphertext =
          permit
              .ops()
              .encrypt(Envelope.header(Envelope.CIPHERTEXT, permit.version()), plaintext, context);
    } catch (IllegalArgumentException tooLong) {
      throw new InvalidArgumentException("key '" + name + "': " + tooLong.getMessage());
    }
    permit.used();
    return ciphertext;
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] context) {
    InvalidArgumentException.requireNonNull(ciphertext, "ciphertext");
    InvalidArgumentException.requireNonNull(context, "context");
    engine.gate().refuseReserved(name, KeyUse.DECRYPT, context);
    LoadedKey key = engine.gate().admit(name, KeyUse.DECRYPT);
    String problem = Envelope.problem(ciphertext, Envelope.CIPHERTEXT);
    if (problem != null) {
      throw new InvalidCiphertextException("ciphertext for key '" + name + "' " + problem);
    }
    Permit permit = engine.gate().version(key, KeyUse.DECRYPT, Envelope.version(ciphertext));
    byte[] plaintext;
    try {
      plaintext = permit.ops().decrypt(ciphertext, Envelope.HEADER_BYTES, context);
    } catch (GeneralSecurityException | RuntimeException e) {
      // One message for every authentication failure: no padding or tag oracle.
      throw new InvalidCiphertextException(
          "ciphertext does not decrypt with key '"
              + name
              + "' version "
              + permit.version()
              + ": it was altered or truncated, made by another key, or the context differs");
    }
    permit.used();
    return plaintext;
  }

  @Override
  public byte[] decryptStandardOaep(byte[] ciphertext, byte[] label, int version) {
    InvalidArgumentException.requireNonNull(ciphertext, "ciphertext");
    InvalidArgumentException.requireNonNull(label, "label");
    KeyUse use = KeyUse.DECRYPT_STANDARD_OAEP;
    engine.gate().refuseReserved(name, use, label); // a key export's ephemeral key
    LoadedKey key = engine.gate().admit(name, use);
    Permit permit = engine.gate().version(key, use, version);
    byte[] plaintext;
    try {
      plaintext = permit.ops().decrypt(ciphertext, 0, label);
    } catch (GeneralSecurityException | RuntimeException e) {
      // One message for every failure: no padding oracle (Manger's attack needs two).
      throw new InvalidCiphertextException(
          "standard-form ciphertext does not decrypt with key '"
              + name
              + "' version "
              + version
              + ": it was altered or truncated, made for another key, or the label differs");
    }
    permit.used();
    return plaintext;
  }

  @Override
  public byte[] reencrypt(byte[] ciphertext, byte[] context) {
    byte[] plaintext = decrypt(ciphertext, context);
    try {
      return encrypt(plaintext, context);
    } finally {
      Secrets.wipe(plaintext);
    }
  }

  @Override
  public DataKey generateDataKey(byte[] context) {
    InvalidArgumentException.requireNonNull(context, "context");
    engine.gate().refuseReserved(name, KeyUse.GENERATE_DATA_KEY, context);
    engine.gate().admit(name, KeyUse.GENERATE_DATA_KEY);
    byte[] plaintextKey = Randomness.bytes(Keys.AEAD_KEY_BYTES);
    try {
      return new DataKey(plaintextKey, encrypt(plaintextKey, context));
    } finally {
      Secrets.wipe(plaintextKey);
    }
  }

  // ---------------------------------------------------------------- signatures and MACs

  @Override
  public byte[] sign(byte[] data) {
    engine.gate().refuseReserved(name, KeyUse.SIGN, data); // an export's signature input
    return signEnvelope(data, KeyUse.SIGN, Envelope.SIGNATURE);
  }

  @Override
  public void verify(byte[] data, byte[] signature) {
    verifyEnvelope(data, signature, KeyUse.VERIFY, Envelope.SIGNATURE);
  }

  @Override
  public byte[] mac(byte[] data) {
    return signEnvelope(data, KeyUse.MAC, Envelope.MAC);
  }

  @Override
  public void verifyMac(byte[] data, byte[] tag) {
    verifyEnvelope(data, tag, KeyUse.VERIFY_MAC, Envelope.MAC);
  }

  /**
   * Signs or MACs the envelope header followed by {@code data} (format 2), never {@code data}
   * alone: what a JWS signs is base64url text, and the header starts with a byte that text never
   * has.
   */
  private byte[] signEnvelope(byte[] data, KeyUse use, byte format) {
    InvalidArgumentException.requireNonNull(data, "data");
    Permit permit = engine.gate().primary(name, use);
    byte[] header = Envelope.header(format, permit.version());
    byte[] envelope = Envelope.wrap(header, permit.ops().sign(header, data));
    permit.used();
    return envelope;
  }

  private void verifyEnvelope(byte[] data, byte[] envelope, KeyUse use, byte format) {
    InvalidArgumentException.requireNonNull(data, "data");
    InvalidArgumentException.requireNonNull(envelope, use.input);
    LoadedKey key = engine.gate().admit(name, use);
    if (Envelope.isRetired(envelope, format)) {
      throw retired(use, envelope[0], format);
    }
    String problem = Envelope.problem(envelope, format);
    if (problem != null) {
      throw new VerificationFailedException(use.input + " for key '" + name + "' " + problem);
    }
    Permit permit = engine.gate().version(key, use, Envelope.version(envelope));
    if (!permit.ops().verify(Envelope.headerOf(envelope), data, envelope, Envelope.HEADER_BYTES)) {
      throw new VerificationFailedException(
          use.input + " does not verify with key '" + name + "' version " + permit.version());
    }
    permit.used();
  }

  /** Format 1 signed the bare data, as a JWS does: refused, saying what to do instead. */
  private RetiredEnvelopeFormatException retired(KeyUse use, byte presented, byte format) {
    boolean mac = format == Envelope.MAC;
    return new RetiredEnvelopeFormatException(
        String.format(
            "%s for key '%s' is a format-1 %s envelope (format byte 0x%02x), which is no longer"
                + " accepted: format 1 %s the bare data, so the signature of any JWS this key"
                + " made could be repackaged as one. %s again with %s, which makes format 2"
                + " (0x%02x), from data you still trust; see docs/FORMATS.md, \"Format 1\"",
            use.input,
            name,
            mac ? "MAC tag" : "signature",
            presented,
            mac ? "MACed" : "signed",
            mac ? "Compute the tag" : "Sign the data",
            mac ? "mac()" : "sign()",
            format));
  }

  @Override
  public void verifyStandardSignature(byte[] data, byte[] signature, int version) {
    verifyStandard(data, signature, version, KeyUse.VERIFY_STANDARD_SIGNATURE);
  }

  @Override
  public void verifyStandardMac(byte[] data, byte[] tag, int version) {
    verifyStandard(data, tag, version, KeyUse.VERIFY_STANDARD_MAC);
  }

  /** No envelope and no domain: the gate admits only keys that never sign ({@link KeyUse}). */
  private void verifyStandard(byte[] data, byte[] signature, int version, KeyUse use) {
    InvalidArgumentException.requireNonNull(data, "data");
    InvalidArgumentException.requireNonNull(signature, use.input);
    LoadedKey key = engine.gate().admit(name, use);
    Permit permit = engine.gate().version(key, use, version);
    if (!permit.ops().verify(data, signature, 0)) {
      throw new VerificationFailedException(
          use.input + " does not verify with key '" + name + "' version " + version);
    }
    permit.used();
  }

  @Override
  public byte[] signStandard(byte[] data) {
    InvalidArgumentException.requireNonNull(data, "data");
    engine.gate().refuseReserved(name, KeyUse.SIGN_STANDARD, data);
    Permit permit = engine.gate().primary(name, KeyUse.SIGN_STANDARD);
    byte[] signature = permit.ops().sign(data);
    permit.used();
    return signature;
  }

  @Override
  public StandardSigner standardSigner() {
    Permit permit = engine.gate().primary(name, KeyUse.SIGN_STANDARD);
    return new DefaultStandardSigner(
        name, engine, permit.version(), permit.ops().newStreamSigner());
  }

  @Override
  public byte[] signStandard(byte[] data, int version) {
    return signStandard(data, version, KeyUse.SIGN_STANDARD);
  }

  @Override
  public byte[] macStandard(byte[] data, int version) {
    return signStandard(data, version, KeyUse.MAC_STANDARD);
  }

  /**
   * The standard signature or tag of exactly {@code data} by {@code version}, not only the primary
   * (a certificate names one version); the gate admits only keys that allow SIGN_STANDARD alone.
   */
  private byte[] signStandard(byte[] data, int version, KeyUse use) {
    InvalidArgumentException.requireNonNull(data, "data");
    engine.gate().refuseReserved(name, use, data); // an export's signature input
    LoadedKey key = engine.gate().admit(name, use);
    if (key.record.version(version) == null) {
      throw new KeyNotFoundException("key '" + name + "' has no version " + version);
    }
    Permit permit = engine.gate().version(key, use, version);
    byte[] signature = permit.ops().sign(data);
    permit.used();
    return signature;
  }

  @Override
  public String signJws(byte[] payload) {
    InvalidArgumentException.requireNonNull(payload, "payload");
    Permit permit = engine.gate().primary(name, KeyUse.SIGN_JWS);
    String jws =
        Jws.sign(
            permit.key().record.algorithm(), name + ":" + permit.version(), payload, permit.ops());
    permit.used();
    return jws;
  }

  @Override
  public byte[] verifyJws(String jws) {
    InvalidArgumentException.requireNonNull(jws, "jws");
    LoadedKey key = engine.gate().admit(name, KeyUse.VERIFY_JWS);
    Jws.Parsed parsed = Jws.parse(jws, key.record.algorithm(), name);
    Permit permit = engine.gate().version(key, KeyUse.VERIFY_JWS, parsed.version());
    if (!permit.ops().verify(parsed.signingInput(), parsed.signature(), 0)) {
      throw new VerificationFailedException(
          "JWS signature does not verify with key '" + name + "' version " + parsed.version());
    }
    permit.used();
    return parsed.payload();
  }

  // ---------------------------------------------------------------- public keys, certificates

  @Override
  public String publicKeyPem() {
    return publicParts().publicKeyPem();
  }

  @Override
  public String publicJwk() {
    return publicParts().publicJwk();
  }

  @Override
  public String publicKeyPem(int version) {
    return publicParts().publicKeyPem(version);
  }

  @Override
  public String publicJwk(int version) {
    return publicParts().publicJwk(version);
  }

  @Override
  public List<X509Certificate> certificateChain(int version) {
    return publicParts().certificateChain(version);
  }

  @Override
  public void attachCertificateChain(int version, List<X509Certificate> chain) {
    publicParts().attachCertificateChain(version, chain);
  }

  private PublicParts publicParts() {
    return new PublicParts(name, engine);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public int rotate() {
    return engine.writes().rotate(name, AuditChain.APP, "rotated on request");
  }

  @Override
  public void disable() {
    setEnabled(false, "key.disable");
  }

  @Override
  public void enable() {
    setEnabled(true, "key.enable");
  }

  private void setEnabled(boolean enabled, String action) {
    engine
        .writes()
        .update(
            name,
            AuditChain.APP,
            action,
            0,
            "",
            current ->
                current.enabled() == enabled
                    ? current
                    : current.withPolicy(
                        enabled, current.rotationPeriodSeconds(), current.minDecryptionVersion()));
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
    engine
        .writes()
        .update(
            name,
            AuditChain.APP,
            action,
            version,
            from + " -> " + to,
            current -> {
              KeyRecord.VersionRecord v =
                  PublicParts.existingVersion(engine, name, current, version, action);
              if (v.state() == to) {
                return current;
              }
              if (v.state() != from) {
                throw refusal(
                    action, version, "version " + version + " is " + v.state() + ", not " + from);
              }
              if (to == KeyState.DISABLED && version == current.primaryVersion()) {
                throw refusal(
                    action,
                    version,
                    "version "
                        + version
                        + " is the primary version; rotate first, or disable the whole key");
              }
              return current.withVersion(v.withState(to, 0));
            });
  }

  private OperationNotPermittedException refusal(String action, int version, String why) {
    return engine.refused(
        AuditChain.APP,
        action,
        name,
        version,
        new OperationNotPermittedException("key '" + name + "' " + why));
  }

  /** Identity only; never throws, so logging a handle of a broken key stays safe. */
  @Override
  public String toString() {
    LoadedKey key;
    try {
      key = engine.keys().loaded(name);
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
