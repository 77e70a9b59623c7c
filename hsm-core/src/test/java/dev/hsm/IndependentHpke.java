package dev.hsm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA3Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The post-quantum ciphertext envelopes of docs/FORMATS.md computed outside the library, from
 * Bouncy Castle's low-level primitives composed here (ML-KEM, X25519, SHA3-256, HMAC-SHA-256,
 * AES-GCM), not from the library's code: HPKE base mode (RFC 9180) with an empty {@code info}, the
 * X-Wing combiner, and the envelope header.
 */
public final class IndependentHpke {
  public static final short X_WING = 0x647a;
  public static final short ML_KEM_1024 = 0x0042;
  static final byte[] X_WING_LABEL = "\\.//^\\".getBytes(StandardCharsets.US_ASCII);

  private IndependentHpke() {}

  /** A key's parts, as this class uses them: ML-KEM seed, X25519 private key (X-Wing only). */
  public record Recipient(short kemId, byte[] mlKemSeed, byte[] x25519Private) {
    MLKEMPrivateKeyParameters mlKem() {
      return new MLKEMPrivateKeyParameters(
          kemId == X_WING ? MLKEMParameters.ml_kem_768 : MLKEMParameters.ml_kem_1024, mlKemSeed);
    }

    byte[] x25519Public() {
      byte[] out = new byte[32];
      X25519.scalarMultBase(x25519Private, 0, out, 0);
      return out;
    }

    /** The raw public key: the ML-KEM encapsulation key, then (X-Wing) the X25519 public key. */
    public byte[] publicKey() {
      byte[] mlKem = mlKem().getPublicKey();
      return kemId == X_WING ? concat(mlKem, x25519Public()) : mlKem;
    }
  }

  /**
   * An X-Wing recipient from its 32-byte seed (SHAKE256 expansion, draft-connolly-cfrg-xwing-kem).
   */
  public static Recipient xWing(byte[] seed) {
    org.bouncycastle.crypto.digests.SHAKEDigest shake =
        new org.bouncycastle.crypto.digests.SHAKEDigest(256);
    shake.update(seed, 0, seed.length);
    byte[] expanded = new byte[96];
    shake.doFinal(expanded, 0, 96);
    return new Recipient(X_WING, Arrays.copyOf(expanded, 64), Arrays.copyOfRange(expanded, 64, 96));
  }

  /** The X-Wing shared secret: SHA3-256(ss_M || ss_X || ct_X || pk_X || label). */
  public static byte[] xWingCombine(byte[] ssM, byte[] ssX, byte[] ctX, byte[] pkX) {
    SHA3Digest sha3 = new SHA3Digest(256);
    for (byte[] part : new byte[][] {ssM, ssX, ctX, pkX, X_WING_LABEL}) {
      sha3.update(part, 0, part.length);
    }
    byte[] out = new byte[32];
    sha3.doFinal(out, 0);
    return out;
  }

  /** An envelope (format 0x01, {@code version}) of {@code plaintext} for {@code recipient}. */
  static byte[] seal(Recipient recipient, int version, byte[] plaintext, byte[] context) {
    SecureRandom random = new SecureRandom();
    byte[] publicKey = recipient.publicKey();
    byte[] sharedSecret;
    byte[] encapsulation;
    if (recipient.kemId() == X_WING) {
      MLKEMPublicKeyParameters mlKem =
          new MLKEMPublicKeyParameters(MLKEMParameters.ml_kem_768, Arrays.copyOf(publicKey, 1184));
      SecretWithEncapsulation m = new MLKEMGenerator(random).generateEncapsulated(mlKem);
      byte[] ephemeral = new byte[32];
      random.nextBytes(ephemeral);
      byte[] ctX = new byte[32];
      X25519.scalarMultBase(ephemeral, 0, ctX, 0);
      byte[] pkX = Arrays.copyOfRange(publicKey, 1184, 1216);
      byte[] ssX = new byte[32];
      X25519.scalarMult(ephemeral, 0, pkX, 0, ssX, 0);
      sharedSecret = xWingCombine(m.getSecret(), ssX, ctX, pkX);
      encapsulation = concat(m.getEncapsulation(), ctX);
    } else {
      SecretWithEncapsulation m =
          new MLKEMGenerator(random)
              .generateEncapsulated(
                  new MLKEMPublicKeyParameters(MLKEMParameters.ml_kem_1024, publicKey));
      sharedSecret = m.getSecret();
      encapsulation = m.getEncapsulation();
    }
    return envelope(recipient.kemId(), version, encapsulation, sharedSecret, plaintext, context);
  }

  /** The envelope for a given encapsulation and the shared secret it carries. */
  public static byte[] envelope(
      short kemId,
      int version,
      byte[] encapsulation,
      byte[] sharedSecret,
      byte[] plaintext,
      byte[] context) {
    byte[][] keyAndNonce = keySchedule(kemId, sharedSecret);
    byte[] header = ByteBuffer.allocate(5).put((byte) 1).putInt(version).array();
    return concat(
        concat(header, encapsulation),
        gcm(true, keyAndNonce[0], keyAndNonce[1], context, plaintext));
  }

  /** Opens an envelope for {@code recipient}. */
  static byte[] open(Recipient recipient, byte[] envelope, byte[] context) {
    int encBytes = recipient.kemId() == X_WING ? 1120 : 1568;
    byte[] encapsulation = Arrays.copyOfRange(envelope, 5, 5 + encBytes);
    byte[] sharedSecret;
    if (recipient.kemId() == X_WING) {
      byte[] ssM =
          new MLKEMExtractor(recipient.mlKem()).extractSecret(Arrays.copyOf(encapsulation, 1088));
      byte[] ctX = Arrays.copyOfRange(encapsulation, 1088, 1120);
      byte[] ssX = new byte[32];
      X25519.scalarMult(recipient.x25519Private(), 0, ctX, 0, ssX, 0);
      sharedSecret = xWingCombine(ssM, ssX, ctX, recipient.x25519Public());
    } else {
      sharedSecret = new MLKEMExtractor(recipient.mlKem()).extractSecret(encapsulation);
    }
    byte[][] keyAndNonce = keySchedule(recipient.kemId(), sharedSecret);
    return gcm(
        false,
        keyAndNonce[0],
        keyAndNonce[1],
        context,
        Arrays.copyOfRange(envelope, 5 + encBytes, envelope.length));
  }

  /** RFC 9180, 5.1, base mode, info empty, suite (kemId, HKDF-SHA256, AES-256-GCM). */
  public static byte[][] keySchedule(short kemId, byte[] sharedSecret) {
    byte[] suite =
        ByteBuffer.allocate(10)
            .put("HPKE".getBytes(StandardCharsets.US_ASCII))
            .putShort(kemId)
            .putShort((short) 1)
            .putShort((short) 2)
            .array();
    byte[] pskIdHash = labeledExtract(suite, new byte[0], "psk_id_hash", new byte[0]);
    byte[] infoHash = labeledExtract(suite, new byte[0], "info_hash", new byte[0]);
    byte[] context = concat(new byte[] {0}, concat(pskIdHash, infoHash));
    byte[] secret = labeledExtract(suite, sharedSecret, "secret", new byte[0]);
    return new byte[][] {
      labeledExpand(suite, secret, "key", context, 32),
      labeledExpand(suite, secret, "base_nonce", context, 12)
    };
  }

  private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm) {
    return hmac(
        salt.length == 0 ? new byte[32] : salt,
        concat(concat(ascii("HPKE-v1"), suite), concat(ascii(label), ikm)));
  }

  private static byte[] labeledExpand(
      byte[] suite, byte[] prk, String label, byte[] info, int length) {
    byte[] labeledInfo =
        concat(
            concat(new byte[] {0, (byte) length}, concat(ascii("HPKE-v1"), suite)),
            concat(ascii(label), info));
    return Arrays.copyOf(hmac(prk, concat(labeledInfo, new byte[] {1})), length);
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(data, 0, data.length);
    byte[] out = new byte[32];
    mac.doFinal(out, 0);
    return out;
  }

  static byte[] gcm(boolean encrypt, byte[] key, byte[] nonce, byte[] aad, byte[] input) {
    GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
    gcm.init(encrypt, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
    byte[] out = new byte[gcm.getOutputSize(input.length)];
    int n = gcm.processBytes(input, 0, input.length, out, 0);
    try {
      gcm.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalArgumentException("does not authenticate", e);
    }
    return out;
  }

  public static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
