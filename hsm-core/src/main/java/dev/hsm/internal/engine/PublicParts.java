package dev.hsm.internal.engine;

import dev.hsm.CertificateMismatchException;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyNotFoundException;
import dev.hsm.KeyState;
import dev.hsm.KeyVersionDestroyedException;
import dev.hsm.internal.crypto.CertificateChains;
import dev.hsm.internal.crypto.PublicKeyExport;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.internal.protection.KeyRecord;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * The public side of a key, for {@link DefaultKeyHandle}: its versions' public keys as PEM and JWK,
 * and the certificate chains attached to them. Nothing here touches private or secret material.
 */
final class PublicParts {
  private final String name;
  private final Engine engine;

  PublicParts(String name, Engine engine) {
    this.name = name;
    this.engine = engine;
  }

  String publicKeyPem() {
    return PublicKeyExport.pem(asymmetric("export a public key").primaryPublicKey());
  }

  String publicJwk() {
    LoadedKey key = withJoseName();
    return PublicKeyExport.jwk(
        key.record.algorithm(), key.primaryPublicKey(), name + ":" + key.record.primaryVersion());
  }

  String publicKeyPem(int version) {
    return PublicKeyExport.pem(versionPublicKey(asymmetric("export a public key"), version));
  }

  String publicJwk(int version) {
    LoadedKey key = withJoseName();
    return PublicKeyExport.jwk(
        key.record.algorithm(), versionPublicKey(key, version), name + ":" + version);
  }

  /** An enabled version's public key: the versions a verifier may still be shown. */
  private PublicKey versionPublicKey(LoadedKey key, int version) {
    LoadedKey.LoadedVersion v = key.versions.get(version);
    if (v == null) {
      throw new KeyNotFoundException("key '" + name + "' has no version " + version);
    }
    if (v.state() != KeyState.ENABLED || v.ops() == null) {
      throw new KeyDisabledException(
          "key '" + name + "' version " + version + " is " + v.state() + ", not ENABLED");
    }
    return v.ops().publicKey();
  }

  List<X509Certificate> certificateChain(int version) {
    KeyRecord.VersionRecord v = engine.keys().loaded(name).record.version(version);
    if (v == null) {
      throw new KeyNotFoundException("key '" + name + "' has no version " + version);
    }
    return CertificateChains.decode(v.certificateChain());
  }

  void attachCertificateChain(int version, List<X509Certificate> chain) {
    InvalidArgumentException.requireNonNull(chain, "chain");
    if (chain.isEmpty() || chain.size() > CertificateChains.MAX_CERTIFICATES) {
      throw new InvalidArgumentException(
          "certificate chain for key '"
              + name
              + "' has "
              + chain.size()
              + " certificates; give 1 to "
              + CertificateChains.MAX_CERTIFICATES
              + ", leaf first");
    }
    for (X509Certificate certificate : chain) {
      InvalidArgumentException.requireNonNull(certificate, "certificate");
    }
    List<X509Certificate> copy = List.copyOf(chain);
    byte[] encoded;
    try {
      encoded = CertificateChains.encode(copy);
    } catch (CertificateException e) {
      throw new InvalidArgumentException(
          "a certificate for key '" + name + "' cannot be encoded: " + e.getMessage());
    }
    asymmetric("hold a certificate");
    String action = "key.attach-certificate";
    X509Certificate leaf = copy.get(0);
    String detail =
        copy.size()
            + " certificate(s), leaf "
            + leaf.getSubjectX500Principal().getName()
            + " serial "
            + leaf.getSerialNumber().toString(16)
            + " until "
            + leaf.getNotAfter().toInstant();
    engine
        .writes()
        .update(
            name,
            AuditChain.APP,
            action,
            version,
            detail,
            current -> {
              KeyRecord.VersionRecord v = existingVersion(engine, name, current, version, action);
              if (v.state() == KeyState.DESTROYED) {
                throw engine.refused(
                    AuditChain.APP,
                    action,
                    name,
                    version,
                    new KeyVersionDestroyedException(
                        "key '"
                            + name
                            + "' version "
                            + version
                            + " was destroyed; it can no longer hold a certificate"));
              }
              String mismatch =
                  CertificateChains.mismatch(current.algorithm(), v.publicKey(), copy);
              if (mismatch != null) {
                throw engine.refused(
                    AuditChain.APP,
                    action,
                    name,
                    version,
                    new CertificateMismatchException(
                        "certificate chain does not fit key '"
                            + name
                            + "' version "
                            + version
                            + ": "
                            + mismatch));
              }
              if (Arrays.equals(v.certificateChain(), encoded)) {
                return current;
              }
              return current.withVersion(v.withCertificateChain(encoded));
            });
  }

  /** The key, if asymmetric and of an algorithm JOSE names. */
  private LoadedKey withJoseName() {
    LoadedKey key = asymmetric("export a public JWK");
    if (key.record.algorithm().joseName() == null) {
      throw engine
          .gate()
          .wrongType(key, "export a public JWK (JOSE defines no name for it; use publicKeyPem())");
    }
    return key;
  }

  private LoadedKey asymmetric(String action) {
    LoadedKey key = engine.keys().loaded(name);
    if (!key.record.algorithm().isAsymmetric()) {
      throw engine.gate().wrongType(key, action);
    }
    return key;
  }

  /** The version, or a refusal naming it. */
  static KeyRecord.VersionRecord existingVersion(
      Engine engine, String name, KeyRecord current, int version, String action) {
    KeyRecord.VersionRecord v = current.version(version);
    if (v == null) {
      throw engine.refused(
          AuditChain.APP,
          action,
          name,
          version,
          new KeyNotFoundException("key '" + name + "' has no version " + version));
    }
    return v;
  }
}
