package dev.hsm.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.Algorithm;
import dev.hsm.Argon2Parameters;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
import dev.hsm.Operation;
import dev.hsm.config.CommonHsmProperties;
import dev.hsm.config.DeclaredKeys;
import dev.hsm.config.InvalidHsmPropertyException;
import dev.hsm.config.KeyProperties;
import dev.hsm.config.StoreProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Attacks the configuration layer with valid, boundary and nonsense values.
 *
 * <ul>
 *   <li>The {@code hsm.*} properties both starters bind ({@link CommonHsmProperties}): {@code
 *       toConfig()} and {@code keySpecs()} give a config and specs holding the values set, or throw
 *       {@link InvalidHsmPropertyException} naming an {@code hsm.*} property.
 *   <li>{@link HsmConfig}'s and {@link Argon2Parameters}' setters: they take a value or throw
 *       {@link InvalidArgumentException}.
 *   <li>{@link DeclaredKeys#ensure} of declared keys against a store that holds some of them
 *       already: it gives every declared key, or throws {@link KeyAlreadyExistsException} (a stored
 *       key differs) or {@link InvalidArgumentException} (a name outside the rule), having created
 *       none of them; a declared key then works with the version it was made with (no rotation is
 *       due, whatever the declared period).
 * </ul>
 */
class ConfigValueFuzzTest {
  private static Path dir;
  private static HsmClient hsm;
  private static Fuzz.StoreContent store;

  @BeforeContainer
  static void open() {
    dir = Fuzz.tempDir("config-fuzz");
    hsm = Fuzz.openStore(dir, "store.db");
    hsm.createKey("existing-aes", KeySpec.aes256Gcm());
    hsm.createKey("existing-rsa", KeySpec.rsaPssSha256(2048).withOperations(Operation.VERIFY));
    store = new Fuzz.StoreContent(dir.resolve("store.db"));
  }

  @AfterContainer
  static void close() {
    store.close();
    hsm.close();
    Fuzz.deleteTree(dir);
  }

  /** Mostly (3 in 4) a value from {@code valid}, else one from {@code any}. */
  private static <T> Arbitrary<T> mostly(Arbitrary<T> valid, Arbitrary<T> any) {
    return Arbitraries.frequencyOf(Tuple.of(3, valid), Tuple.of(1, any));
  }

  /** Text: {@code null}, odd values (empty, blank, NUL, {@code =}) and any string. */
  @Provide
  Arbitrary<String> text() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(null)),
        Tuple.of(
            2,
            Arbitraries.of(
                "", " ", "hsm.db", "dir/x.db", "\u0000", "HSM_PASSPHRASE", "a=b", "x\u0000y")),
        Tuple.of(2, Arbitraries.strings().ofMaxLength(40)));
  }

  @Provide
  Arbitrary<String> paths() {
    return mostly(Arbitraries.of("hsm.db", "dir/x.db", "/var/lib/app/a b.db"), text());
  }

  /**
   * The three {@code hsm.unlock.*} properties: mostly exactly one of them set (as a valid
   * configuration has it), else any of them.
   */
  @Provide
  Arbitrary<List<String>> unlock() {
    return mostly(
        Combinators.combine(
                Arbitraries.integers().between(0, 2), text().filter(t -> t != null && !t.isEmpty()))
            .as(
                (which, value) -> {
                  List<String> set = new ArrayList<>(Arrays.asList(null, null, null));
                  set.set(which, value);
                  return set;
                }),
        text().list().ofSize(3));
  }

  /** Durations around every boundary (10 ms, an hour, a day), of any length, huge ones too. */
  @Provide
  Arbitrary<Duration> durations() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(null)),
        Tuple.of(
            3,
            Arbitraries.of(
                Duration.ZERO,
                Duration.ofMillis(9),
                Duration.ofMillis(10),
                Duration.ofMinutes(59),
                Duration.ofHours(1),
                Duration.ofDays(1),
                Duration.ofDays(1).plusNanos(1),
                Duration.ofDays(36_500),
                Duration.ofSeconds(-1),
                Duration.ofMillis(Long.MAX_VALUE),
                Duration.ofSeconds(Long.MAX_VALUE),
                Duration.ofSeconds(Long.MIN_VALUE))),
        Tuple.of(2, Arbitraries.longs().between(-1000, 200_000_000_000L).map(Duration::ofMillis)),
        Tuple.of(
            2,
            Arbitraries.longs()
                .withDistribution(RandomDistribution.uniform())
                .map(Duration::ofSeconds)));
  }

  /** Integers: boundaries of every setting, small ones, and any. */
  @Provide
  Arbitrary<Integer> ints() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            3,
            Arbitraries.of(
                -1, 0, 1, 7, 8, 10, 16, 17, 1024, 2048, 3072, 4096, 1 << 20, (1 << 20) + 1)),
        Tuple.of(1, Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE)),
        Tuple.of(2, Arbitraries.integers().between(-2, 40)),
        Tuple.of(1, Arbitraries.integers()));
  }

  /** One declared key ({@code hsm.keys.<name>.*}) of one of {@code algorithms}, mostly valid. */
  private Arbitrary<KeyProperties> keys(Set<Algorithm> algorithms) {
    // The modulus size: the valid one for the algorithm (none, or 2048 for RSA) 3 times in 4.
    Arbitrary<Integer> otherBits =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(-1)), Tuple.of(1, ints().injectNull(0.3)));
    Arbitrary<List<Operation>> operations =
        mostly(
            Arbitraries.just(List.of()),
            Arbitraries.of(Operation.class).list().ofMinSize(1).ofMaxSize(3));
    Arbitrary<Duration> rotation =
        mostly(
            Arbitraries.of(
                null,
                Duration.ZERO,
                Duration.ofHours(1),
                Duration.ofDays(90),
                Duration.ofMillis(Long.MAX_VALUE),
                Duration.ofSeconds(Long.MAX_VALUE)),
            durations());
    Arbitrary<Map<String, String>> labels =
        mostly(
            Arbitraries.of(Map.of(), Map.of("team", "payments")),
            Arbitraries.maps(
                    Arbitraries.oneOf(
                        Arbitraries.of("team", "a.b-c_1", "Team", "", "x".repeat(64)),
                        Arbitraries.strings().ofMaxLength(10)),
                    Arbitraries.oneOf(
                        Arbitraries.of("payments", "", "v".repeat(256), "v".repeat(257)),
                        Arbitraries.strings().ofMaxLength(10)))
                .ofMaxSize(2));
    return Combinators.combine(
            Arbitraries.of(algorithms).injectNull(0.05),
            otherBits,
            operations,
            rotation,
            labels,
            Arbitraries.of(true, false))
        .as(
            (algorithm, bits, ops, period, labelMap, extractable) -> {
              KeyProperties key = new KeyProperties();
              key.setAlgorithm(algorithm);
              boolean rsa = algorithm != null && algorithm.isRsa();
              key.setRsaModulusBits(bits == null || bits != -1 ? bits : rsa ? 2048 : null);
              key.setOperations(ops);
              key.setRotationPeriod(period);
              key.setLabels(labelMap);
              key.setExtractable(extractable);
              return key;
            });
  }

  @Provide
  Arbitrary<Map<String, KeyProperties>> declared() {
    return Arbitraries.maps(text().filter(t -> t != null), keys(EnumSet.allOf(Algorithm.class)))
        .ofMaxSize(3);
  }

  @Provide
  Arbitrary<Integer> cacheSizes() {
    return mostly(Arbitraries.integers().between(1, 100_000), ints());
  }

  @Provide
  Arbitrary<Duration> refreshIntervals() {
    return mostly(Arbitraries.longs().between(10, 86_400_000).map(Duration::ofMillis), durations());
  }

  /** Argon2 memory sizes in KiB: mostly 8 to 1 GiB, around both limits, and any. */
  @Provide
  Arbitrary<Integer> memory() {
    return mostly(
        Arbitraries.integers().between(8, 1 << 20),
        Arbitraries.oneOf(
            Arbitraries.integers().between(-1, 200),
            Arbitraries.integers().between((1 << 20) - 2, (1 << 20) + 2),
            ints()));
  }

  @Provide
  Arbitrary<Integer> iterations() {
    return mostly(Arbitraries.integers().between(1, 10), ints());
  }

  @Provide
  Arbitrary<Integer> parallelism() {
    return mostly(Arbitraries.integers().between(1, 16), ints());
  }

  @Property
  void properties_giveAConfigHoldingThem_orThrowInvalidHsmPropertyNamingOne(
      @ForAll("paths") String path,
      @ForAll("unlock") List<String> unlock,
      @ForAll("cacheSizes") int cacheSize,
      @ForAll("refreshIntervals") Duration refreshInterval,
      @ForAll NativeCrypto nativeCrypto,
      @ForAll("declared") Map<String, KeyProperties> keys) {
    CommonHsmProperties properties = new CommonHsmProperties();
    properties.getStore().setPath(path);
    properties.getUnlock().setPassphrase(unlock.get(0));
    properties.getUnlock().setPassphraseEnv(unlock.get(1));
    properties.getUnlock().setKeyFile(unlock.get(2));
    properties.setCacheSize(cacheSize);
    properties.setRefreshInterval(refreshInterval);
    properties.setNativeCrypto(nativeCrypto);
    properties.getKeys().putAll(keys);
    Fuzz.Outcome<HsmConfig> config =
        Fuzz.attempt(
            "configuration properties (hsm.*, toConfig)",
            properties::toConfig,
            InvalidHsmPropertyException.class);
    if (config.worked()) {
      assertThat(config.result().sqliteFile())
          .as("no hsm.store.path means the default file")
          .contains(Path.of(path == null ? StoreProperties.DEFAULT_PATH : path));
      assertThat(config.result().cacheSize()).isEqualTo(cacheSize);
      assertThat(config.result().refreshInterval()).isEqualTo(refreshInterval);
      assertThat(config.result().nativeCrypto()).isEqualTo(nativeCrypto);
      assertThat(config.result().unlockSecret()).isPresent();
    } else {
      assertThat(((InvalidHsmPropertyException) config.refusal()).property()).startsWith("hsm.");
    }
    Fuzz.Outcome<Map<String, KeySpec>> specs =
        Fuzz.attempt(
            "configuration properties (hsm.keys.*, keySpecs)",
            properties::keySpecs,
            InvalidHsmPropertyException.class);
    if (specs.worked()) {
      assertThat(specs.result().keySet()).containsExactlyElementsOf(keys.keySet());
      keys.forEach(
          (name, key) -> {
            KeySpec spec = specs.result().get(name);
            assertThat(spec.algorithm()).isEqualTo(key.getAlgorithm());
            assertThat(spec.labels()).isEqualTo(key.getLabels());
            assertThat(spec.extractable()).isEqualTo(key.isExtractable());
            if (!key.getOperations().isEmpty()) {
              assertThat(spec.operations()).isEqualTo(EnumSet.copyOf(key.getOperations()));
            }
          });
    } else {
      assertThat(((InvalidHsmPropertyException) specs.refusal()).property())
          .startsWith("hsm.keys.");
    }
  }

  @Property
  void hsmConfigSetters_takeTheValue_orThrowInvalidArgument(
      @ForAll("cacheSizes") int cacheSize,
      @ForAll("refreshIntervals") Duration refreshInterval,
      @ForAll("text") String passphraseEnv,
      @ForAll("memory") int memoryKib,
      @ForAll("iterations") int iterations,
      @ForAll("parallelism") int parallelism) {
    HsmConfig base = HsmConfig.sqlite(Path.of("fuzz.db"));
    Fuzz.Outcome<HsmConfig> sized =
        Fuzz.attempt(
            "HsmConfig (cacheSize)",
            () -> base.cacheSize(cacheSize),
            InvalidArgumentException.class);
    assertThat(sized.worked()).isEqualTo(cacheSize >= 1);
    Fuzz.Outcome<HsmConfig> refreshed =
        Fuzz.attempt(
            "HsmConfig (refreshInterval)",
            () -> base.refreshInterval(refreshInterval),
            InvalidArgumentException.class);
    assertThat(refreshed.worked())
        .isEqualTo(
            refreshInterval != null
                && refreshInterval.compareTo(Duration.ofMillis(10)) >= 0
                && refreshInterval.compareTo(Duration.ofDays(1)) <= 0);
    Fuzz.attempt(
        "HsmConfig (passphraseFromEnv)",
        () -> base.passphraseFromEnv(passphraseEnv),
        InvalidArgumentException.class);
    Fuzz.Outcome<HsmConfig> stretched =
        Fuzz.attempt(
            "HsmConfig (argon2)",
            () ->
                base.passphrase("fuzz")
                    .argon2(new Argon2Parameters(memoryKib, iterations, parallelism)),
            InvalidArgumentException.class);
    assertThat(stretched.worked())
        .isEqualTo(
            parallelism >= 1
                && parallelism <= Argon2Parameters.MAX_PARALLELISM
                && iterations >= 1
                && iterations <= Argon2Parameters.MAX_ITERATIONS
                && memoryKib >= 8L * parallelism
                && memoryKib <= Argon2Parameters.MAX_MEMORY_KIB);
  }

  @Provide
  Arbitrary<Map<String, KeyProperties>> declaredForAStore() {
    // Keys that are quick to make (no RSA key is generated), under names that often exist already.
    Set<Algorithm> quick = EnumSet.allOf(Algorithm.class);
    quick.removeIf(Algorithm::isRsa);
    quick.add(Algorithm.RSA_PSS_SHA256); // declared as "existing-rsa" only, see below
    Arbitrary<String> names =
        Arbitraries.oneOf(
            Arbitraries.of("existing-aes", "existing-rsa", "a", "b", "c.d", "e_f-1"),
            Arbitraries.of("", "a b", "-x", "x".repeat(129), "ü", "a/b"),
            Arbitraries.strings().withChars("ab1._- ").ofMaxLength(5));
    return Arbitraries.maps(names, keys(quick))
        .ofMaxSize(3)
        .map(
            keys -> {
              Map<String, KeyProperties> out = new LinkedHashMap<>(keys);
              out.entrySet()
                  .removeIf(
                      e ->
                          e.getValue().getAlgorithm() != null
                              && e.getValue().getAlgorithm().isRsa()
                              && !e.getKey().equals("existing-rsa"));
              return out;
            });
  }

  @Property
  void declaredKeys_areAllEnsured_orNoneIsCreated(
      @ForAll("declaredForAStore") Map<String, KeyProperties> keys) {
    CommonHsmProperties properties = new CommonHsmProperties();
    properties.getKeys().putAll(keys);
    Map<String, KeySpec> specs;
    try {
      specs = properties.keySpecs();
    } catch (InvalidHsmPropertyException e) {
      return; // the property above checks these
    }
    List<String> warnings = new ArrayList<>();
    Fuzz.Snapshot before = store.snapshot();
    Fuzz.Outcome<DeclaredKeys> declared =
        Fuzz.attempt(
            "declared keys (DeclaredKeys.ensure)",
            () -> DeclaredKeys.ensure(hsm, specs, warnings::add),
            KeyAlreadyExistsException.class,
            InvalidArgumentException.class);
    if (declared.worked()) {
      assertThat(declared.result().all().keySet()).containsExactlyElementsOf(specs.keySet());
      specs.forEach(
          (name, spec) -> {
            KeyHandle key = hsm.key(name);
            assertThat(key.info().algorithm()).isEqualTo(spec.algorithm());
            assertThat(key.info().operations()).isEqualTo(spec.operations());
            use(key);
            assertThat(key.info().versions()).as("no rotation is due (%s)", spec).hasSize(1);
          });
    } else {
      store.assertUnchangedSince(before, "a refused declaration");
    }
  }

  /** Makes an output with the key's primary version, as far as its operations allow. */
  private static void use(KeyHandle key) {
    Set<Operation> operations = key.info().operations();
    if (operations.contains(Operation.ENCRYPT)) {
      key.encrypt(new byte[1]);
    } else if (operations.contains(Operation.SIGN)) {
      if (key.info().algorithm().kind() == Algorithm.Kind.MAC) {
        key.mac(new byte[1]);
      } else {
        key.sign(new byte[1]);
      }
    }
  }
}
