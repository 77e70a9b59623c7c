package dev.hsm.jca;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import java.io.ByteArrayOutputStream;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * {@code RSA/ECB/OAEPWithSHA-256AndMGF1Padding}, decryption only, with an {@link HsmPrivateKey} of
 * an {@code RSA_OAEP_SHA256} key, through {@code KeyHandle.decryptStandardOaep}: SHA-256 and MGF1
 * with SHA-256 (as JOSE's {@code RSA-OAEP-256}), the label from {@link OAEPParameterSpec}'s {@link
 * PSource} (empty by default). Note that the JDK's own provider takes MGF1 with SHA-1 for this name
 * unless given an {@link OAEPParameterSpec}: senders pass {@code new OAEPParameterSpec("SHA-256",
 * "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT)}. Encryption needs no secret: it
 * runs on any provider with the public key.
 */
final class OaepDecryption extends CipherSpi {
  private final ByteArrayOutputStream input = new ByteArrayOutputStream();
  private HsmPrivateKey key;
  private byte[] label = new byte[0];

  @Override
  protected void engineSetMode(String mode) throws NoSuchAlgorithmException {
    if (!mode.equalsIgnoreCase("ECB") && !mode.equalsIgnoreCase("NONE")) {
      throw new NoSuchAlgorithmException("RSA-OAEP has no mode " + mode);
    }
  }

  @Override
  protected void engineSetPadding(String padding) throws NoSuchPaddingException {
    if (!padding.equalsIgnoreCase("OAEPWithSHA-256AndMGF1Padding")) {
      throw new NoSuchPaddingException("only OAEPWithSHA-256AndMGF1Padding, not " + padding);
    }
  }

  @Override
  protected int engineGetBlockSize() {
    return 0;
  }

  @Override
  protected int engineGetOutputSize(int inputLen) {
    return input.size() + inputLen;
  }

  @Override
  protected byte[] engineGetIV() {
    return null;
  }

  @Override
  protected AlgorithmParameters engineGetParameters() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("OAEP");
      parameters.init(
          new OAEPParameterSpec(
              "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label)));
      return parameters;
    } catch (NoSuchAlgorithmException | InvalidParameterSpecException e) {
      return null;
    }
  }

  @Override
  protected void engineInit(int opmode, Key given, SecureRandom random) throws InvalidKeyException {
    try {
      engineInit(opmode, given, (AlgorithmParameterSpec) null, random);
    } catch (InvalidAlgorithmParameterException e) {
      throw new InvalidKeyException(e.getMessage(), e);
    }
  }

  @Override
  protected void engineInit(
      int opmode, Key given, AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (opmode != Cipher.DECRYPT_MODE) {
      throw new InvalidKeyException(
          "the DevHsm provider only decrypts RSA-OAEP; encrypt with the public key on any"
              + " provider");
    }
    if (!(given instanceof HsmPrivateKey)
        || ((HsmPrivateKey) given).hsmAlgorithm() != Algorithm.RSA_OAEP_SHA256) {
      throw new InvalidKeyException(
          "the DevHsm provider decrypts RSA-OAEP only with its own RSA_OAEP_SHA256 keys, not "
              + given);
    }
    byte[] newLabel = new byte[0];
    if (params != null) {
      if (!(params instanceof OAEPParameterSpec)) {
        throw new InvalidAlgorithmParameterException("give OAEPParameterSpec or nothing");
      }
      OAEPParameterSpec oaep = (OAEPParameterSpec) params;
      if (!sha256(oaep.getDigestAlgorithm())
          || !"MGF1".equalsIgnoreCase(oaep.getMGFAlgorithm())
          || !(oaep.getMGFParameters() instanceof MGF1ParameterSpec)
          || !sha256(((MGF1ParameterSpec) oaep.getMGFParameters()).getDigestAlgorithm())
          || !(oaep.getPSource() instanceof PSource.PSpecified)) {
        throw new InvalidAlgorithmParameterException(
            "the key decrypts RSA-OAEP with SHA-256 and MGF1 with SHA-256 only");
      }
      newLabel = ((PSource.PSpecified) oaep.getPSource()).getValue();
    }
    key = (HsmPrivateKey) given;
    label = newLabel;
    input.reset();
  }

  @Override
  protected void engineInit(int opmode, Key given, AlgorithmParameters params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    try {
      engineInit(
          opmode,
          given,
          params == null ? null : params.getParameterSpec(OAEPParameterSpec.class),
          random);
    } catch (InvalidParameterSpecException e) {
      throw new InvalidAlgorithmParameterException(e.getMessage(), e);
    }
  }

  @Override
  protected byte[] engineUpdate(byte[] in, int offset, int len) {
    input.write(in, offset, len);
    return new byte[0];
  }

  @Override
  protected int engineUpdate(byte[] in, int offset, int len, byte[] out, int outOffset) {
    input.write(in, offset, len);
    return 0;
  }

  @Override
  protected byte[] engineDoFinal(byte[] in, int offset, int len) throws BadPaddingException {
    if (key == null) {
      throw new IllegalStateException("not initialised: call init(DECRYPT_MODE, key) first");
    }
    if (in != null) {
      input.write(in, offset, len);
    }
    try {
      return key.handle().decryptStandardOaep(input.toByteArray(), label, key.version());
    } catch (HsmException e) {
      BadPaddingException failure = new BadPaddingException(e.getMessage());
      failure.initCause(e);
      throw failure;
    } finally {
      input.reset();
    }
  }

  @Override
  protected int engineDoFinal(byte[] in, int offset, int len, byte[] out, int outOffset)
      throws ShortBufferException, BadPaddingException {
    byte[] plain = engineDoFinal(in, offset, len);
    if (out.length - outOffset < plain.length) {
      throw new ShortBufferException("need " + plain.length + " bytes");
    }
    System.arraycopy(plain, 0, out, outOffset, plain.length);
    return plain.length;
  }

  private static boolean sha256(String name) {
    return name != null && name.replace("-", "").equalsIgnoreCase("SHA256");
  }
}
