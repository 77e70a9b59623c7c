package dev.hsm.config;

import dev.hsm.Algorithm;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hsm.keys.<name>.*}: one declared key. Created at start-up if the store lacks it, checked
 * against the store otherwise.
 *
 * <pre>
 * hsm.keys.receipts.algorithm=ECDSA_P256_SHA256
 * hsm.keys.receipts.operations=SIGN,VERIFY        # default: all the algorithm can do
 * hsm.keys.receipts.extractable=false             # default
 * hsm.keys.receipts.rotation-period=90d           # default: none
 * hsm.keys.receipts.labels.team=billing
 * hsm.keys.legacy.algorithm=RSA_PSS_SHA256
 * hsm.keys.legacy.rsa-modulus-bits=3072           # RSA only, and required there
 * </pre>
 */
public class KeyProperties {
  /**
   * The properties a key takes after {@code hsm.keys.<name>.}, in kebab-case; {@code labels} takes
   * a label's name after it.
   */
  public static final List<String> PROPERTIES =
      List.of(
          "algorithm",
          "rsa-modulus-bits",
          "operations",
          "extractable",
          "rotation-period",
          "labels");

  /** The algorithm, e.g. ECDSA_P256_SHA256, ED25519, AES_256_GCM, AES_256_GCM_SIV. */
  private Algorithm algorithm;

  /** RSA modulus size in bits (2048, 3072 or 4096); RSA algorithms only, and required there. */
  private Integer rsaModulusBits;

  /** The operations the key allows; by default all its algorithm can do. */
  private List<Operation> operations = new ArrayList<>();

  /** Whether the key is marked extractable. */
  private boolean extractable = false;

  /** Automatic rotation period (at least one hour); none by default. */
  private Duration rotationPeriod;

  /** Free-form labels recorded with the key. */
  private Map<String, String> labels = new LinkedHashMap<>();

  /** {@code algorithm}: an {@link Algorithm} name such as {@code AES_256_GCM}; required. */
  public Algorithm getAlgorithm() {
    return algorithm;
  }

  /** Sets {@code algorithm}. */
  public void setAlgorithm(Algorithm algorithm) {
    this.algorithm = algorithm;
  }

  /** {@code rsa-modulus-bits}: 2048, 3072 or 4096, for RSA algorithms only. */
  public Integer getRsaModulusBits() {
    return rsaModulusBits;
  }

  /** Sets {@code rsa-modulus-bits}. */
  public void setRsaModulusBits(Integer rsaModulusBits) {
    this.rsaModulusBits = rsaModulusBits;
  }

  /** {@code operations}: the allowed operations; empty for all the algorithm can do. */
  public List<Operation> getOperations() {
    return operations;
  }

  /** Sets {@code operations}. */
  public void setOperations(List<Operation> operations) {
    this.operations = operations == null ? new ArrayList<>() : new ArrayList<>(operations);
  }

  /** {@code extractable}: default {@code false}. */
  public boolean isExtractable() {
    return extractable;
  }

  /** Sets {@code extractable}. */
  public void setExtractable(boolean extractable) {
    this.extractable = extractable;
  }

  /** {@code rotation-period}: automatic rotation, at least one hour; default none. */
  public Duration getRotationPeriod() {
    return rotationPeriod;
  }

  /** Sets {@code rotation-period}. */
  public void setRotationPeriod(Duration rotationPeriod) {
    this.rotationPeriod = rotationPeriod;
  }

  /** {@code labels.<label>}: free-form labels. */
  public Map<String, String> getLabels() {
    return labels;
  }

  /** Sets {@code labels}. */
  public void setLabels(Map<String, String> labels) {
    this.labels = labels == null ? new LinkedHashMap<>() : new LinkedHashMap<>(labels);
  }

  /**
   * The spec these properties describe for the key {@code name}.
   *
   * @throws InvalidHsmPropertyException naming {@code hsm.keys.<name>.<property>}, if the
   *     properties are incomplete or contradict each other
   */
  public KeySpec toSpec(String name) {
    String prefix = "hsm.keys." + name + ".";
    if (algorithm == null) {
      throw new InvalidHsmPropertyException(
          prefix + "algorithm",
          prefix + "algorithm is required (e.g. ECDSA_P256_SHA256, AES_256_GCM)");
    }
    if (algorithm.isRsa() && rsaModulusBits == null) {
      throw new InvalidHsmPropertyException(
          prefix + "rsa-modulus-bits",
          prefix + "rsa-modulus-bits is required for " + algorithm + " (2048, 3072 or 4096)");
    }
    if (!algorithm.isRsa() && rsaModulusBits != null) {
      throw new InvalidHsmPropertyException(
          prefix + "rsa-modulus-bits",
          prefix + "rsa-modulus-bits applies to RSA algorithms only, not " + algorithm);
    }
    KeySpec spec =
        CommonHsmProperties.checked(
            prefix + "rsa-modulus-bits",
            () ->
                algorithm.isRsa() ? KeySpec.rsa(algorithm, rsaModulusBits) : KeySpec.of(algorithm));
    if (!operations.isEmpty()) {
      KeySpec all = spec;
      spec =
          CommonHsmProperties.checked(
              prefix + "operations",
              () ->
                  all.withOperations(
                      operations.get(0),
                      operations.subList(1, operations.size()).toArray(new Operation[0])));
    }
    spec = spec.withExtractable(extractable);
    if (rotationPeriod != null) {
      KeySpec unrotated = spec;
      spec =
          CommonHsmProperties.checked(
              prefix + "rotation-period", () -> unrotated.withRotationPeriod(rotationPeriod));
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      KeySpec before = spec;
      spec =
          CommonHsmProperties.checked(
              prefix + "labels." + label.getKey(),
              () -> before.withLabel(label.getKey(), label.getValue()));
    }
    return spec;
  }

  /**
   * Whether a property set under {@code hsm.keys.<name>.} is one a key takes. Frameworks ignore a
   * property they cannot bind (Spring Boot even drops a key none of whose properties it can bind),
   * so each starter passes every such property of the application's configuration to {@link
   * #requireProperty} at start-up.
   *
   * @param elements the property's name after {@code hsm.keys.<name>.}, split at its dots, as the
   *     framework spells it: {@code [algorithm]}, {@code [labels, team]}; case, dashes and
   *     underscores do not matter ({@code rotationPeriod}, {@code ROTATION_PERIOD}). Since an
   *     environment variable cannot tell a dash from a dot ({@code HSM_KEYS_PII_ROTATION_PERIOD} is
   *     read as {@code rotation.period} too), elements that together spell a property are accepted
   *     as well.
   */
  public static boolean isProperty(List<String> elements) {
    StringBuilder joined = new StringBuilder();
    for (int i = 0; i < elements.size(); i++) {
      joined.append(uniform(elements.get(i)));
      for (String property : PROPERTIES) {
        if (uniform(property).contentEquals(joined)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Refuses a property set under {@code hsm.keys.<name>.} that a key does not take (a misspelled
   * one), which the framework would otherwise ignore.
   *
   * @param key the key's name
   * @param elements the property's name after {@code hsm.keys.<name>.}, as for {@link #isProperty}
   * @throws InvalidHsmPropertyException naming the property, the properties a key takes, and the
   *     one it most likely meant
   */
  public static void requireProperty(String key, List<String> elements) {
    if (elements.isEmpty() || isProperty(elements)) {
      return;
    }
    String prefix = "hsm.keys." + key + ".";
    String rest =
        elements.size() == 1 ? "" : "." + String.join(".", elements.subList(1, elements.size()));
    String name = prefix + elements.get(0) + rest;
    String closest = closest(elements.get(0));
    throw new InvalidHsmPropertyException(
        name,
        name
            + " is not a key property: a key takes "
            + String.join(", ", PROPERTIES)
            + ".<label>"
            + (closest == null
                ? "; check its spelling"
                : "; did you mean " + prefix + closest + rest + "?"));
  }

  /** The key property {@code element} is most likely a misspelling of, or null. */
  private static String closest(String element) {
    String spelled = uniform(element);
    String closest = null;
    int best = Math.max(2, spelled.length() / 4) + 1;
    for (String property : PROPERTIES) {
      int distance = editDistance(spelled, uniform(property));
      if (distance < best) {
        best = distance;
        closest = property;
      }
    }
    return closest;
  }

  /** Lower case, letters and digits only: how names compare whatever their form. */
  private static String uniform(String element) {
    StringBuilder uniform = new StringBuilder(element.length());
    for (char c : element.toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        uniform.append(Character.toLowerCase(c));
      }
    }
    return uniform.toString();
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  @Override
  public String toString() {
    return "Key[" + algorithm + "]";
  }
}
