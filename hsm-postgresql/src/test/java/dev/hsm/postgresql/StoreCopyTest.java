package dev.hsm.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hsm.Algorithm;
import dev.hsm.AuditEntry;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.KeyVersionInfo;
import dev.hsm.TestStores;
import dev.hsm.VersionBelowMinimumException;
import dev.hsm.spi.KeyRecordStore;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving and copying whole stores between the backends with {@code HsmClient.copyStore} and {@code
 * HsmAdmin.copyTo}: SQLite to PostgreSQL and back to SQLite, keys of every algorithm and state
 * staying wrapped (no secret, and not the unlock key file, in any PostgreSQL row), and every output
 * made before a copy still decrypting or verifying after it on the other backend. A PostgreSQL
 * store's backup (an SQLite store file), taken while another instance writes, restores into SQLite
 * and copies into PostgreSQL again, holding everything acknowledged before it began.
 */
@Timeout(180)
class StoreCopyTest {
  private static final byte[] CONTEXT = "order 7".getBytes(StandardCharsets.UTF_8);

  /** Shorter runs of a secret than this are not searched for (they could match by chance). */
  private static final int WINDOW = 16;

  @TempDir Path dir;
  private final Map<String, byte[]> secrets = new LinkedHashMap<>(); // and each run of them
  private final Map<String, byte[]> wholeSecrets = new LinkedHashMap<>(); // as a whole
  private final Map<String, byte[]> outputs = new LinkedHashMap<>(); // by key name
  private final Map<String, byte[]> inputs = new LinkedHashMap<>();
  private final Set<String> keyNames = new java.util.TreeSet<>();
  private byte[] minimumCiphertext; // made by version 1 of key "minimum", refused from then on

  private static byte[] random(int length) {
    byte[] out = new byte[length];
    new SecureRandom().nextBytes(out);
    return out;
  }

  private Path keyFile() {
    return TestStores.keyFile(dir, "hsm.key");
  }

  private HsmConfig sqlite(String file) {
    return HsmConfig.sqlite(dir.resolve(file)).keyFile(keyFile());
  }

  private static KeyRecordStore.Factory newPostgresStore(String schema) {
    return PostgresKeyRecordStore.factory(TestDatabase.jdbcUrl(), TestDatabase.USER, null, schema);
  }

  /** Makes an output with the key's primary version, to be checked on every copy. */
  private void makeOutput(KeyHandle key, String label) {
    byte[] data = random(40); // random: no run of it matches stored text by chance
    byte[] output =
        switch (key.info().algorithm().kind()) {
          case AEAD -> key.encrypt(data, CONTEXT);
          case ASYMMETRIC_ENCRYPTION, HYBRID_ENCRYPTION -> key.encrypt(data);
          case MAC -> key.mac(data);
          case SIGNATURE -> key.sign(data);
        };
    inputs.put(label, data);
    outputs.put(label, output);
    keyNames.add(key.name());
  }

  /** Every output made so far decrypts or verifies with its key in {@code hsm}. */
  private void checkOutputsIn(HsmClient hsm) {
    outputs.forEach(
        (label, output) -> {
          KeyHandle key = hsm.key(label.substring(0, label.indexOf('@')));
          byte[] data = inputs.get(label);
          switch (key.info().algorithm().kind()) {
            case AEAD -> assertThat(key.decrypt(output, CONTEXT)).as(label).isEqualTo(data);
            case ASYMMETRIC_ENCRYPTION, HYBRID_ENCRYPTION ->
                assertThat(key.decrypt(output)).as(label).isEqualTo(data);
            case MAC -> key.verifyMac(data, output);
            case SIGNATURE -> key.verify(data, output);
          }
        });
  }

  /**
   * A store with a key of every algorithm (RSA at 2048 bits, two RSA schemes), imported keys whose
   * secrets the test knows, several versions, a disabled key, a raised minimum version and a
   * scheduled destruction; an output of every key.
   */
  private void populate(HsmClient hsm) throws Exception {
    for (Algorithm algorithm : Algorithm.values()) {
      if (algorithm.isRsa()
          && algorithm != Algorithm.RSA_PSS_SHA256
          && algorithm != Algorithm.RSA_OAEP_SHA256) {
        continue; // RSA key generation is slow; the other schemes are stored the same way
      }
      KeySpec spec = algorithm.isRsa() ? KeySpec.rsa(algorithm, 2048) : KeySpec.of(algorithm);
      String name = "gen-" + algorithm.name().toLowerCase().replace('_', '-');
      makeOutput(hsm.createKey(name, spec), name + "@1");
    }
    byte[] aes = random(32);
    byte[] hmac = random(64);
    secrets.put("AES key", aes);
    secrets.put("HMAC key", hmac);
    makeOutput(
        hsm.importKey("imp-aes", KeySpec.aes256Gcm(), KeyMaterial.secretKey(aes)), "imp-aes@1");
    makeOutput(
        hsm.importKey("imp-hmac", KeySpec.hmacSha512(), KeyMaterial.secretKey(hmac)), "imp-hmac@1");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ec = generator.generateKeyPair();
    wholeSecrets.put("EC PKCS#8", ec.getPrivate().getEncoded()); // its header is public
    secrets.put("EC private scalar", unsigned(((ECPrivateKey) ec.getPrivate()).getS(), 32));
    makeOutput(
        hsm.importKey(
            "imp-ecdsa",
            KeySpec.ecdsaP256(),
            KeyMaterial.privateKeyPkcs8(ec.getPrivate().getEncoded())),
        "imp-ecdsa@1");

    KeyHandle versions = hsm.createKey("versions", KeySpec.aes256Gcm());
    versions.rotate();
    makeOutput(versions, "versions@2");
    versions.rotate();
    hsm.admin().scheduleDestruction("versions", 1, Duration.ofDays(7));
    hsm.createKey("off", KeySpec.hmacSha256()).disable();
    keyNames.add("off");
    KeyHandle minimum = hsm.createKey("minimum", KeySpec.aes256Gcm());
    keyNames.add("minimum");
    minimumCiphertext = minimum.encrypt(random(40), CONTEXT);
    minimum.rotate();
    hsm.admin().setMinDecryptionVersion("minimum", 2);
  }

  private static byte[] unsigned(BigInteger value, int length) {
    byte[] signed = value.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(length, signed.length);
    System.arraycopy(signed, signed.length - copy, out, length - copy, copy);
    return out;
  }

  /** The states {@link #populate} left, as every copy must have them. */
  private void checkStatesIn(HsmClient hsm) {
    List<KeyState> versions =
        hsm.key("versions").info().versions().stream().map(KeyVersionInfo::state).toList();
    assertThat(versions)
        .containsExactly(KeyState.SCHEDULED_FOR_DESTRUCTION, KeyState.ENABLED, KeyState.ENABLED);
    assertThat(hsm.key("versions").info().primaryVersion()).isEqualTo(3);
    assertThat(catchThrowable(() -> hsm.key("off").mac(CONTEXT)))
        .isInstanceOf(KeyDisabledException.class);
    assertThat(catchThrowable(() -> hsm.key("minimum").decrypt(minimumCiphertext, CONTEXT)))
        .isInstanceOf(VersionBelowMinimumException.class);
    assertThat(hsm.key("imp-aes").info().imported()).isTrue();
  }

  /** Every row of every table of {@code schema}, as PostgreSQL prints it (bytea in hex). */
  private static String allRowsOf(String schema) {
    StringBuilder rows = new StringBuilder();
    for (String table :
        List.of(
            "store_meta",
            "unlock_slot",
            "hsm_key",
            "key_version",
            "audit_log",
            "key_usage",
            "client_commits",
            "hsm_schema_version")) {
      TestDatabase.queryStrings("SELECT t::text FROM " + schema + "." + table + " t")
          .forEach(row -> rows.append(row).append('\n'));
    }
    return rows.toString().toLowerCase();
  }

  /** No secret, nor any {@value #WINDOW}-byte run of one, appears in {@code dump}, in hex. */
  private void assertNoSecretIn(String dump) throws Exception {
    wholeSecrets.forEach(
        (what, bytes) ->
            assertThat(dump)
                .as("%s in the PostgreSQL rows", what)
                .doesNotContain(HexFormat.of().formatHex(bytes)));
    Map<String, byte[]> all = new LinkedHashMap<>(secrets);
    all.put("unlock key file", Files.readAllBytes(keyFile()));
    for (Map.Entry<String, byte[]> secret : all.entrySet()) {
      byte[] bytes = secret.getValue();
      for (int from = 0; from + WINDOW <= bytes.length; from++) {
        byte[] run = java.util.Arrays.copyOfRange(bytes, from, from + WINDOW);
        assertThat(dump)
            .as("%s (bytes %d-%d) in the PostgreSQL rows", secret.getKey(), from, from + WINDOW)
            .doesNotContain(HexFormat.of().formatHex(run));
        assertThat(dump)
            .as("%s in base64", secret.getKey())
            .doesNotContain(Base64.getEncoder().encodeToString(run).substring(0, 20).toLowerCase());
      }
    }
  }

  @Test
  void sqliteToPostgresqlAndBackToSqlite_keysStayWrapped_andOutputsMadeBeforeEachCopyStillWork()
      throws Exception {
    HsmConfig source = sqlite("source.db");
    long sourceEntries;
    try (HsmClient hsm = HsmClient.open(source)) {
      populate(hsm);
      sourceEntries = hsm.auditLog().verify();
    }
    String schema = TestDatabase.newSchema();
    KeyRecordStore.Factory postgres = newPostgresStore(schema);

    HsmClient.copyStore(source, postgres);

    String dump = allRowsOf(schema);
    // The scan sees stored bytes: a public key, which is stored in clear, is found.
    byte[] publicKey;
    try (HsmClient onPostgres = HsmClient.open(source.withStore(postgres))) {
      publicKey =
          Base64.getMimeDecoder()
              .decode(
                  onPostgres
                      .key("gen-ed25519")
                      .publicKeyPem()
                      .replaceAll("-----[A-Z ]+-----", "")
                      .trim());
      assertThat(dump).contains(HexFormat.of().formatHex(publicKey));
      assertNoSecretIn(dump);

      assertThat(onPostgres.auditLog().verify()).as("the log as copied").isEqualTo(sourceEntries);
      checkOutputsIn(onPostgres);
      checkStatesIn(onPostgres); // its refusals are new entries in the copy's log
      assertThat(onPostgres.listKeys().stream().map(KeyInfo::name))
          .containsExactlyElementsOf(keyNames);

      // The copy lives on by itself on PostgreSQL: new outputs and versions.
      onPostgres.key("versions").rotate();
      makeOutput(onPostgres.key("versions"), "versions@4");
      makeOutput(onPostgres.createKey("made-on-postgres", KeySpec.ed25519()), "made-on-postgres@1");

      onPostgres.admin().copyTo(HsmConfig.sqlite(dir.resolve("back.db")).store());
    }
    assertNoSecretIn(allRowsOf(schema));

    try (HsmClient back = HsmClient.open(sqlite("back.db"))) {
      checkOutputsIn(back);
      assertThat(back.key("versions").info().primaryVersion()).isEqualTo(4);
      assertThat(back.key("minimum").info().minDecryptionVersion()).isEqualTo(2);
      List<AuditEntry> log = back.auditLog().entries(1, Integer.MAX_VALUE);
      assertThat(log.get((int) sourceEntries - 1).action())
          .as("the first copy's entry was written in the source after it was copied")
          .isNotEqualTo("store.copy");
      assertThat(back.auditLog().verify()).isEqualTo(log.size());
    }
    try (HsmClient original = HsmClient.open(source)) {
      assertThat(original.key("versions").info().primaryVersion())
          .as("the source is independent of its copies")
          .isEqualTo(3);
      assertThat(original.findKey("made-on-postgres")).isEmpty();
    }
  }

  @Test
  void aBackupOfAPostgresqlStoreInUse_restoresIntoSqlite_andCopiesIntoPostgresqlAgain()
      throws Exception {
    String schema = TestDatabase.newSchema();
    HsmConfig config = HsmConfig.store(newPostgresStore(schema)).keyFile(keyFile());
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Path backup = dir.resolve("backup.db");
    try (HsmClient admin = HsmClient.open(config);
        HsmClient writer = HsmClient.open(config)) {
      for (int i = 0; i < 5; i++) {
        makeOutput(admin.createKey("before-" + i, KeySpec.aes256Gcm()), "before-" + i + "@1");
      }
      AtomicBoolean stop = new AtomicBoolean();
      Thread writing =
          new Thread(
              () -> {
                for (int n = 0; !stop.get(); n++) {
                  writer.createKey("during-" + n, KeySpec.hmacSha256());
                  acknowledged.add("during-" + n);
                  writer.key("before-0").rotate();
                }
              });
      writing.start();
      while (acknowledged.size() < 5) {
        Thread.sleep(5);
      }
      Set<String> beforeTheBackup = Set.copyOf(acknowledged);
      admin.admin().backup(backup);
      admin.admin().copyTo(newPostgresStore(schema + "_c")); // a live copy, verified as made
      stop.set(true);
      writing.join(30_000);

      try (HsmClient restored = HsmClient.restoreBackup(backup, sqlite("restored.db"))) {
        checkOutputsIn(restored);
        List<String> names = restored.listKeys().stream().map(KeyInfo::name).toList();
        assertThat(names).containsAll(beforeTheBackup);
        assertThat(restored.auditLog().verify()).isPositive();
        restored.key("before-1").rotate(); // and it works on by itself
      }
    }

    KeyRecordStore.Factory again = newPostgresStore(TestDatabase.newSchema());
    HsmClient.copyStore(HsmConfig.sqlite(backup).keyFile(keyFile()), again);
    try (HsmClient copy = HsmClient.open(config.withStore(again))) {
      checkOutputsIn(copy);
      assertThat(copy.auditLog().verify()).isPositive();
    }
    try (HsmClient liveCopy = HsmClient.open(config.withStore(newPostgresStore(schema + "_c")))) {
      checkOutputsIn(liveCopy);
      assertThat(liveCopy.auditLog().verify()).isPositive();
    }
  }
}
