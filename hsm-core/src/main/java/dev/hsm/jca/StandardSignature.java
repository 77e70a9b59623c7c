package dev.hsm.jca;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.Operation;
import java.io.ByteArrayOutputStream;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * A {@code Signature} that signs with an {@link HsmPrivateKey} through {@code
 * KeyHandle.signStandard}: the algorithm's standard signature of exactly the bytes given, checked
 * by the policy gate and counted like every operation. Only signs: verification needs no secret, so
 * it runs on any provider with the certificate's public key.
 *
 * <p>The data is collected and signed in one call at {@link #engineSign()}, since the HSM signs
 * whole messages (TLS handshakes, JAR signature files and CMS attributes are small).
 */
final class StandardSignature extends SignatureSpi {
  private final String jcaName;
  private final JcaNames.SignatureService service;
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();
  private HsmPrivateKey key;
  private PSSParameterSpec pss;

  StandardSignature(String jcaName, JcaNames.SignatureService service) {
    this.jcaName = jcaName;
    this.service = service;
  }

  @Override
  protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
    throw new InvalidKeyException(
        "the DevHsm provider only signs; verify "
            + jcaName
            + " with the public key or certificate on any provider");
  }

  @Override
  protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
    if (!(privateKey instanceof HsmPrivateKey)) {
      throw new InvalidKeyException(
          "the DevHsm provider signs only with its own keys (from its KeyStore), not "
              + (privateKey == null ? "null" : privateKey.getClass().getName()));
    }
    HsmPrivateKey candidate = (HsmPrivateKey) privateKey;
    if (!service.keys().contains(candidate.hsmAlgorithm())) {
      throw new InvalidKeyException(
          "key '"
              + candidate.keyName()
              + "' is "
              + candidate.hsmAlgorithm()
              + ", which does not make "
              + jcaName
              + " signatures (a key signs with one hash and scheme)");
    }
    if (!candidate.allows(Operation.SIGN_STANDARD)) {
      // Early, for a clear message; the gate checks (and audits) again on every signature.
      throw new InvalidKeyException(
          "key '"
              + candidate.keyName()
              + "' does not allow SIGN_STANDARD, so it cannot sign through the JCA: create keys"
              + " for the JCA with KeySpec...withOperations(SIGN_STANDARD) (docs/JCA.md)");
    }
    if (pss != null && !samePss(pss, JcaNames.pss(candidate.hsmAlgorithm()))) {
      throw new InvalidKeyException(
          "key '" + candidate.keyName() + "' signs with other PSS parameters than those set");
    }
    key = candidate;
    data.reset();
  }

  @Override
  protected void engineUpdate(byte b) throws SignatureException {
    requireKey();
    data.write(b);
  }

  @Override
  protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
    requireKey();
    data.write(b, off, len);
  }

  @Override
  protected byte[] engineSign() throws SignatureException {
    requireKey();
    byte[] signature;
    try {
      signature = key.handle().signStandard(data.toByteArray(), key.version());
    } catch (HsmException e) {
      throw new SignatureException(e.getMessage(), e);
    } finally {
      data.reset();
    }
    return service.der() ? EcdsaDer.fromP1363(signature) : signature;
  }

  @Override
  protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
    throw new SignatureException("the DevHsm provider only signs");
  }

  @Override
  protected void engineSetParameter(AlgorithmParameterSpec params)
      throws InvalidAlgorithmParameterException {
    if (params == null) {
      return;
    }
    boolean psService = service.keys().contains(Algorithm.RSA_PSS_SHA256);
    if (!(params instanceof PSSParameterSpec) || !psService) {
      throw new InvalidAlgorithmParameterException(
          jcaName + " through the DevHsm provider takes no parameters");
    }
    PSSParameterSpec given = (PSSParameterSpec) params;
    if (key != null && !samePss(given, JcaNames.pss(key.hsmAlgorithm()))) {
      throw new InvalidAlgorithmParameterException(
          "key '"
              + key.keyName()
              + "' is "
              + key.hsmAlgorithm()
              + ": its PSS parameters are fixed (MGF1 with the same hash, salt as long as the"
              + " hash)");
    }
    boolean known = false;
    for (Algorithm algorithm : service.keys()) {
      known |= samePss(given, JcaNames.pss(algorithm));
    }
    if (!known) {
      throw new InvalidAlgorithmParameterException(
          "PSS through the DevHsm provider uses MGF1 with the message hash and a salt as long as"
              + " the hash (SHA-256/32, SHA-384/48, SHA-512/64)");
    }
    pss = given;
  }

  @Override
  protected AlgorithmParameters engineGetParameters() {
    PSSParameterSpec spec = key != null ? JcaNames.pss(key.hsmAlgorithm()) : pss;
    if (spec == null || !jcaName.equals("RSASSA-PSS")) {
      return null;
    }
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("RSASSA-PSS");
      parameters.init(spec);
      return parameters;
    } catch (GeneralSecurityException e) {
      throw new ProviderException("cannot encode the PSS parameters", e);
    }
  }

  @Override
  @Deprecated
  protected void engineSetParameter(String param, Object value) {
    throw new InvalidParameterException("no parameters");
  }

  @Override
  @Deprecated
  protected Object engineGetParameter(String param) {
    throw new InvalidParameterException("no parameters");
  }

  private void requireKey() throws SignatureException {
    if (key == null) {
      throw new SignatureException("not initialised: call initSign with a DevHsm key first");
    }
  }

  private static boolean samePss(PSSParameterSpec a, PSSParameterSpec b) {
    return b != null
        && a.getDigestAlgorithm()
            .replace("-", "")
            .equalsIgnoreCase(b.getDigestAlgorithm().replace("-", ""))
        && "MGF1".equalsIgnoreCase(a.getMGFAlgorithm())
        && a.getMGFParameters() instanceof MGF1ParameterSpec
        && ((MGF1ParameterSpec) a.getMGFParameters())
            .getDigestAlgorithm()
            .replace("-", "")
            .equalsIgnoreCase(b.getDigestAlgorithm().replace("-", ""))
        && a.getSaltLength() == b.getSaltLength()
        && a.getTrailerField() == 1;
  }
}
