package dev.hsm.internal.crypto;

import java.security.PublicKey;

/**
 * A public key known only by its X.509 SubjectPublicKeyInfo DER, for algorithms whose operations
 * run on Bouncy Castle's low-level API (the ML-KEM encryption keys): what {@code publicKeyPem()}
 * and key ids need, with no JCA provider involved.
 */
final class EncodedPublicKey implements PublicKey {
  private static final long serialVersionUID = 1L;

  private final String algorithm;
  private final byte[] spki;

  EncodedPublicKey(String algorithm, byte[] spki) {
    this.algorithm = algorithm;
    this.spki = spki.clone();
  }

  @Override
  public String getAlgorithm() {
    return algorithm;
  }

  @Override
  public String getFormat() {
    return "X.509";
  }

  @Override
  public byte[] getEncoded() {
    return spki.clone();
  }

  @Override
  public String toString() {
    return algorithm + " public key";
  }
}
