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
 * A handle of a client with observers: each operation is timed and its outcome handed to the key's
 * {@link OperationListener} for that operation, made once and kept in a slot per operation (an
 * array read, no lookup by name). A client without observers hands out the plain handle.
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

  private static <T> T ok(OperationListener listener, Object started, long start, T result) {
    Observers.completed(listener, started, Outcome.OK, start);
    return result;
  }

  private static RuntimeException failed(
      OperationListener listener, Object started, long start, RuntimeException error) {
    Observers.completed(listener, started, Outcome.of(error), start);
    return error;
  }

  @Override
  public byte[] encrypt(byte[] plaintext, byte[] context) {
    OperationListener l = listener(KeyOperation.ENCRYPT);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.encrypt(plaintext, context));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public byte[] decrypt(byte[] ciphertext, byte[] context) {
    OperationListener l = listener(KeyOperation.DECRYPT);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.decrypt(ciphertext, context));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public byte[] reencrypt(byte[] ciphertext, byte[] context) {
    OperationListener l = listener(KeyOperation.REENCRYPT);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.reencrypt(ciphertext, context));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public DataKey generateDataKey(byte[] context) {
    OperationListener l = listener(KeyOperation.GENERATE_DATA_KEY);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.generateDataKey(context));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public byte[] decryptStandardOaep(byte[] ciphertext, byte[] label, int version) {
    OperationListener l = listener(KeyOperation.DECRYPT_STANDARD_OAEP);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.decryptStandardOaep(ciphertext, label, version));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public byte[] sign(byte[] data) {
    OperationListener l = listener(KeyOperation.SIGN);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.sign(data));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public void verify(byte[] data, byte[] signature) {
    OperationListener l = listener(KeyOperation.VERIFY);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      inner.verify(data, signature);
      ok(l, s, t, null);
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public byte[] mac(byte[] data) {
    OperationListener l = listener(KeyOperation.MAC);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.mac(data));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public void verifyMac(byte[] data, byte[] tag) {
    OperationListener l = listener(KeyOperation.VERIFY_MAC);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      inner.verifyMac(data, tag);
      ok(l, s, t, null);
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public String signJws(byte[] payload) {
    OperationListener l = listener(KeyOperation.SIGN_JWS);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.signJws(payload));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public byte[] verifyJws(String jws) {
    OperationListener l = listener(KeyOperation.VERIFY_JWS);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.verifyJws(jws));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public byte[] signStandard(byte[] data) {
    OperationListener l = listener(KeyOperation.SIGN_STANDARD);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.signStandard(data));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public StandardSigner standardSigner() {
    OperationListener l = listener(KeyOperation.SIGN_STANDARD);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.standardSigner());
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public byte[] signStandard(byte[] data, int version) {
    OperationListener l = listener(KeyOperation.SIGN_STANDARD);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.signStandard(data, version));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public byte[] macStandard(byte[] data, int version) {
    OperationListener l = listener(KeyOperation.MAC_STANDARD);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      return ok(l, s, t, inner.macStandard(data, version));
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public void verifyStandardSignature(byte[] data, byte[] signature, int version) {
    OperationListener l = listener(KeyOperation.VERIFY_STANDARD_SIGNATURE);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      inner.verifyStandardSignature(data, signature, version);
      ok(l, s, t, null);
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
    }
  }

  @Override
  public void verifyStandardMac(byte[] data, byte[] tag, int version) {
    OperationListener l = listener(KeyOperation.VERIFY_STANDARD_MAC);
    Object s = Observers.started(l);
    long t = System.nanoTime();
    try {
      inner.verifyStandardMac(data, tag, version);
      ok(l, s, t, null);
    } catch (RuntimeException e) {
      throw failed(l, s, t, e);
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
