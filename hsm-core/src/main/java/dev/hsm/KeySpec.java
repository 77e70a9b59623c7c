package dev.hsm;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What kind of key to create or import: its algorithm, the operations it allows, whether it is
 * extractable, and free-form labels. Immutable; the {@code with...} methods return a copy.
 *
 * <pre>{@code
 * KeySpec.ecdsaP256()                                  // SIGN and VERIFY
 * KeySpec.aes256Gcm().withOperations(Operation.DECRYPT) // a decrypt-only key
 * KeySpec.rsaPssSha256(3072).withLabel("team", "billing")
 * }</pre>
 *
 * <p>By default a key allows every operation its algorithm can perform and is not extractable.
 */
public final class KeySpec {
  private static final Set<Integer> GENERATED_RSA_SIZES = Set.of(2048, 3072, 4096);
  private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final int MAX_LABEL_VALUE = 256;

  private final Algorithm algorithm;
  private final int rsaModulusBits;
  private final Set<Operation> operations;
  private final boolean extractable;
  private final Map<String, String> labels;
  private final Duration rotationPeriod;

  private KeySpec(
      Algorithm algorithm,
      int rsaModulusBits,
      Set<Operation> operations,
      boolean extractable,
      Map<String, String> labels,
      Duration rotationPeriod) {
    this.algorithm = algorithm;
    this.rsaModulusBits = rsaModulusBits;
    this.operations = Collections.unmodifiableSet(EnumSet.copyOf(operations));
    this.extractable = extractable;
    this.labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    this.rotationPeriod = rotationPeriod;
  }

  /**
   * A spec for {@code algorithm} with every operation it supports. For RSA algorithms use {@link
   * #rsa(Algorithm, int)}, which also names the modulus size.
   */
  public static KeySpec of(Algorithm algorithm) {
    InvalidArgumentException.requireNonNull(algorithm, "algorithm");
    if (algorithm.isRsa()) {
      throw new InvalidArgumentException(
          algorithm + " needs a modulus size: use KeySpec.rsa(" + algorithm + ", 3072)");
    }
    return new KeySpec(algorithm, 0, algorithm.kind().operations(), false, Map.of(), Duration.ZERO);
  }

  /** An RSA key spec; {@code modulusBits} is 2048, 3072 or 4096. */
  public static KeySpec rsa(Algorithm algorithm, int modulusBits) {
    InvalidArgumentException.requireNonNull(algorithm, "algorithm");
    if (!algorithm.isRsa()) {
      throw new InvalidArgumentException(algorithm + " is not an RSA algorithm");
    }
    if (!GENERATED_RSA_SIZES.contains(modulusBits)) {
      throw new InvalidArgumentException(
          "RSA modulus must be 2048, 3072 or 4096 bits, not " + modulusBits);
    }
    return new KeySpec(
        algorithm, modulusBits, algorithm.kind().operations(), false, Map.of(), Duration.ZERO);
  }

  /** AES-256-GCM for encrypt and decrypt. */
  public static KeySpec aes256Gcm() {
    return of(Algorithm.AES_256_GCM);
  }

  /**
   * Deterministic AES-256-GCM-SIV for encrypt and decrypt: equal plaintexts under equal contexts
   * give equal ciphertexts (see {@link Algorithm#AES_256_GCM_SIV}).
   */
  public static KeySpec aes256GcmSiv() {
    return of(Algorithm.AES_256_GCM_SIV);
  }

  /** ChaCha20-Poly1305 for encrypt and decrypt. */
  public static KeySpec chacha20Poly1305() {
    return of(Algorithm.CHACHA20_POLY1305);
  }

  /** HMAC-SHA-256 for computing and checking MACs. */
  public static KeySpec hmacSha256() {
    return of(Algorithm.HMAC_SHA256);
  }

  /** HMAC-SHA-384 for computing and checking MACs. */
  public static KeySpec hmacSha384() {
    return of(Algorithm.HMAC_SHA384);
  }

  /** HMAC-SHA-512 for computing and checking MACs. */
  public static KeySpec hmacSha512() {
    return of(Algorithm.HMAC_SHA512);
  }

  /** ECDSA P-256 with SHA-256 (JOSE {@code ES256}). */
  public static KeySpec ecdsaP256() {
    return of(Algorithm.ECDSA_P256_SHA256);
  }

  /** ECDSA P-384 with SHA-384 (JOSE {@code ES384}). */
  public static KeySpec ecdsaP384() {
    return of(Algorithm.ECDSA_P384_SHA384);
  }

  /** ECDSA P-521 with SHA-512 (JOSE {@code ES512}). */
  public static KeySpec ecdsaP521() {
    return of(Algorithm.ECDSA_P521_SHA512);
  }

  /** Ed25519 (JOSE {@code EdDSA}). */
  public static KeySpec ed25519() {
    return of(Algorithm.ED25519);
  }

  /** RSASSA-PKCS1-v1_5 with SHA-256 (JOSE {@code RS256}). */
  public static KeySpec rsaPkcs1Sha256(int modulusBits) {
    return rsa(Algorithm.RSA_PKCS1_SHA256, modulusBits);
  }

  /** RSASSA-PSS with SHA-256 (JOSE {@code PS256}). */
  public static KeySpec rsaPssSha256(int modulusBits) {
    return rsa(Algorithm.RSA_PSS_SHA256, modulusBits);
  }

  /** RSAES-OAEP with SHA-256 (JOSE {@code RSA-OAEP-256}). */
  public static KeySpec rsaOaepSha256(int modulusBits) {
    return rsa(Algorithm.RSA_OAEP_SHA256, modulusBits);
  }

  /** ML-DSA-44 (FIPS 204; JOSE {@code ML-DSA-44}), post-quantum signatures, category 2. */
  public static KeySpec mlDsa44() {
    return of(Algorithm.ML_DSA_44);
  }

  /** ML-DSA-65 (FIPS 204; JOSE {@code ML-DSA-65}), post-quantum signatures, category 3. */
  public static KeySpec mlDsa65() {
    return of(Algorithm.ML_DSA_65);
  }

  /** ML-DSA-87 (FIPS 204; JOSE {@code ML-DSA-87}), post-quantum signatures, category 5. */
  public static KeySpec mlDsa87() {
    return of(Algorithm.ML_DSA_87);
  }

  /**
   * SLH-DSA-SHA2-128s (FIPS 205; JOSE {@code SLH-DSA-SHA2-128s}): hash-based post-quantum
   * signatures, small (7,856 bytes) but slow to make.
   */
  public static KeySpec slhDsaSha2_128s() {
    return of(Algorithm.SLH_DSA_SHA2_128S);
  }

  /**
   * SLH-DSA-SHAKE-128f (FIPS 205; JOSE {@code SLH-DSA-SHAKE-128f}): hash-based post-quantum
   * signatures, faster to make but larger (17,088 bytes).
   */
  public static KeySpec slhDsaShake_128f() {
    return of(Algorithm.SLH_DSA_SHAKE_128F);
  }

  /**
   * Hybrid post-quantum encryption: HPKE with X-Wing (ML-KEM-768 + X25519) and AES-256-GCM, for
   * encrypt, decrypt and data keys.
   */
  public static KeySpec mlKem768X25519() {
    return of(Algorithm.ML_KEM_768_X25519);
  }

  /**
   * Post-quantum encryption: HPKE with ML-KEM-1024 and AES-256-GCM, for encrypt, decrypt, data
   * keys.
   */
  public static KeySpec mlKem1024() {
    return of(Algorithm.ML_KEM_1024);
  }

  /**
   * A copy that allows only {@code allowed}, which must be a non-empty subset of what the algorithm
   * can do (an AES key cannot be given {@link Operation#SIGN}). {@link Operation#SIGN_STANDARD}
   * goes only to signature keys (and HMAC keys, for standard tags), and alone: {@code
   * KeySpec.ecdsaP256() .withOperations(Operation.SIGN_STANDARD)}.
   *
   * @throws InvalidArgumentException if an operation does not fit the algorithm, or {@code
   *     SIGN_STANDARD} comes with another operation
   */
  public KeySpec withOperations(Operation first, Operation... more) {
    InvalidArgumentException.requireNonNull(first, "operation");
    InvalidArgumentException.requireNonNull(more, "operations");
    for (Operation operation : more) {
      InvalidArgumentException.requireNonNull(operation, "operation");
    }
    Set<Operation> allowed = EnumSet.of(first, more);
    if (allowed.contains(Operation.SIGN_STANDARD)) {
      if (algorithm.kind() != Algorithm.Kind.SIGNATURE && algorithm.kind() != Algorithm.Kind.MAC) {
        throw new InvalidArgumentException(
            algorithm
                + " keys cannot SIGN_STANDARD; only signature keys make standard signatures (and"
                + " HMAC keys standard tags)");
      }
      if (allowed.size() > 1) {
        // Its signatures of caller-chosen bytes would pass for envelopes and JWS: see Operation.
        throw new InvalidArgumentException(
            "a key that allows SIGN_STANDARD allows nothing else, not "
                + allowed
                + ": it signs whatever bytes it is given, so its signatures must never be trusted"
                + " as envelopes or JWS (docs/FORMATS.md, \"Standard signatures\"); use a"
                + " separate key for those");
      }
      return new KeySpec(algorithm, rsaModulusBits, allowed, extractable, labels, rotationPeriod);
    }
    for (Operation operation : allowed) {
      if (!algorithm.kind().operations().contains(operation)) {
        throw new InvalidArgumentException(
            algorithm
                + " keys cannot "
                + operation
                + "; they can "
                + algorithm.kind().operations());
      }
    }
    return new KeySpec(algorithm, rsaModulusBits, allowed, extractable, labels, rotationPeriod);
  }

  /**
   * A copy marked extractable. Recorded and integrity-protected with the key; wrapped export of
   * extractable keys is a later feature, and private material is never returned in clear.
   */
  public KeySpec withExtractable(boolean extractable) {
    return new KeySpec(algorithm, rsaModulusBits, operations, extractable, labels, rotationPeriod);
  }

  /**
   * A copy with one more label. Keys are lower-case {@code [a-z0-9._-]}, up to 63 characters;
   * values up to 256 characters.
   */
  public KeySpec withLabel(String key, String value) {
    InvalidArgumentException.requireNonNull(key, "label key");
    InvalidArgumentException.requireNonNull(value, "label value");
    if (!LABEL_KEY.matcher(key).matches()) {
      throw new InvalidArgumentException(
          "label key '" + key + "' must match " + LABEL_KEY.pattern());
    }
    if (value.length() > MAX_LABEL_VALUE) {
      throw new InvalidArgumentException(
          "label '" + key + "' is longer than " + MAX_LABEL_VALUE + " characters");
    }
    Map<String, String> copy = new TreeMap<>(labels);
    copy.put(key, value);
    return new KeySpec(algorithm, rsaModulusBits, operations, extractable, copy, rotationPeriod);
  }

  /**
   * A copy that rotates automatically: when the primary version is older than {@code period}, the
   * next use (or {@link HsmClient#applyDueChanges()}) adds a new primary version. At least one
   * hour; {@link Duration#ZERO} turns it off.
   */
  public KeySpec withRotationPeriod(Duration period) {
    return new KeySpec(
        algorithm, rsaModulusBits, operations, extractable, labels, checkRotationPeriod(period));
  }

  /** Validates a rotation period: zero, or at least an hour. */
  static Duration checkRotationPeriod(Duration period) {
    InvalidArgumentException.requireNonNull(period, "period");
    if (!period.isZero() && period.compareTo(Duration.ofHours(1)) < 0) {
      throw new InvalidArgumentException(
          "rotation period must be zero (off) or at least one hour, not " + period);
    }
    return period;
  }

  /** The automatic rotation period, {@link Duration#ZERO} for none. */
  public Duration rotationPeriod() {
    return rotationPeriod;
  }

  /** The algorithm. */
  public Algorithm algorithm() {
    return algorithm;
  }

  /** The RSA modulus size in bits, or 0 for other algorithms. */
  public int rsaModulusBits() {
    return rsaModulusBits;
  }

  /** The operations keys made from this spec allow. */
  public Set<Operation> operations() {
    return operations;
  }

  /** Whether keys made from this spec are marked extractable. */
  public boolean extractable() {
    return extractable;
  }

  /** Labels, sorted by key. */
  public Map<String, String> labels() {
    return labels;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeySpec
        && ((KeySpec) o).algorithm == algorithm
        && ((KeySpec) o).rsaModulusBits == rsaModulusBits
        && ((KeySpec) o).operations.equals(operations)
        && ((KeySpec) o).extractable == extractable
        && ((KeySpec) o).labels.equals(labels)
        && ((KeySpec) o).rotationPeriod.equals(rotationPeriod);
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, rsaModulusBits, operations, extractable, labels, rotationPeriod);
  }

  @Override
  public String toString() {
    return "KeySpec["
        + algorithm
        + (rsaModulusBits > 0 ? " " + rsaModulusBits : "")
        + " "
        + operations
        + (extractable ? " extractable" : "")
        + (labels.isEmpty() ? "" : " " + labels)
        + (rotationPeriod.isZero() ? "" : " rotate every " + rotationPeriod)
        + "]";
  }
}
