package dev.hsm.internal.engine;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.InvalidArgumentException;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyNotExtractableException;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
import dev.hsm.Operation;
import dev.hsm.VerificationFailedException;
import dev.hsm.internal.crypto.CryptoEngines;
import dev.hsm.internal.crypto.Keys;
import dev.hsm.internal.crypto.Pem;
import dev.hsm.internal.crypto.Providers;
import dev.hsm.internal.crypto.PublicKeyExport;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.internal.formats.ExportBlob;
import dev.hsm.internal.protection.AesGcm;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.internal.protection.Secrets;
import dev.hsm.spi.KeyOperations;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * Export of an extractable key to another store, and its import there; the byte layout is {@link
 * ExportBlob} (format version 2, documented in {@code docs/FORMATS.md}).
 *
 * <p>The export is encrypted for the destination's transport key (an ephemeral AES-256 key under
 * RSA-OAEP, or under HPKE for a post-quantum transport key; the key's attributes and material under
 * AES-256-GCM) and signed by a signing key of the exporting store, over every byte before the
 * signature: header, both key ids, the encrypted ephemeral key and the payload. The importing admin
 * names the key this store trusts for the signature; the import checks it before the transport key
 * decrypts anything, so a blob that is altered, unsigned, signed by anyone else, or made for
 * another transport key never reaches the transport key's private half and never becomes a key.
 *
 * <p>The three keys are used only here, through the {@link PolicyGate} with their own {@link
 * KeyUse}s ({@code SIGN_EXPORT}, {@code VERIFY_EXPORT}, {@code UNWRAP_EXPORT}): their policy and
 * state are checked and refusals audited as for any use, while the public API refuses the export's
 * labels (the reserved namespace), so holding a handle of the transport key opens no export.
 */
final class KeyTransfer {
  private static final String IMPORT = "key.import-exported";

  private final Engine engine;

  KeyTransfer(Engine engine) {
    this.engine = engine;
  }

  byte[] export(String keyName, String transportPublicKeyPem, String signingKeyName) {
    engine.checkOpen();
    InvalidArgumentException.requireNonNull(transportPublicKeyPem, "transportPublicKeyPem");
    InvalidArgumentException.requireNonNull(signingKeyName, "signingKeyName");
    KeyRecord record = engine.keys().read(keyName);
    if (!record.extractable()) {
      throw engine.refused(
          AuditChain.ADMIN,
          "key.export",
          keyName,
          0,
          new KeyNotExtractableException(
              "key '" + keyName + "' is not extractable, so it cannot be exported"));
    }
    Transport transport = transportKey(transportPublicKeyPem);
    byte[] transportKeyId = PublicKeyExport.keyId(transport.algorithm(), transport.spki());
    Permit signer = engine.gate().primary(signingKeyName, KeyUse.SIGN_EXPORT);
    Algorithm signatureAlgorithm = signer.key().record.algorithm();
    byte[] signerKeyId =
        PublicKeyExport.keyId(
            signatureAlgorithm, signer.key().record.version(signer.version()).publicKey());
    byte[] payload = ExportPayload.write(record, engine.unlocked());
    byte[] ephemeral = Randomness.bytes(ExportBlob.EPHEMERAL_KEY_BYTES);
    try {
      byte[] wrappedKey = transport.wrap(ephemeral);
      byte[] associatedData =
          ExportBlob.associatedData(
              transportKeyId,
              signerKeyId,
              signatureAlgorithm.name(),
              wrappedKey,
              ExportBlob.NONCE_BYTES + payload.length + ExportBlob.TAG_BYTES);
      byte[] signed =
          ExportBlob.concat(
              associatedData,
              AesGcm.seal(new SecretKeySpec(ephemeral, "AES"), payload, associatedData));
      byte[] signature = signer.ops().sign(ExportBlob.signingInput(signed));
      signer.used();
      engine
          .audit()
          .record(
              AuditChain.ADMIN,
              "key.export",
              keyName,
              record.primaryVersion(),
              AuditChain.OK,
              record.versions().size()
                  + " versions, for transport key "
                  + shortId(transportKeyId)
                  + ", signed by '"
                  + signingKeyName
                  + "' version "
                  + signer.version());
      return ExportBlob.concat(signed, signature);
    } catch (GeneralSecurityException e) {
      throw new HsmException("cannot export key '" + keyName + "': " + e.getMessage(), e);
    } finally {
      Secrets.wipe(ephemeral);
      Secrets.wipe(payload);
    }
  }

  /** The destination's transport key: its algorithm, SPKI, and how it wraps the ephemeral key. */
  private record Transport(Algorithm algorithm, byte[] spki, KeyOperations encryptOnly) {
    /**
     * RSA-OAEP (SHA-256, MGF1-SHA-256, the export label) for an RSA key; for a post-quantum one the
     * payload of a ciphertext envelope (HPKE: encapsulation, AES-256-GCM ciphertext and tag) with
     * the export label as associated data.
     */
    byte[] wrap(byte[] ephemeral) throws GeneralSecurityException {
      if (encryptOnly != null) {
        return encryptOnly.encrypt(new byte[0], ephemeral, ExportBlob.OAEP_LABEL);
      }
      Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding", Providers.SUN_JCE);
      oaep.init(
          Cipher.ENCRYPT_MODE,
          KeyFactory.getInstance("RSA", Providers.SUN_RSA_SIGN)
              .generatePublic(new X509EncodedKeySpec(spki)),
          oaepParameters(),
          Randomness.secureRandom());
      return oaep.doFinal(ephemeral);
    }
  }

  /**
   * An RSA public key of at least 2048 bits, or a post-quantum encryption key ({@code
   * ML_KEM_768_X25519}, {@code ML_KEM_1024}), as PEM.
   */
  private static Transport transportKey(String pem) {
    byte[] spki = Pem.decode(pem, "PUBLIC KEY");
    for (Algorithm algorithm : List.of(Algorithm.ML_KEM_768_X25519, Algorithm.ML_KEM_1024)) {
      KeySpec spec = KeySpec.of(algorithm).withOperations(Operation.ENCRYPT);
      Keys.Material material;
      try {
        material = Keys.validateImport(spec, KeyMaterial.Form.PUBLIC_X509, spki);
      } catch (InvalidKeyMaterialException notThisAlgorithm) {
        continue;
      }
      try {
        return new Transport(
            algorithm,
            material.encoded(),
            Keys.load(
                CryptoEngines.select(NativeCrypto.OFF),
                algorithm,
                KeyMaterial.Form.PUBLIC_X509,
                material.encoded(),
                null));
      } catch (GeneralSecurityException e) {
        throw new InvalidKeyMaterialException("the transport key cannot be read", e);
      }
    }
    try {
      PublicKey key =
          KeyFactory.getInstance("RSA", Providers.SUN_RSA_SIGN)
              .generatePublic(new X509EncodedKeySpec(spki));
      if (((RSAPublicKey) key).getModulus().bitLength() < 2048) {
        throw new InvalidKeyMaterialException("the transport key must be RSA of 2048 bits or more");
      }
      return new Transport(Algorithm.RSA_OAEP_SHA256, key.getEncoded(), null);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new InvalidKeyMaterialException(
          "the transport key must be a public key PEM of RSA (2048 bits or more),"
              + " ML_KEM_768_X25519 or ML_KEM_1024",
          e);
    }
  }

  private static OAEPParameterSpec oaepParameters() {
    return new OAEPParameterSpec(
        "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(ExportBlob.OAEP_LABEL));
  }

  KeyHandle importExported(
      String name, byte[] exported, String transportKeyName, String signerKeyName) {
    engine.checkOpen();
    Engine.checkName(name);
    InvalidArgumentException.requireNonNull(exported, "exported");
    LoadedKey signer = engine.gate().admit(signerKeyName, KeyUse.VERIFY_EXPORT);
    LoadedKey transport = engine.gate().admit(transportKeyName, KeyUse.UNWRAP_EXPORT);
    ExportBlob.Parsed blob;
    try {
      blob = ExportBlob.parse(exported);
    } catch (ExportBlob.Malformed e) {
      throw refusedImport(
          name,
          new VerificationFailedException(
              "cannot import key '"
                  + name
                  + "': the export "
                  + e.getMessage()
                  + ", so its origin cannot be verified"));
    }
    int signerVersion = verifyOrigin(name, blob, signer);
    byte[] ephemeral = unwrapEphemeral(name, blob, transport);
    byte[] payload;
    try {
      payload =
          AesGcm.open(new SecretKeySpec(ephemeral, "AES"), blob.sealed(), blob.associatedData());
    } catch (GeneralSecurityException e) {
      throw refusedImport(
          name,
          new InvalidCiphertextException(
              "cannot import key '"
                  + name
                  + "': the export is signed by '"
                  + signerKeyName
                  + "' but its payload does not decrypt"));
    } finally {
      Secrets.wipe(ephemeral);
    }
    try {
      Unlocked with = engine.unlocked();
      KeyRecord record;
      try {
        record = ExportPayload.read(name, payload, with);
      } catch (InvalidKeyMaterialException e) {
        throw refusedImport(name, e); // audited like every other refused step
      }
      engine
          .writes()
          .insert(
              with,
              record,
              AuditChain.ADMIN,
              IMPORT,
              record.algorithm().name()
                  + ", exported as '"
                  + ExportPayload.exportedName(payload)
                  + "', signed by '"
                  + signerKeyName
                  + "' version "
                  + signerVersion);
      return engine.handle(name);
    } finally {
      Secrets.wipe(payload);
    }
  }

  /**
   * Checks that the export was signed by an enabled version of {@code signer} with its algorithm,
   * over every byte before the signature; returns that version.
   */
  private int verifyOrigin(String name, ExportBlob.Parsed blob, LoadedKey signer) {
    String trusted = signer.record.algorithm().name();
    if (!blob.signatureAlgorithm().equals(trusted)) {
      throw refusedImport(
          name,
          new VerificationFailedException(
              "cannot import key '"
                  + name
                  + "': the export is signed with "
                  + blob.signatureAlgorithm()
                  + ", but the trusted signer '"
                  + signer.name()
                  + "' is "
                  + trusted));
    }
    Integer version = versionWithKeyId(signer.record, blob.signerKeyId());
    if (version == null) {
      throw refusedImport(
          name,
          new VerificationFailedException(
              "cannot import key '"
                  + name
                  + "': the export was signed by key "
                  + shortId(blob.signerKeyId())
                  + ", which is no version of the trusted signer '"
                  + signer.name()
                  + "'"));
    }
    Permit permit = engine.gate().version(signer, KeyUse.VERIFY_EXPORT, version);
    if (!permit.ops().verify(blob.signingInput(), blob.signature(), 0)) {
      throw refusedImport(
          name,
          new VerificationFailedException(
              "cannot import key '"
                  + name
                  + "': the export's signature does not verify with '"
                  + signer.name()
                  + "' version "
                  + version
                  + ": the export was altered, or the signature is not of this export"));
    }
    permit.used();
    return version;
  }

  /**
   * The ephemeral key, decrypted with the version of the transport key the export names. Only here,
   * after the signature was checked, and through the gate as {@link KeyUse#UNWRAP_EXPORT}: the
   * public {@code decrypt} refuses the export's label, which lies in the reserved namespace.
   */
  private byte[] unwrapEphemeral(String name, ExportBlob.Parsed blob, LoadedKey transport) {
    Integer version = versionWithKeyId(transport.record, blob.transportKeyId());
    if (version == null) {
      throw refusedImport(
          name,
          new InvalidCiphertextException(
              "cannot import key '"
                  + name
                  + "': the export was made for transport key "
                  + shortId(blob.transportKeyId())
                  + ", which is no version of '"
                  + transport.name()
                  + "'"));
    }
    Permit permit = engine.gate().version(transport, KeyUse.UNWRAP_EXPORT, version);
    byte[] ephemeral;
    try {
      ephemeral = permit.ops().decrypt(blob.wrappedKey(), 0, ExportBlob.OAEP_LABEL);
    } catch (GeneralSecurityException | RuntimeException e) {
      ephemeral = null;
    }
    if (ephemeral == null || ephemeral.length != ExportBlob.EPHEMERAL_KEY_BYTES) {
      Secrets.wipe(ephemeral);
      throw refusedImport(
          name,
          new InvalidCiphertextException(
              "cannot import key '"
                  + name
                  + "': its ephemeral key does not decrypt with transport key '"
                  + transport.name()
                  + "' version "
                  + version));
    }
    permit.used();
    return ephemeral;
  }

  /** The version of {@code key} whose public key has {@code keyId}, or {@code null}. */
  private static Integer versionWithKeyId(KeyRecord key, byte[] keyId) {
    for (KeyRecord.VersionRecord version : key.versions()) {
      if (version.publicKey() != null
          && MessageDigest.isEqual(
              PublicKeyExport.keyId(key.algorithm(), version.publicKey()), keyId)) {
        return version.version();
      }
    }
    return null;
  }

  /** A key id for messages: its first eight bytes in hex. */
  private static String shortId(byte[] keyId) {
    return HexFormat.of().formatHex(keyId, 0, 8) + "...";
  }

  /** Records a refused import in the audit log (an admin act) and returns the exception. */
  private <E extends HsmException> E refusedImport(String name, E refusal) {
    return engine.refused(AuditChain.ADMIN, IMPORT, name, 0, refusal);
  }
}
