package dev.hsm.wycheproof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
import dev.hsm.NativeCryptoTest;
import dev.hsm.Operation;
import dev.hsm.TestStores;
import dev.hsm.VerificationFailedException;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One family of Wycheproof files run through the engine: one store per class, one test per vector.
 * Each vector is planned as RUN (the crypto runs and its outcome must match the vector's result),
 * REFUSE (the parameters are ones the API does not support, and the test asserts that it refuses
 * them) or SKIP (unsupported and not expressible through the API: aborted, with the reason). {@link
 * #vectorCounts} pins how many vectors land in each plan, so a loader that finds nothing, or a plan
 * that drifts, fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WycheproofSuite {
  enum Mode {
    RUN,
    REFUSE,
    SKIP
  }

  record Plan(Mode mode, String reason) {
    static final Plan RUN = new Plan(Mode.RUN, "");

    static Plan refuse(String reason) {
      return new Plan(Mode.REFUSE, reason);
    }

    static Plan skip(String reason) {
      return new Plan(Mode.SKIP, reason);
    }
  }

  static final List<Integer> RSA_SIZES = List.of(2048, 3072, 4096);

  /** The supported RSA size closest to {@code bits}, to claim when a key's size is unsupported. */
  static int nearestRsaSize(int bits) {
    return RSA_SIZES.stream().min(Comparator.comparingInt(size -> Math.abs(size - bits))).get();
  }

  private HsmClient hsm;
  private final Map<String, KeyHandle> imported = new HashMap<>();
  private int refusals;

  /** The vector files of this family. */
  abstract List<String> files();

  /** How {@code v} is handled. */
  abstract Plan plan(Vector v);

  /** Runs a RUN vector. */
  abstract void run(Vector v) throws Exception;

  /** Checks that the API refuses a REFUSE vector. */
  void refuse(Vector v) throws Exception {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " refuses nothing");
  }

  /** Expected vector counts per "mode result", e.g. {@code "run valid" -> 39}. */
  abstract Map<String, Integer> expectedCounts();

  /**
   * Expected counts per file, as {@link #expectedCounts} per file name; empty (the default) to pin
   * the family's totals only.
   */
  Map<String, Map<String, Integer>> expectedCountsPerFile() {
    return Map.of();
  }

  /** {@code file -> "mode result" -> count} as the plan gives them. */
  private Map<String, Map<String, Integer>> countsPerFile() {
    Map<String, Map<String, Integer>> counts = new TreeMap<>();
    Wycheproof.vectors(files())
        .forEach(
            v ->
                counts
                    .computeIfAbsent(v.file(), f -> new TreeMap<>())
                    .merge(
                        plan(v).mode().name().toLowerCase(Locale.ROOT) + " " + v.result(),
                        1,
                        Integer::sum));
    return counts;
  }

  /**
   * Which providers this class runs on. The suites run pure Java; their {@code Native...}
   * subclasses run the same vectors on the native provider (see {@link NativeCrypto}).
   */
  NativeCrypto nativeCrypto() {
    return NativeCrypto.OFF;
  }

  @BeforeAll
  void openStore(@TempDir Path dir) {
    if (nativeCrypto() == NativeCrypto.REQUIRED) {
      NativeCryptoTest.assumeNativeOnThisPlatform();
    }
    hsm = HsmClient.open(TestStores.keyFileConfig(dir, "w.db").nativeCrypto(nativeCrypto()));
  }

  @AfterAll
  void closeStore() {
    if (hsm != null) {
      hsm.close();
    }
  }

  Stream<Vector> vectors() {
    return Wycheproof.vectors(files()).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void vector(Vector v) throws Exception {
    Plan plan = plan(v);
    switch (plan.mode()) {
      case RUN -> run(v);
      case REFUSE -> refuse(v);
      case SKIP -> Assumptions.abort(v + " skipped: " + plan.reason());
    }
  }

  @Test
  void vectorCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    Wycheproof.vectors(files())
        .forEach(
            v ->
                counts.merge(
                    plan(v).mode().name().toLowerCase(Locale.ROOT) + " " + v.result(),
                    1,
                    Integer::sum));
    assertThat(counts).isEqualTo(new TreeMap<>(expectedCounts()));
    if (!expectedCountsPerFile().isEmpty()) {
      Map<String, Map<String, Integer>> expected = new TreeMap<>();
      expectedCountsPerFile().forEach((file, c) -> expected.put(file, new TreeMap<>(c)));
      assertThat(countsPerFile()).isEqualTo(expected);
    }
  }

  /**
   * The key for {@code material} under {@code spec}, imported into this class's store the first
   * time and named after the first vector that needs it (with {@code -verify-only} for a spec that
   * does not allow SIGN, so one vector's key can be imported both ways).
   */
  KeyHandle importOnce(Vector v, KeySpec spec, KeyMaterial material) {
    String cacheKey =
        spec + " " + material.form() + " " + HexFormat.of().formatHex(material.encoded());
    KeyHandle key = imported.get(cacheKey);
    if (key == null) {
      String name =
          v.file().replace("_test.json", "")
              + "-t"
              + v.tcId()
              + (spec.operations().contains(Operation.SIGN) ? "" : "-verify-only");
      key = hsm.importKey(name, spec, material);
      imported.put(cacheKey, key);
    }
    return key;
  }

  /** Asserts that importing {@code material} under {@code spec} throws InvalidKeyMaterial. */
  void assertImportRefused(KeySpec spec, KeyMaterial material) {
    String name = "refused-" + ++refusals;
    assertThatThrownBy(() -> hsm.importKey(name, spec, material))
        .isInstanceOf(InvalidKeyMaterialException.class);
  }

  /**
   * The group's X.509 public key, imported under {@code spec} as a verify-only key: the kind that
   * may check signatures made outside ({@link KeyHandle#verifyStandardSignature}).
   */
  KeyHandle publicKey(Vector v, KeySpec spec) {
    return importOnce(
        v,
        spec.withOperations(Operation.VERIFY),
        KeyMaterial.publicKeyX509(v.groupBytes("publicKeyDer")));
  }

  /** Verifies the test's signature over its message with the group's public key. */
  void verifySignature(Vector v, KeySpec spec) {
    KeyHandle key = publicKey(v, spec);
    byte[] signature = v.bytes("sig");
    byte[] message = v.bytes("msg");
    Wycheproof.expect(
        v,
        () -> {
          key.verifyStandardSignature(message, signature, 1);
          return null;
        },
        null,
        VerificationFailedException.class);
  }
}
