package dev.hsm.pkcs11;

import dev.hsm.Algorithm;
import dev.hsm.contract.KeyCustodyContract;
import dev.hsm.spi.KeyCustody;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;

/**
 * The PKCS#11 custody passes the custody contract on a SoftHSM2 token. Cases for algorithms the
 * custody cannot hold in a token (Ed25519: SunPKCS11 on JDK 17 has no EdDSA; ChaCha20-Poly1305,
 * AES-GCM-SIV and the post-quantum ones: no mechanism used) are skipped; that they fail at key
 * creation is {@link Pkcs11CustodyTest}'s. Import cases are skipped: the custody takes in no
 * outside material, and never releases any.
 */
class Pkcs11CustodyContractTest extends KeyCustodyContract {
  static final Set<Algorithm> IN_THE_TOKEN =
      EnumSet.of(
          Algorithm.AES_256_GCM,
          Algorithm.HMAC_SHA256,
          Algorithm.HMAC_SHA384,
          Algorithm.HMAC_SHA512,
          Algorithm.ECDSA_P256_SHA256,
          Algorithm.ECDSA_P384_SHA384,
          Algorithm.ECDSA_P521_SHA512,
          Algorithm.RSA_PKCS1_SHA256,
          Algorithm.RSA_PKCS1_SHA384,
          Algorithm.RSA_PKCS1_SHA512,
          Algorithm.RSA_PSS_SHA256,
          Algorithm.RSA_PSS_SHA384,
          Algorithm.RSA_PSS_SHA512,
          Algorithm.RSA_OAEP_SHA256);

  @BeforeAll
  static void token() {
    SoftHsm.assumeAvailable();
  }

  @Override
  protected KeyCustody.Factory factory() {
    return SoftHsm.custody();
  }

  @Override
  protected boolean supports(Algorithm algorithm) {
    return IN_THE_TOKEN.contains(algorithm);
  }

  @Override
  protected boolean supportsImport() {
    return false;
  }

  @Override
  protected boolean releasesMaterial() {
    return false;
  }
}
