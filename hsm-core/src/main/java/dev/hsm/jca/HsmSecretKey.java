package dev.hsm.jca;

import dev.hsm.Algorithm;
import dev.hsm.KeyHandle;
import dev.hsm.Operation;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * An HMAC key in the HSM as the JCA sees it: only a handle naming a key and a version, with no
 * encoding and no material. Use it with this provider's {@code Mac} ({@code HmacSHA256}...). Not
 * serializable.
 */
public final class HsmSecretKey implements SecretKey {
  private static final long serialVersionUID = 1L;

  private final transient KeyHandle handle;
  private final int version;
  private final Algorithm algorithm;
  private final Set<Operation> operations;

  HsmSecretKey(KeyHandle handle, int version, Algorithm algorithm, Set<Operation> operations) {
    this.handle = handle;
    this.version = version;
    this.algorithm = algorithm;
    this.operations = Set.copyOf(operations);
  }

  /** The key's name in the store: the {@code KeyStore} alias. */
  public String keyName() {
    return handle.name();
  }

  /** The key version this handle computes tags with. */
  public int version() {
    return version;
  }

  /** The key's algorithm in the HSM. */
  public Algorithm hsmAlgorithm() {
    return algorithm;
  }

  KeyHandle handle() {
    return handle;
  }

  boolean allows(Operation operation) {
    return operations.contains(operation);
  }

  /** {@code HmacSHA256}, {@code HmacSHA384} or {@code HmacSHA512}. */
  @Override
  public String getAlgorithm() {
    return JcaNames.keyAlgorithm(algorithm);
  }

  /** {@code null}: the key has no encoding that leaves the HSM. */
  @Override
  public String getFormat() {
    return null;
  }

  /** {@code null}: the key material never leaves the HSM. */
  @Override
  public byte[] getEncoded() {
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HsmSecretKey
        && ((HsmSecretKey) o).handle == handle
        && ((HsmSecretKey) o).version == version;
  }

  @Override
  public int hashCode() {
    return handle.name().hashCode() * 31 + version;
  }

  /** Identity only, e.g. {@code HsmSecretKey[webhooks v1 HMAC_SHA256]}. */
  @Override
  public String toString() {
    return "HsmSecretKey[" + handle.name() + " v" + version + " " + algorithm + "]";
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    throw new NotSerializableException("an HSM key handle cannot be serialized: " + this);
  }
}
