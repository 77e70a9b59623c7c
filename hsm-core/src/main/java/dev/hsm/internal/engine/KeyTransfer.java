package dev.hsm.internal.engine;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyNotExtractableException;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.Operation;
import dev.hsm.internal.crypto.Pem;
import dev.hsm.internal.crypto.Providers;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.internal.formats.ReservedLabels;
import dev.hsm.internal.protection.AesGcm;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.internal.protection.MasterKey;
import dev.hsm.internal.protection.Secrets;
import dev.hsm.spi.CustodyRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * Export of an extractable key to another store, and its import there (documented in {@code
 * docs/FORMATS.md}):
 *
 * <pre>
 * "HSMX" 0x01 | u16 length | RSA-OAEP-SHA-256(ephemeral AES-256 key, label) | 12-byte nonce |
 * AES-256-GCM(ephemeral key, JSON of the key's attributes and each version's material)
 * </pre>
 *
 * The header and the encrypted ephemeral key are the GCM associated data, so nothing in the blob
 * can be changed without the import failing.
 */
final class KeyTransfer {
  private static final byte[] MAGIC = "HSMX".getBytes(StandardCharsets.US_ASCII);
  private static final byte FORMAT = 1;
  private static final byte[] OAEP_LABEL = ReservedLabels.label("v1/key-export");
  private static final int NONCE_BYTES = 12;

  private final Engine engine;

  KeyTransfer(Engine engine) {
    this.engine = engine;
  }

  byte[] export(String keyName, String transportPublicKeyPem) {
    engine.checkOpen();
    KeyRecord record = engine.read(keyName);
    if (!record.extractable()) {
      throw engine.refused(
          AuditChain.ADMIN,
          "key.export",
          keyName,
          0,
          new KeyNotExtractableException(
              "key '" + keyName + "' is not extractable, so it cannot be exported"));
    }
    PublicKey transport = transportKey(transportPublicKeyPem);
    byte[] payload = payload(record);
    byte[] ephemeral = Randomness.bytes(32);
    try {
      Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding", Providers.SUN_JCE);
      oaep.init(Cipher.ENCRYPT_MODE, transport, oaepParameters(), Randomness.secureRandom());
      byte[] wrappedKey = oaep.doFinal(ephemeral);
      byte[] header =
          ByteBuffer.allocate(MAGIC.length + 3)
              .put(MAGIC)
              .put(FORMAT)
              .putShort((short) wrappedKey.length)
              .array();
      byte[] aad = concat(header, wrappedKey);
      byte[] sealed = AesGcm.seal(new SecretKeySpec(ephemeral, "AES"), payload, aad);
      engine
          .audit()
          .record(
              AuditChain.ADMIN,
              "key.export",
              keyName,
              record.primaryVersion(),
              AuditChain.OK,
              record.versions().size() + " versions");
      return concat(aad, sealed);
    } catch (GeneralSecurityException e) {
      throw new HsmException("cannot export key '" + keyName + "': " + e.getMessage(), e);
    } finally {
      Secrets.wipe(ephemeral);
      Secrets.wipe(payload);
    }
  }

  private static PublicKey transportKey(String pem) {
    try {
      PublicKey key =
          KeyFactory.getInstance("RSA", Providers.SUN_RSA_SIGN)
              .generatePublic(new X509EncodedKeySpec(Pem.decode(pem, "PUBLIC KEY")));
      if (((RSAPublicKey) key).getModulus().bitLength() < 2048) {
        throw new InvalidKeyMaterialException("the transport key must be RSA of 2048 bits or more");
      }
      return key;
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new InvalidKeyMaterialException("the transport key must be an RSA public key PEM", e);
    }
  }

  private static OAEPParameterSpec oaepParameters() {
    return new OAEPParameterSpec(
        "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(OAEP_LABEL));
  }

  /** The key's attributes and every version's material in clear, as JSON bytes. */
  private byte[] payload(KeyRecord record) {
    Base64.Encoder b64 = Base64.getEncoder();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("algorithm", record.algorithm().name());
    json.put("rsaModulusBits", record.rsaModulusBits());
    json.put("operations", MasterKey.operationsText(record.operations()));
    json.put("materialForm", record.form().name());
    json.put("labels", new LinkedHashMap<String, Object>(record.labels()));
    json.put("primaryVersion", record.primaryVersion());
    json.put("minDecryptionVersion", record.minDecryptionVersion());
    json.put("rotationPeriodSeconds", record.rotationPeriodSeconds());
    json.put("enabled", record.enabled());
    json.put("createdAt", record.createdAtMillis());
    List<Object> versions = new ArrayList<>();
    for (KeyRecord.VersionRecord v : record.versions()) {
      Map<String, Object> version = new LinkedHashMap<>();
      version.put("version", v.version());
      version.put("state", v.state().name());
      version.put("createdAt", v.createdAtMillis());
      version.put("destroyAt", v.destroyAtMillis());
      if (v.material() != null) {
        Unlocked with = engine.unlocked();
        byte[] material =
            with.custody()
                .exportMaterial(record.binding(with.storeId(), v.version()), v.custodyRecord());
        version.put("material", b64.encodeToString(material));
        Secrets.wipe(material);
      }
      versions.add(version);
    }
    json.put("versions", versions);
    return JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8);
  }

  KeyHandle importExported(String name, byte[] exported, String transportKeyName) {
    engine.checkOpen();
    Engine.checkName(name);
    LoadedKey transport = engine.gate().admit(transportKeyName, KeyUse.UNWRAP_EXPORT);
    String malformed = "the exported key is malformed or truncated";
    if (exported.length < MAGIC.length + 3
        || !java.util.Arrays.equals(exported, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
        || exported[MAGIC.length] != FORMAT) {
      throw new InvalidCiphertextException(malformed + " (not an HSMX version 1 export)");
    }
    int keyLength = ByteBuffer.wrap(exported, MAGIC.length + 1, 2).getShort() & 0xffff;
    int aadLength = MAGIC.length + 3 + keyLength;
    if (exported.length < aadLength + NONCE_BYTES + 16) {
      throw new InvalidCiphertextException(malformed);
    }
    byte[] aad = java.util.Arrays.copyOf(exported, aadLength);
    byte[] wrappedKey = java.util.Arrays.copyOfRange(exported, MAGIC.length + 3, aadLength);
    byte[] ephemeral = unwrapEphemeral(transport, wrappedKey);
    byte[] payload;
    try {
      payload =
          AesGcm.open(
              new SecretKeySpec(ephemeral, "AES"),
              java.util.Arrays.copyOfRange(exported, aadLength, exported.length),
              aad);
    } catch (GeneralSecurityException e) {
      throw new InvalidCiphertextException(
          "the exported key was altered: it does not authenticate");
    } finally {
      Secrets.wipe(ephemeral);
    }
    try {
      Unlocked with = engine.unlocked();
      KeyRecord record = record(name, payload, with);
      engine.writes().insert(with, record, AuditChain.ADMIN, "key.import-exported");
      return new DefaultKeyHandle(name, engine);
    } finally {
      Secrets.wipe(payload);
    }
  }

  /**
   * The ephemeral key, decrypted with whichever enabled version of the transport key fits. Only
   * here, through the gate as {@link KeyUse#UNWRAP_EXPORT}: the public {@code decrypt} refuses the
   * export's label, which lies in the reserved namespace.
   */
  private byte[] unwrapEphemeral(LoadedKey transport, byte[] wrappedKey) {
    List<Integer> versions = new ArrayList<>(transport.versions.keySet());
    versions.sort(java.util.Collections.reverseOrder()); // newest first: usually the one used
    for (int version : versions) {
      if (transport.versions.get(version).state() != KeyState.ENABLED) {
        continue;
      }
      Permit permit = engine.gate().version(transport, KeyUse.UNWRAP_EXPORT, version);
      try {
        byte[] ephemeral = permit.ops().decrypt(wrappedKey, 0, OAEP_LABEL);
        permit.used();
        return ephemeral;
      } catch (GeneralSecurityException | RuntimeException notThisVersion) {
        // try the next version
      }
    }
    throw new InvalidCiphertextException(
        "the exported key was not encrypted for transport key '" + transport.name() + "'");
  }

  private static KeyRecord record(String name, byte[] payload, Unlocked with) {
    try {
      Map<String, Object> json = JSONObjectUtils.parse(new String(payload, StandardCharsets.UTF_8));
      Algorithm algorithm = Algorithm.valueOf((String) json.get("algorithm"));
      int bits = ((Number) json.get("rsaModulusBits")).intValue();
      KeySpec spec = algorithm.isRsa() ? KeySpec.rsa(algorithm, bits) : KeySpec.of(algorithm);
      KeyMaterial.Form form = KeyMaterial.Form.valueOf((String) json.get("materialForm"));
      Set<Operation> operations = EnumSet.noneOf(Operation.class);
      for (String operation : ((String) json.get("operations")).split(",")) {
        operations.add(Operation.valueOf(operation));
      }
      Map<String, String> labels = new LinkedHashMap<>();
      ((Map<?, ?>) json.get("labels")).forEach((k, v) -> labels.put((String) k, (String) v));
      KeyRecord record =
          new KeyRecord(
              name,
              algorithm,
              bits,
              operations,
              true,
              true,
              form,
              labels,
              ((Number) json.get("primaryVersion")).intValue(),
              ((Number) json.get("createdAt")).longValue(),
              (Boolean) json.get("enabled"),
              ((Number) json.get("rotationPeriodSeconds")).longValue(),
              ((Number) json.get("minDecryptionVersion")).intValue(),
              1,
              List.of());
      List<KeyRecord.VersionRecord> versions = new ArrayList<>();
      for (Object item : (List<?>) json.get("versions")) {
        Map<?, ?> v = (Map<?, ?>) item;
        int number = ((Number) v.get("version")).intValue();
        KeyState state = KeyState.valueOf((String) v.get("state"));
        String material = (String) v.get("material");
        CustodyRecord held = new CustodyRecord(null, null); // destroyed: no material
        if (material != null) {
          KeyMaterial decoded = keyMaterial(form, Base64.getDecoder().decode(material));
          try {
            held = with.custody().importMaterial(record.binding(with.storeId(), number), decoded);
          } finally {
            decoded.destroy();
          }
        }
        versions.add(
            new KeyRecord.VersionRecord(
                number,
                state,
                ((Number) v.get("createdAt")).longValue(),
                ((Number) v.get("destroyAt")).longValue(),
                held.publicKey(),
                held.material()));
      }
      return record.withVersions(versions, record.primaryVersion());
    } catch (java.text.ParseException | RuntimeException e) {
      if (e instanceof HsmException) {
        throw (HsmException) e;
      }
      throw new InvalidKeyMaterialException(
          "cannot import key '" + name + "': the exported key's contents are not readable", e);
    }
  }

  private static KeyMaterial keyMaterial(KeyMaterial.Form form, byte[] encoded) {
    try {
      switch (form) {
        case SECRET:
          return KeyMaterial.secretKey(encoded);
        case PRIVATE_PKCS8:
          return KeyMaterial.privateKeyPkcs8(encoded);
        default:
          return KeyMaterial.publicKeyX509(encoded);
      }
    } finally {
      Secrets.wipe(encoded); // KeyMaterial keeps its own copy
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
    out.write(a, 0, a.length);
    out.write(b, 0, b.length);
    return out.toByteArray();
  }
}
