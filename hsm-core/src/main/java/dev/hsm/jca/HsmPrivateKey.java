package dev.hsm.jca;

import dev.hsm.Algorithm;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.Operation;
import dev.hsm.WrongKeyTypeException;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.util.List;
import java.util.Set;

/**
 * A private key in the HSM as the JCA sees it: only a handle, naming a key and one of its versions.
 * It has no encoding and carries no material ({@link #getEncoded()} and {@link #getFormat()} return
 * {@code null}); signing and decrypting run in the HSM through this provider's {@code Signature}
 * and {@code Cipher}, which check the key's policy and state on every call.
 *
 * <p>EC keys also implement {@link ECKey} and RSA keys {@link RSAKey}, with the public parameters
 * (curve, modulus) only, so that TLS and jarsigner can choose their algorithms. Not serializable.
 */
public class HsmPrivateKey implements PrivateKey {
  private static final long serialVersionUID = 1L;

  private final transient KeyHandle handle;
  private final int version;
  private final Algorithm algorithm;
  private final String jcaAlgorithm;
  private final Set<Operation> operations;

  HsmPrivateKey(
      KeyHandle handle,
      int version,
      Algorithm algorithm,
      String jcaAlgorithm,
      Set<Operation> operations) {
    this.handle = handle;
    this.version = version;
    this.algorithm = algorithm;
    this.jcaAlgorithm = jcaAlgorithm;
    this.operations = Set.copyOf(operations);
  }

  /**
   * The handle for {@code version} of {@code handle}'s key; {@code publicKey} (the version's, or
   * its certificate's) gives the key's JCA algorithm name and public parameters.
   */
  static HsmPrivateKey of(
      KeyHandle handle,
      int version,
      Algorithm algorithm,
      Set<Operation> operations,
      PublicKey publicKey) {
    String jcaName =
        publicKey != null ? publicKey.getAlgorithm() : JcaNames.keyAlgorithm(algorithm);
    if (publicKey instanceof ECPublicKey) {
      return new Ec(
          handle, version, algorithm, jcaName, operations, ((ECPublicKey) publicKey).getParams());
    }
    if (publicKey instanceof RSAPublicKey) {
      return new Rsa(
          handle, version, algorithm, jcaName, operations, ((RSAPublicKey) publicKey).getModulus());
    }
    return new HsmPrivateKey(handle, version, algorithm, jcaName, operations);
  }

  /**
   * The handle for {@code version} of {@code key}, as the {@code DevHsm} key store gives one for
   * the version it presents (the newest enabled version with a certificate chain): for code that
   * signs with a version of its own choosing, such as a JAR signed with the certificate of an older
   * version. Its public parameters come from the version's certificate, or else its public key.
   * Signing with it passes the policy gate as any handle's does.
   *
   * @throws WrongKeyTypeException if the key has no private key the provider can use (a symmetric
   *     key other than HMAC, or an imported public key); HMAC keys have {@link HsmSecretKey}s
   * @throws dev.hsm.KeyNotFoundException if the key has no such version
   * @throws dev.hsm.KeyDisabledException if the version is not enabled
   */
  public static HsmPrivateKey forVersion(KeyHandle key, int version) {
    InvalidArgumentException.requireNonNull(key, "key");
    KeyInfo info = key.info();
    Algorithm algorithm = info.algorithm();
    if (info.publicOnly()
        || (algorithm.kind() != Algorithm.Kind.SIGNATURE
            && algorithm != Algorithm.RSA_OAEP_SHA256)) {
      throw new WrongKeyTypeException(
          "key '"
              + key.name()
              + "' is "
              + (info.publicOnly() ? "an imported public key" : algorithm.toString())
              + ": it has no private key for the JCA");
    }
    key.publicKeyPem(version); // a missing or unusable version fails here, not when signing
    List<X509Certificate> chain = key.certificateChain(version);
    PublicKey publicKey =
        chain.isEmpty()
            ? HsmKeyStore.publicKey(algorithm, key, version)
            : chain.get(0).getPublicKey();
    return of(key, version, algorithm, info.operations(), publicKey);
  }

  /** The key's name in the store: the {@code KeyStore} alias. */
  public String keyName() {
    return handle.name();
  }

  /** The key version this handle signs or decrypts with. */
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

  /** Whether the key's policy, when this handle was made, allowed {@code operation}. */
  boolean allows(Operation operation) {
    return operations.contains(operation);
  }

  /** {@code EC}, {@code RSA}, {@code EdDSA}...: the name the key's certificate uses. */
  @Override
  public String getAlgorithm() {
    return jcaAlgorithm;
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
    return o instanceof HsmPrivateKey
        && ((HsmPrivateKey) o).handle == handle
        && ((HsmPrivateKey) o).version == version;
  }

  @Override
  public int hashCode() {
    return handle.name().hashCode() * 31 + version;
  }

  /** Identity only, e.g. {@code HsmPrivateKey[tls v2 ECDSA_P256_SHA256]}. */
  @Override
  public String toString() {
    return "HsmPrivateKey[" + handle.name() + " v" + version + " " + algorithm + "]";
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    throw new NotSerializableException("an HSM key handle cannot be serialized: " + this);
  }

  /** An EC key handle, with its curve. */
  static final class Ec extends HsmPrivateKey implements ECKey {
    private static final long serialVersionUID = 1L;
    private final transient ECParameterSpec params;

    Ec(
        KeyHandle handle,
        int version,
        Algorithm algorithm,
        String jcaAlgorithm,
        Set<Operation> operations,
        ECParameterSpec params) {
      super(handle, version, algorithm, jcaAlgorithm, operations);
      this.params = params;
    }

    @Override
    public ECParameterSpec getParams() {
      return params;
    }
  }

  /** An RSA key handle, with its (public) modulus. */
  static final class Rsa extends HsmPrivateKey implements RSAKey {
    private static final long serialVersionUID = 1L;
    private final BigInteger modulus;

    Rsa(
        KeyHandle handle,
        int version,
        Algorithm algorithm,
        String jcaAlgorithm,
        Set<Operation> operations,
        BigInteger modulus) {
      super(handle, version, algorithm, jcaAlgorithm, operations);
      this.modulus = modulus;
    }

    @Override
    public BigInteger getModulus() {
      return modulus;
    }
  }
}
