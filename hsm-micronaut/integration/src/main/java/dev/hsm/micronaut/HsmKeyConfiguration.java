package dev.hsm.micronaut;

import dev.hsm.Algorithm;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.convert.format.MapFormat;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One declared key, {@code hsm.keys.<name>.*}. Each is created at start-up if missing and must
 * match the store otherwise; each gives a {@code KeyHandle} bean named {@code <name>}.
 *
 * <pre>
 * hsm.keys.receipts.algorithm=ECDSA_P256_SHA256
 * hsm.keys.receipts.operations=SIGN,VERIFY        # default: all the algorithm can do
 * hsm.keys.receipts.extractable=false             # default
 * hsm.keys.receipts.rotation-period=90d           # default: none
 * hsm.keys.receipts.labels.team=billing
 * hsm.keys.legacy.algorithm=RSA_PSS_SHA256
 * hsm.keys.legacy.rsa-modulus-bits=3072           # RSA only
 * </pre>
 */
@EachProperty("hsm.keys")
public class HsmKeyConfiguration {
  private final String name;
  private Algorithm algorithm;
  private Integer rsaModulusBits;
  private List<Operation> operations;
  private boolean extractable;
  private Duration rotationPeriod;
  private Map<String, String> labels = new LinkedHashMap<>();

  /** Created by Micronaut for each {@code hsm.keys.<name>}. */
  public HsmKeyConfiguration(@Parameter String name) {
    this.name = name;
  }

  /** The key's name in the store, and the bean's {@code @Named} qualifier. */
  public String getName() {
    return name;
  }

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

  /** {@code operations}: the allowed operations; default all the algorithm can do. */
  public List<Operation> getOperations() {
    return operations;
  }

  /** Sets {@code operations}. */
  public void setOperations(List<Operation> operations) {
    this.operations = operations;
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
  public void setLabels(
      @MapFormat(transformation = MapFormat.MapTransformation.FLAT) Map<String, String> labels) {
    this.labels = labels == null ? new LinkedHashMap<>() : new LinkedHashMap<>(labels);
  }

  /**
   * The spec to ensure in the store.
   *
   * @throws ConfigurationException naming {@code hsm.keys.<name>} if the settings are incomplete or
   *     contradict each other
   */
  public KeySpec toKeySpec() {
    try {
      return KeySpec.fromSettings(
          name, algorithm, rsaModulusBits, operations, extractable, rotationPeriod, labels);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "HsmKeyConfiguration[" + name + " " + algorithm + "]";
  }
}
