package dev.hsm.jca;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.Operation;
import java.io.ByteArrayOutputStream;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.ProviderException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.MacSpi;

/**
 * A {@code Mac} that computes standard HMAC tags with an {@link HsmSecretKey} through {@code
 * KeyHandle.macStandard}, checked by the policy gate like every operation. The data is collected
 * and MACed in one call at {@link #engineDoFinal()}.
 */
final class StandardMac extends MacSpi {
  private final String jcaName;
  private final Algorithm algorithm;
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();
  private HsmSecretKey key;

  StandardMac(String jcaName, Algorithm algorithm) {
    this.jcaName = jcaName;
    this.algorithm = algorithm;
  }

  @Override
  protected int engineGetMacLength() {
    switch (algorithm) {
      case HMAC_SHA384:
        return 48;
      case HMAC_SHA512:
        return 64;
      default:
        return 32;
    }
  }

  @Override
  protected void engineInit(Key given, AlgorithmParameterSpec params)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (params != null) {
      throw new InvalidAlgorithmParameterException(jcaName + " takes no parameters");
    }
    if (!(given instanceof HsmSecretKey)) {
      throw new InvalidKeyException(
          "the DevHsm provider computes MACs only with its own keys (from its KeyStore)");
    }
    HsmSecretKey candidate = (HsmSecretKey) given;
    if (candidate.hsmAlgorithm() != algorithm) {
      throw new InvalidKeyException(
          "key '" + candidate.keyName() + "' is " + candidate.hsmAlgorithm() + ", not " + jcaName);
    }
    if (!candidate.allows(Operation.SIGN_STANDARD)) {
      throw new InvalidKeyException(
          "key '"
              + candidate.keyName()
              + "' does not allow SIGN_STANDARD, so it cannot compute tags through the JCA"
              + " (docs/JCA.md)");
    }
    key = candidate;
    data.reset();
  }

  @Override
  protected void engineUpdate(byte input) {
    requireKey();
    data.write(input);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int len) {
    requireKey();
    data.write(input, offset, len);
  }

  @Override
  protected byte[] engineDoFinal() {
    requireKey();
    try {
      return key.handle().macStandard(data.toByteArray(), key.version());
    } catch (HsmException e) {
      // MacSpi.engineDoFinal declares no checked exception: the HSM's own refusal, as it is.
      throw e;
    } finally {
      data.reset();
    }
  }

  @Override
  protected void engineReset() {
    data.reset();
  }

  private void requireKey() {
    if (key == null) {
      throw new ProviderException("not initialised: call init with a DevHsm key first");
    }
  }
}
