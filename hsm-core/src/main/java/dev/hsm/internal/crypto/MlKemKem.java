package dev.hsm.internal.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * ML-KEM-1024 (FIPS 203) as an HPKE KEM (draft-ietf-hpke-pq, KEM id {@code 0x0042}): the
 * encapsulation is the ML-KEM ciphertext (1568 bytes) and the shared secret is ML-KEM's own.
 * Decapsulation never fails on a ciphertext of the right length (implicit rejection): a wrong one
 * gives a wrong secret, which the AEAD then refuses.
 */
final class MlKemKem implements Kem {
  static final short ID = 0x0042;
  static final int ENCAPSULATION_BYTES = 1568;

  private final MLKEMPublicKeyParameters publicKey;
  private final MLKEMPrivateKeyParameters privateKey;
  private final byte[] spki;

  private MlKemKem(
      MLKEMPublicKeyParameters publicKey, MLKEMPrivateKeyParameters privateKey, byte[] spki) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.spki = spki;
  }

  /** The KEM for stored material: PKCS#8 (or {@code null} for a public key alone) and SPKI. */
  static MlKemKem load(byte[] pkcs8, byte[] spki) throws IOException {
    MLKEMPublicKeyParameters publicKey =
        (MLKEMPublicKeyParameters) PublicKeyFactory.createKey(spki);
    MLKEMPrivateKeyParameters privateKey =
        pkcs8 == null ? null : (MLKEMPrivateKeyParameters) PrivateKeyFactory.createKey(pkcs8);
    if (privateKey != null && !Arrays.equals(privateKey.getPublicKey(), publicKey.getEncoded())) {
      throw new IOException("the stored ML-KEM public key is not the private key's");
    }
    return new MlKemKem(publicKey, privateKey, spki.clone());
  }

  @Override
  public short id() {
    return ID;
  }

  @Override
  public int encapsulationBytes() {
    return ENCAPSULATION_BYTES;
  }

  @Override
  public Encapsulated encapsulate(SecureRandom random) {
    SecretWithEncapsulation result = new MLKEMGenerator(random).generateEncapsulated(publicKey);
    return new Encapsulated(result.getSecret(), result.getEncapsulation());
  }

  @Override
  public byte[] decapsulate(byte[] in, int offset) throws GeneralSecurityException {
    if (privateKey == null) {
      throw new GeneralSecurityException("an ML-KEM public key cannot decapsulate");
    }
    if (in.length - offset < ENCAPSULATION_BYTES) {
      throw new GeneralSecurityException("ML-KEM encapsulation is too short");
    }
    return new MLKEMExtractor(privateKey)
        .extractSecret(Arrays.copyOfRange(in, offset, offset + ENCAPSULATION_BYTES));
  }

  @Override
  public byte[] publicKeySpki() {
    return spki.clone();
  }
}
