package dev.hsm.internal.engine;

import dev.hsm.DataKey;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.StandardSigner;
import dev.hsm.observe.KeyOperation;
import dev.hsm.observe.OperationListener;
import dev.hsm.observe.Outcome;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A handle of a client with observers: each operation is timed (if its listener asks) and its
 * outcome handed to the key's {@link OperationListener} for that operation, made once and kept in a
 * slot per operation (an array read, no lookup by name). A client without observers hands out the
 * plain handle.
 */
final class ObservedKeyHandle implements KeyHandle {
  private final KeyHandle inner;
  private final Observers observers;
  private final AtomicReferenceArray<OperationListener> listeners;

  ObservedKeyHandle(KeyHandle inner, Observers observers) {
    this.inner = inner;
    this.observers = observers;
    this.listeners = observers.listenersOf(inner.name());
  }

  private OperationListener listener(KeyOperation operation) {
    OperationListener listener = listeners.get(operation.ordinal());
    if (listener == null) {
      listener = observers.listener(inner.name(), operation);
      listeners.set(operation.ordinal(), listener);
    }
    return listener;
  }

  /**
   * One operation on the inner handle, with its arguments passed in rather than captured: the
   * lambdas below capture nothing, so each is one shared instance and an observed call allocates
   * nothing more than the plain one.
   */
  @FunctionalInterface
  private interface Call<A, B, R> {
    R on(KeyHandle key, A a, B b, int version);
  }

  /** {@code call} on the inner handle, timed, its outcome handed to the operation's listener. */
  private <A, B, R> R observed(KeyOperation operation, Call<A, B, R> call, A a, B b, int version) {
    OperationListener listener = listener(operation);
    Object started = Observers.started(listener);
    boolean timed = Observers.timeThisCall(listener);
    long start = timed ? System.nanoTime() : 0;
    R result;
    try {
      result = call.on(inner, a, b, version);
    } catch (RuntimeException e) {
      Observers.completed(listener, started, Outcome.of(e), timed, start);
      throw e;
    }
    Observers.completed(listener, started, Outcome.OK, timed, start);
    return result;
  }

  @Override
  public byte[] encrypt(byte[] plaintext, byte[] context) {
    return observed(KeyOperation.ENCRYPT, (k, p, c, v) -> k.encrypt(p, c), plaintext, context, 0);
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] context) {
    return observed(KeyOperation.DECRYPT, (k, c, x, v) -> k.decrypt(c, x), ciphertext, context, 0);
  }

  @Override
  public byte[] reencrypt(byte[] ciphertext, byte[] context) {
    return observed(
        KeyOperation.REENCRYPT, (k, c, x, v) -> k.reencrypt(c, x), ciphertext, context, 0);
  }

  @Override
  public DataKey generateDataKey(byte[] context) {
    return observed(
        KeyOperation.GENERATE_DATA_KEY, (k, c, u, v) -> k.generateDataKey(c), context, null, 0);
  }

  @Override
  public byte[] decryptStandardOaep(byte[] ciphertext, byte[] label, int version) {
    return observed(
        KeyOperation.DECRYPT_STANDARD_OAEP,
        (k, c, l, v) -> k.decryptStandardOaep(c, l, v),
        ciphertext,
        label,
        version);
  }

  @Override
  public byte[] sign(byte[] data) {
    return observed(KeyOperation.SIGN, (k, d, u, v) -> k.sign(d), data, null, 0);
  }

  @Override
  public void verify(byte[] data, byte[] signature) {
    observed(
        KeyOperation.VERIFY,
        (k, d, sig, v) -> {
          k.verify(d, sig);
          return null;
        },
        data,
        signature,
        0);
  }

  @Override
  public byte[] mac(byte[] data) {
    return observed(KeyOperation.MAC, (k, d, u, v) -> k.mac(d), data, null, 0);
  }

  @Override
  public void verifyMac(byte[] data, byte[] tag) {
    observed(
        KeyOperation.VERIFY_MAC,
        (k, d, t, v) -> {
          k.verifyMac(d, t);
          return null;
        },
        data,
        tag,
        0);
  }

  @Override
  public String signJws(byte[] payload) {
    return observed(KeyOperation.SIGN_JWS, (k, p, u, v) -> k.signJws(p), payload, null, 0);
  }

  @Override
  public byte[] verifyJws(String jws) {
    return observed(KeyOperation.VERIFY_JWS, (k, j, u, v) -> k.verifyJws(j), jws, null, 0);
  }

  @Override
  public byte[] signStandard(byte[] data) {
    return observed(KeyOperation.SIGN_STANDARD, (k, d, u, v) -> k.signStandard(d), data, null, 0);
  }

  /**
   * The stream's {@link StandardSigner#sign()} is the operation, heard like {@link
   * #signStandard(byte[])}; a start the gate refuses is heard as that operation's outcome too.
   */
  @Override
  public StandardSigner standardSigner() {
    OperationListener listener = listener(KeyOperation.SIGN_STANDARD);
    StandardSigner signer;
    try {
      signer = inner.standardSigner();
    } catch (RuntimeException e) {
      Observers.completed(
          listener, Observers.started(listener), Outcome.of(e), true, System.nanoTime());
      throw e;
    }
    return new ObservedStandardSigner(signer, listener);
  }

  @Override
  public byte[] signStandard(byte[] data, int version) {
    return observed(
        KeyOperation.SIGN_STANDARD, (k, d, u, v) -> k.signStandard(d, v), data, null, version);
  }

  @Override
  public byte[] macStandard(byte[] data, int version) {
    return observed(
        KeyOperation.MAC_STANDARD, (k, d, u, v) -> k.macStandard(d, v), data, null, version);
  }

  @Override
  public void verifyStandardSignature(byte[] data, byte[] signature, int version) {
    observed(
        KeyOperation.VERIFY_STANDARD_SIGNATURE,
        (k, d, sig, v) -> {
          k.verifyStandardSignature(d, sig, v);
          return null;
        },
        data,
        signature,
        version);
  }

  @Override
  public void verifyStandardMac(byte[] data, byte[] tag, int version) {
    observed(
        KeyOperation.VERIFY_STANDARD_MAC,
        (k, d, t, v) -> {
          k.verifyStandardMac(d, t, v);
          return null;
        },
        data,
        tag,
        version);
  }

  /** A standard signer whose final {@link #sign()} is timed and heard as SIGN_STANDARD. */
  private static final class ObservedStandardSigner implements StandardSigner {
    private final StandardSigner inner;
    private final OperationListener listener;

    ObservedStandardSigner(StandardSigner inner, OperationListener listener) {
      this.inner = inner;
      this.listener = listener;
    }

    @Override
    public String keyName() {
      return inner.keyName();
    }

    @Override
    public int version() {
      return inner.version();
    }

    @Override
    public void update(byte[] data, int offset, int length) {
      inner.update(data, offset, length);
    }

    @Override
    public byte[] sign() {
      Object started = Observers.started(listener);
      boolean timed = Observers.timeThisCall(listener);
      long start = timed ? System.nanoTime() : 0;
      byte[] signature;
      try {
        signature = inner.sign();
      } catch (RuntimeException e) {
        Observers.completed(listener, started, Outcome.of(e), timed, start);
        throw e;
      }
      Observers.completed(listener, started, Outcome.OK, timed, start);
      return signature;
    }

    @Override
    public String toString() {
      return inner.toString();
    }
  }

  // ---------------------------------------------------------------- not operations

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public KeyInfo info() {
    return inner.info();
  }

  @Override
  public String publicKeyPem() {
    return inner.publicKeyPem();
  }

  @Override
  public String publicKeyPem(int version) {
    return inner.publicKeyPem(version);
  }

  @Override
  public String publicJwk() {
    return inner.publicJwk();
  }

  @Override
  public String publicJwk(int version) {
    return inner.publicJwk(version);
  }

  @Override
  public List<X509Certificate> certificateChain(int version) {
    return inner.certificateChain(version);
  }

  @Override
  public void attachCertificateChain(int version, List<X509Certificate> chain) {
    inner.attachCertificateChain(version, chain);
  }

  @Override
  public int rotate() {
    return inner.rotate();
  }

  @Override
  public void disable() {
    inner.disable();
  }

  @Override
  public void enable() {
    inner.enable();
  }

  @Override
  public void disableVersion(int version) {
    inner.disableVersion(version);
  }

  @Override
  public void enableVersion(int version) {
    inner.enableVersion(version);
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
