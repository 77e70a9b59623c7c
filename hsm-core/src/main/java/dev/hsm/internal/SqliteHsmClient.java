package dev.hsm.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.HsmException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyNotFoundException;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.internal.crypto.CryptoKey;
import dev.hsm.internal.crypto.Keys;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.internal.store.SqliteKeyStoreBackend;
import dev.hsm.spi.KeyStoreBackend;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The engine behind {@link HsmClient}: unlocks the store, creates and imports keys (wrapping
 * their material before it reaches the backend), and loads keys into the cache on first use.
 */
public final class SqliteHsmClient implements HsmClient {
  private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final String STATE_ENABLED = "ENABLED";
  private static final int MAX_RANDOM_BYTES = 1 << 20;

  private final Path path;
  private final KeyStoreBackend backend;
  private final KeyProtection protection;
  private final KeyCache cache;
  private final Clock clock;
  private volatile boolean closed;

  private SqliteHsmClient(
      Path path, KeyStoreBackend backend, KeyProtection protection, HsmConfig config) {
    this.path = path;
    this.backend = backend;
    this.protection = protection;
    this.cache = new KeyCache(config.cacheSize());
    this.clock = config.clock();
  }

  /** Opens, and on first use initialises, the store a config names. */
  public static SqliteHsmClient open(HsmConfig config) {
    Unlocking.Secret secret = Unlocking.readSecret(config);
    Path path = config.storePath();
    SqliteKeyStoreBackend backend = SqliteKeyStoreBackend.open(path);
    byte[] masterKey = null;
    try {
      Optional<String> storeId = backend.storeId();
      if (storeId.isEmpty()) {
        String newId = HexFormat.of().formatHex(Randomness.bytes(16));
        byte[] newMasterKey = Randomness.bytes(32);
        if (backend.initialize(
            newId, Unlocking.newSlot(newId, secret, config.argon2(), newMasterKey, config.clock()))) {
          storeId = Optional.of(newId);
          masterKey = newMasterKey;
        } else {
          KeyProtection.wipe(newMasterKey);
          storeId = backend.storeId(); // another process initialised it first
        }
      }
      if (masterKey == null) {
        masterKey = Unlocking.unlock(storeId.orElseThrow(), backend.unlockSlots(), secret, path);
      }
      return new SqliteHsmClient(
          path, backend, new KeyProtection(storeId.orElseThrow(), masterKey), config);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    } finally {
      KeyProtection.wipe(masterKey);
      secret.wipe();
    }
  }

  @Override
  public KeyHandle createKey(String name, KeySpec spec) {
    checkOpen();
    checkName(name);
    Keys.Material material = Keys.generate(spec);
    store(name, spec, spec.operations(), material, false);
    return new DefaultKeyHandle(name, this);
  }

  @Override
  public KeyHandle ensureKey(String name, KeySpec spec) {
    checkOpen();
    checkName(name);
    for (int attempt = 0; ; attempt++) {
      Optional<KeyHandle> existing = findKey(name);
      if (existing.isPresent()) {
        KeyInfo info = existing.get().info();
        if (info.algorithm() != spec.algorithm()
            || info.rsaModulusBits() != spec.rsaModulusBits()
            || !info.operations().equals(spec.operations())
            || info.extractable() != spec.extractable()) {
          throw new KeyAlreadyExistsException(
              "key '"
                  + name
                  + "' exists as "
                  + describe(info)
                  + ", not as the requested "
                  + spec);
        }
        return existing.get();
      }
      try {
        return createKey(name, spec);
      } catch (KeyAlreadyExistsException raced) {
        if (attempt > 0) {
          throw raced;
        }
        // another thread or process created it between our read and write: check theirs
      }
    }
  }

  private static String describe(KeyInfo info) {
    return "KeySpec["
        + info.algorithm()
        + (info.rsaModulusBits() > 0 ? " " + info.rsaModulusBits() : "")
        + " "
        + EnumSet.copyOf(info.operations())
        + (info.extractable() ? " extractable" : "")
        + "]";
  }

  @Override
  public KeyHandle importKey(String name, KeySpec spec, KeyMaterial material) {
    checkOpen();
    checkName(name);
    Keys.Material validated = Keys.validateImport(spec, material.form(), material.encoded());
    Set<Operation> operations = EnumSet.copyOf(spec.operations());
    if (validated.form() == KeyMaterial.Form.PUBLIC_X509) {
      operations.retainAll(EnumSet.of(Operation.VERIFY, Operation.ENCRYPT));
      if (operations.isEmpty()) {
        throw new InvalidKeyMaterialException(
            "a public key can only "
                + (spec.algorithm().kind() == Algorithm.Kind.SIGNATURE ? "VERIFY" : "ENCRYPT")
                + ", but the spec allows only "
                + spec.operations());
      }
    }
    store(name, spec, operations, validated, true);
    return new DefaultKeyHandle(name, this);
  }

  /** Wraps the material, MACs the rows and writes the key durably, in one transaction. */
  private void store(
      String name,
      KeySpec spec,
      Set<Operation> operations,
      Keys.Material material,
      boolean imported) {
    long now = clock.millis();
    StoredKey unsigned =
        new StoredKey(
            name,
            spec.algorithm().name(),
            spec.rsaModulusBits(),
            operations.stream().map(Enum::name).collect(Collectors.joining(",")),
            spec.extractable(),
            imported,
            material.form().name(),
            JSONObjectUtils.toJSONString(new TreeMap<String, Object>(spec.labels())),
            1,
            now,
            null,
            List.of());
    byte[] wrapped;
    try {
      wrapped = protection.wrap(material.encoded(), protection.materialAad(unsigned, 1));
    } finally {
      KeyProtection.wipe(material.encoded());
    }
    StoredKeyVersion version =
        new StoredKeyVersion(1, STATE_ENABLED, now, material.publicKeySpki(), wrapped, null);
    version =
        new StoredKeyVersion(
            1, STATE_ENABLED, now, material.publicKeySpki(), wrapped,
            protection.versionRowMac(name, version));
    StoredKey key =
        new StoredKey(
            unsigned.name(),
            unsigned.algorithm(),
            unsigned.rsaModulusBits(),
            unsigned.operations(),
            unsigned.extractable(),
            unsigned.imported(),
            unsigned.materialForm(),
            unsigned.labels(),
            unsigned.primaryVersion(),
            unsigned.createdAtMillis(),
            protection.keyRowMac(unsigned),
            List.of(version));
    backend.insertKey(key);
  }

  @Override
  public KeyHandle key(String name) {
    return findKey(name)
        .orElseThrow(() -> new KeyNotFoundException("no key named '" + name + "' in " + path));
  }

  @Override
  public Optional<KeyHandle> findKey(String name) {
    checkOpen();
    checkName(name);
    return backend.findKey(name).map(stored -> new DefaultKeyHandle(name, this));
  }

  @Override
  public List<KeyInfo> listKeys() {
    checkOpen();
    List<KeyInfo> infos = new ArrayList<>();
    for (StoredKey stored : backend.listKeys()) {
      protection.verifyRows(stored);
      infos.add(info(stored));
    }
    return infos;
  }

  @Override
  public byte[] randomBytes(int count) {
    checkOpen();
    if (count < 0 || count > MAX_RANDOM_BYTES) {
      throw new IllegalArgumentException("count must be 0.." + MAX_RANDOM_BYTES + ", not " + count);
    }
    return Randomness.bytes(count);
  }

  /** The key, unwrapped: from the cache, or loaded from the store on first use. */
  LoadedKey loaded(String name) {
    checkOpen();
    return cache.get(name, this::load);
  }

  /** Current metadata straight from the store (the row MACs checked). */
  KeyInfo currentInfo(String name) {
    checkOpen();
    StoredKey stored =
        backend
            .findKey(name)
            .orElseThrow(() -> new KeyNotFoundException("no key named '" + name + "' in " + path));
    protection.verifyRows(stored);
    return info(stored);
  }

  private LoadedKey load(String name) {
    StoredKey stored =
        backend
            .findKey(name)
            .orElseThrow(() -> new KeyNotFoundException("no key named '" + name + "' in " + path));
    protection.verifyRows(stored);
    KeyInfo info = info(stored);
    Map<Integer, CryptoKey> versions = new HashMap<>();
    for (StoredKeyVersion version : stored.versions()) {
      if (!STATE_ENABLED.equals(version.state())) {
        continue;
      }
      String what = "key '" + name + "' version " + version.version();
      byte[] material =
          protection.unwrap(
              version.wrappedMaterial(), protection.materialAad(stored, version.version()), what);
      try {
        versions.put(
            version.version(),
            Keys.load(
                info.algorithm(),
                KeyMaterial.Form.valueOf(stored.materialForm()),
                material,
                version.publicKey()));
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new KeyIntegrityException(what + ": stored material cannot be read as " + info.algorithm());
      } finally {
        KeyProtection.wipe(material);
      }
    }
    if (!versions.containsKey(info.primaryVersion())) {
      throw new KeyIntegrityException(
          "key '" + name + "': primary version " + info.primaryVersion() + " is missing");
    }
    return new LoadedKey(info, EnumSet.copyOf(info.operations()), versions);
  }

  /** Parses checked rows into metadata. */
  private static KeyInfo info(StoredKey stored) {
    try {
      Set<Operation> operations = EnumSet.noneOf(Operation.class);
      for (String operation : stored.operations().split(",")) {
        operations.add(Operation.valueOf(operation));
      }
      Map<String, String> labels = new TreeMap<>();
      JSONObjectUtils.parse(stored.labels()).forEach((k, v) -> labels.put(k, (String) v));
      return new KeyInfo(
          stored.name(),
          Algorithm.valueOf(stored.algorithm()),
          stored.rsaModulusBits(),
          operations,
          stored.extractable(),
          stored.imported(),
          KeyMaterial.Form.valueOf(stored.materialForm()) == KeyMaterial.Form.PUBLIC_X509,
          labels,
          stored.primaryVersion(),
          Instant.ofEpochMilli(stored.createdAtMillis()));
    } catch (java.text.ParseException | RuntimeException e) {
      throw new KeyIntegrityException(
          "key '" + stored.name() + "': stored attributes cannot be read by this library version");
    }
  }

  private static void checkName(String name) {
    if (name == null) {
      throw new NullPointerException("key name");
    }
    if (!KEY_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "key name '"
              + name
              + "' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new HsmException("the HsmClient for " + path + " is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    cache.clear();
    backend.close();
  }

  @Override
  public String toString() {
    return "HsmClient[sqlite=" + path + (closed ? ", closed" : "") + "]";
  }

}
