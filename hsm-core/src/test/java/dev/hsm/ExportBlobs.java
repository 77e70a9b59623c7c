package dev.hsm;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * Key exports made and read the way an outside implementation would: only the JDK and what {@code
 * docs/FORMATS.md} ("Exported keys") says, nothing of the library's internals. Tests use it to
 * forge, take apart and rebuild exports, and to show the page is enough to interoperate. Public for
 * the fuzz suites ({@code dev.hsm.fuzz}), which forge exports around mutated payloads.
 */
public final class ExportBlobs {
  static final byte[] OAEP_LABEL_V1 = "dev.hsm/v1/key-export".getBytes(UTF_8);
  static final byte[] OAEP_LABEL = "dev.hsm/v2/key-export".getBytes(UTF_8);
  static final byte[] SIGNATURE_PREFIX = "dev.hsm/v2/key-export-signature".getBytes(UTF_8);
  private static final SecureRandom RANDOM = new SecureRandom();

  private ExportBlobs() {}

  /** Where each field of a version 2 export lies. */
  record Layout(
      int transportKeyId,
      int signerKeyId,
      int algorithm,
      int algorithmLength,
      int wrappedKey,
      int wrappedKeyLength,
      int sealed,
      int sealedLength,
      int signature) {

    static Layout of(byte[] blob) {
      int algorithmLength = blob[69] & 0xff;
      int wrappedLengthAt = 70 + algorithmLength;
      int wrappedLength = ByteBuffer.wrap(blob, wrappedLengthAt, 2).getShort() & 0xffff;
      int wrapped = wrappedLengthAt + 2;
      int sealedLength = ByteBuffer.wrap(blob, wrapped + wrappedLength, 4).getInt();
      int sealed = wrapped + wrappedLength + 4;
      return new Layout(
          5,
          37,
          70,
          algorithmLength,
          wrapped,
          wrappedLength,
          sealed,
          sealedLength,
          sealed + sealedLength);
    }

    /** The bytes of {@code blob} from {@code from} for {@code length}. */
    static byte[] slice(byte[] blob, int from, int length) {
      return Arrays.copyOfRange(blob, from, from + length);
    }
  }

  /** The DER body of a PEM block. */
  static byte[] der(String pem) {
    return Base64.getMimeDecoder()
        .decode(pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", ""));
  }

  /** A key's id in exports: SHA-256 of the body of its public key PEM. */
  static byte[] keyId(String publicKeyPem) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(der(publicKeyPem));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Everything of a version 2 export but its signature: {@code payload} (the JSON) sealed under a
   * fresh ephemeral key, which is encrypted for {@code transportPem}.
   */
  public static byte[] unsigned(
      String transportPem, String signerPem, String signatureAlgorithm, byte[] payload)
      throws GeneralSecurityException {
    byte[] ephemeral = new byte[32];
    RANDOM.nextBytes(ephemeral);
    byte[] wrapped = oaep(transportPem, ephemeral, OAEP_LABEL);
    byte[] algorithm = signatureAlgorithm.getBytes(US_ASCII);
    byte[] associatedData =
        ByteBuffer.allocate(5 + 64 + 1 + algorithm.length + 2 + wrapped.length + 4)
            .put("HSMX".getBytes(US_ASCII))
            .put((byte) 2)
            .put(keyId(transportPem))
            .put(keyId(signerPem))
            .put((byte) algorithm.length)
            .put(algorithm)
            .putShort((short) wrapped.length)
            .put(wrapped)
            .putInt(12 + payload.length + 16)
            .array();
    return concat(associatedData, seal(ephemeral, payload, associatedData));
  }

  /** What the exporter signs: the signature prefix, then every byte before the signature. */
  public static byte[] signingInput(byte[] unsigned) {
    return concat(SIGNATURE_PREFIX, unsigned);
  }

  /**
   * A version 1 export, as the library made them before exports were signed: {@code "HSMX" 0x01},
   * u16 length, the RSA-OAEP ephemeral key, then nonce, AES-GCM ciphertext and tag.
   */
  static byte[] version1(String transportPem, byte[] payload) throws GeneralSecurityException {
    byte[] ephemeral = new byte[32];
    RANDOM.nextBytes(ephemeral);
    byte[] wrapped = oaep(transportPem, ephemeral, OAEP_LABEL_V1);
    byte[] associatedData =
        ByteBuffer.allocate(7 + wrapped.length)
            .put("HSMX".getBytes(US_ASCII))
            .put((byte) 1)
            .putShort((short) wrapped.length)
            .put(wrapped)
            .array();
    return concat(associatedData, seal(ephemeral, payload, associatedData));
  }

  /** The JSON payload of a version 2 export, opened with the transport key's private half. */
  public static byte[] openPayload(byte[] blob, PrivateKey transport)
      throws GeneralSecurityException {
    Layout at = Layout.of(blob);
    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
    oaep.init(Cipher.DECRYPT_MODE, transport, oaepParameters(OAEP_LABEL));
    byte[] ephemeral = oaep.doFinal(blob, at.wrappedKey(), at.wrappedKeyLength());
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(ephemeral, "AES"),
        new GCMParameterSpec(128, blob, at.sealed(), 12));
    gcm.updateAAD(blob, 0, at.sealed());
    return gcm.doFinal(blob, at.sealed() + 12, at.sealedLength() - 12);
  }

  private static byte[] oaep(String transportPem, byte[] plaintext, byte[] label)
      throws GeneralSecurityException {
    PublicKey transport =
        KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(transportPem)));
    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
    oaep.init(Cipher.ENCRYPT_MODE, transport, oaepParameters(label), RANDOM);
    return oaep.doFinal(plaintext);
  }

  private static OAEPParameterSpec oaepParameters(byte[] label) {
    return new OAEPParameterSpec(
        "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label));
  }

  private static byte[] seal(byte[] key, byte[] plaintext, byte[] associatedData)
      throws GeneralSecurityException {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    gcm.updateAAD(associatedData);
    return concat(nonce, gcm.doFinal(plaintext));
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }

  /**
   * A payload holding one AES-256-GCM key of one version, {@code material}, under {@code name}, in
   * the JSON the export's payload uses.
   */
  static byte[] aesPayload(String name, byte[] material) {
    return ("{\"name\":\""
            + name
            + "\",\"algorithm\":\"AES_256_GCM\",\"rsaModulusBits\":0,"
            + "\"operations\":\"ENCRYPT,DECRYPT\",\"materialForm\":\"SECRET\",\"labels\":{},"
            + "\"primaryVersion\":1,\"minDecryptionVersion\":1,\"rotationPeriodSeconds\":0,"
            + "\"enabled\":true,\"createdAt\":1767225600000,\"versions\":[{\"version\":1,"
            + "\"state\":\"ENABLED\",\"createdAt\":1767225600000,\"destroyAt\":0,\"material\":\""
            + Base64.getEncoder().encodeToString(material)
            + "\"}]}")
        .getBytes(UTF_8);
  }
}
