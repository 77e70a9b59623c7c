package dev.hsm.internal.engine;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.InvalidArgumentException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.Operation;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.internal.protection.MasterKey;
import dev.hsm.internal.protection.Secrets;
import dev.hsm.spi.CustodyRecord;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON payload of a key export ({@code docs/FORMATS.md}, "Exported keys"): a key's attributes
 * and every version's material, written by the exporting store and read by the importing one.
 *
 * <p>Reading is strict, because whatever is read is stored as a key: every field present with its
 * type, the attributes valid as a {@link KeySpec}'s, versions numbered 1 to n, the primary one of
 * them and enabled, the minimum decryption version at most the primary, material for every version
 * but the destroyed ones. A payload that is not so is refused before any material is imported,
 * rather than stored as a key that fails at every use.
 */
final class ExportPayload {
  private ExportPayload() {}

  /** The key's attributes and every version's material in clear, as JSON bytes. */
  static byte[] write(KeyRecord record, Unlocked with) {
    Base64.Encoder b64 = Base64.getEncoder();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", record.name());
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

  /** The key's name in the exporting store, for the audit log; {@code ?} if there is none. */
  static String exportedName(byte[] payload) {
    try {
      Object exported =
          JSONObjectUtils.parse(new String(payload, StandardCharsets.UTF_8)).get("name");
      return exported instanceof String ? (String) exported : "?";
    } catch (ParseException e) {
      return "?";
    }
  }

  /**
   * The key {@code payload} describes, as key {@code name} of this store, each version's material
   * imported into {@code with}'s custody.
   *
   * @throws InvalidKeyMaterialException if the payload is not a consistent key, or a version's
   *     material does not fit its algorithm
   */
  static KeyRecord read(String name, byte[] payload, Unlocked with) {
    try {
      return readStrictly(name, payload, with);
    } catch (Rejected e) {
      throw new InvalidKeyMaterialException(
          "cannot import key '" + name + "': the exported key " + e.getMessage());
    } catch (InvalidArgumentException e) { // KeySpec's checks; the message names the value
      throw new InvalidKeyMaterialException(
          "cannot import key '" + name + "': the exported key's attributes: " + e.getMessage(), e);
    } catch (HsmException e) {
      throw e; // the custody's own refusal of a version's material, or a failure of its own
    } catch (ParseException | RuntimeException e) { // its message could quote the material
      throw new InvalidKeyMaterialException(
          "cannot import key '" + name + "': the exported key's contents are not readable");
    }
  }

  private static KeyRecord readStrictly(String name, byte[] payload, Unlocked with)
      throws ParseException {
    Map<String, Object> json = JSONObjectUtils.parse(new String(payload, StandardCharsets.UTF_8));
    Algorithm algorithm = Algorithm.valueOf(text(json, "algorithm"));
    int bits = smallInteger(json, "rsaModulusBits");
    if (!algorithm.isRsa() && bits != 0) {
      throw new Rejected("gives an RSA modulus size to a " + algorithm + " key");
    }
    KeySpec spec = algorithm.isRsa() ? KeySpec.rsa(algorithm, bits) : KeySpec.of(algorithm);
    KeyMaterial.Form form = KeyMaterial.Form.valueOf(text(json, "materialForm"));
    if (form == KeyMaterial.Form.TOKEN_OBJECT) {
      throw new Rejected("names a token object, whose material no export carries");
    }
    Set<Operation> operations = EnumSet.noneOf(Operation.class);
    for (String operation : text(json, "operations").split(",", -1)) {
      operations.add(Operation.valueOf(operation));
    }
    if (form == KeyMaterial.Form.PUBLIC_X509
        && !EnumSet.of(Operation.VERIFY, Operation.ENCRYPT).containsAll(operations)) {
      throw new Rejected("is a public key that allows " + operations);
    }
    spec =
        spec.withOperations(operations.iterator().next(), operations.toArray(new Operation[0]))
            .withRotationPeriod(Duration.ofSeconds(integer(json, "rotationPeriodSeconds")));
    if (!(json.get("labels") instanceof Map<?, ?> labels)) {
      throw new Rejected("has no labels object");
    }
    for (Map.Entry<?, ?> label : labels.entrySet()) {
      if (!(label.getValue() instanceof String value)) {
        throw new Rejected("has a label that is not text");
      }
      spec = spec.withLabel((String) label.getKey(), value);
    }
    int primary = smallInteger(json, "primaryVersion");
    int minimum = smallInteger(json, "minDecryptionVersion");
    if (!(json.get("versions") instanceof List<?> versions) || versions.isEmpty()) {
      throw new Rejected("has no versions");
    }
    if (primary < 1 || primary > versions.size()) {
      throw new Rejected("names primary version " + primary + " of " + versions.size());
    }
    if (minimum < 1 || minimum > primary) {
      throw new Rejected(
          "has minimum decryption version " + minimum + ", not 1 to the primary, " + primary);
    }
    KeyRecord record =
        new KeyRecord(
            name,
            algorithm,
            bits,
            spec.operations(),
            true,
            true,
            form,
            spec.labels(),
            primary,
            integer(json, "createdAt"),
            bool(json, "enabled"),
            spec.rotationPeriod().getSeconds(),
            minimum,
            1,
            0, // named when it is written
            List.of());
    // Every version's attributes are checked before any material is imported.
    List<Map<?, ?>> entries = new ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      if (!(versions.get(i) instanceof Map<?, ?> entry)
          || smallInteger(entry, "version") != i + 1) {
        throw new Rejected("has versions that are not numbered 1 to " + versions.size());
      }
      KeyState state = KeyState.valueOf(text(entry, "state"));
      if ((state == KeyState.DESTROYED) == entry.containsKey("material")) {
        throw new Rejected(
            "has version "
                + (i + 1)
                + " "
                + state
                + (state == KeyState.DESTROYED ? " with" : " without")
                + " material");
      }
      if (i + 1 == primary && state != KeyState.ENABLED) {
        throw new Rejected("has primary version " + primary + " " + state);
      }
      integer(entry, "createdAt");
      integer(entry, "destroyAt");
      entries.add(entry);
    }
    List<KeyRecord.VersionRecord> read = new ArrayList<>();
    for (Map<?, ?> entry : entries) {
      int number = smallInteger(entry, "version");
      CustodyRecord held = new CustodyRecord(null, null); // destroyed: no material
      if (entry.containsKey("material")) {
        KeyMaterial material =
            keyMaterial(form, Base64.getDecoder().decode(text(entry, "material")));
        try {
          held = with.custody().importMaterial(record.binding(with.storeId(), number), material);
        } finally {
          material.destroy();
        }
      }
      read.add(
          new KeyRecord.VersionRecord(
              number,
              KeyState.valueOf(text(entry, "state")),
              integer(entry, "createdAt"),
              integer(entry, "destroyAt"),
              held.publicKey(),
              held.material()));
    }
    return record.withVersions(read, primary);
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

  private static String text(Map<?, ?> json, String field) {
    if (!(json.get(field) instanceof String value)) {
      throw new Rejected("has no text " + field);
    }
    return value;
  }

  /** A whole number: JSON numbers are read as {@code Long} when whole, else {@code Double}. */
  private static long integer(Map<?, ?> json, String field) {
    Object value = json.get(field);
    if (!(value instanceof Long || value instanceof Integer)) {
      throw new Rejected("has no whole number " + field);
    }
    return ((Number) value).longValue();
  }

  private static int smallInteger(Map<?, ?> json, String field) {
    long value = integer(json, field);
    if (value != (int) value) {
      throw new Rejected("has " + field + " " + value + ", out of range");
    }
    return (int) value;
  }

  private static boolean bool(Map<?, ?> json, String field) {
    if (!(json.get(field) instanceof Boolean value)) {
      throw new Rejected("has no true or false " + field);
    }
    return value;
  }

  /** Why a payload is no consistent key: its message completes "the exported key ...". */
  private static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(String reason) {
      super(reason, null, false, false);
    }
  }
}
