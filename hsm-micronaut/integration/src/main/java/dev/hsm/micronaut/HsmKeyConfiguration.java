package dev.hsm.micronaut;

import dev.hsm.config.KeyProperties;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.context.env.Environment;
import io.micronaut.core.convert.format.MapFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One declared key, {@code hsm.keys.<name>.*}, bound by Micronaut into hsm-core's {@link
 * KeyProperties}. Each is created at start-up if missing and must match the store otherwise; each
 * gives a {@code KeyHandle} bean named {@code <name>}.
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
public class HsmKeyConfiguration extends KeyProperties {
  private final String name;

  /** Created by Micronaut for each {@code hsm.keys.<name>}. */
  public HsmKeyConfiguration(@Parameter String name) {
    this.name = name;
  }

  /** The key's name in the store, and the bean's {@code @Named} qualifier. */
  public String getName() {
    return name;
  }

  /**
   * Sets {@code labels}; flat, so a label may contain dots ({@code labels.cost.center=42} is the
   * label {@code cost.center}).
   */
  @Override
  public void setLabels(
      @MapFormat(transformation = MapFormat.MapTransformation.FLAT) Map<String, String> labels) {
    super.setLabels(labels);
  }

  /**
   * Refuses a property under {@code hsm.keys.<name>.} that a key does not take (a misspelled {@code
   * algoritm}), with hsm-core's {@link KeyProperties#requireProperty}, as the Spring Boot starter
   * does: Micronaut would ignore it.
   *
   * @throws dev.hsm.config.InvalidHsmPropertyException naming the first such property
   */
  static void requireKnownProperties(Environment environment) {
    for (String key : environment.getPropertyEntries("hsm.keys")) {
      for (String property : environment.getPropertyEntries("hsm.keys." + key)) {
        requireKnownProperty(
            environment, key, "hsm.keys." + key + "." + property, List.of(property));
      }
    }
  }

  /**
   * Checks {@code elements}, the name after {@code hsm.keys.<key>.}; a name that is not a key
   * property yet is checked again with each of its sub-entries, which together may spell one (an
   * environment variable's {@code rotation.period}).
   */
  private static void requireKnownProperty(
      Environment environment, String key, String path, List<String> elements) {
    if (KeyProperties.isProperty(elements)) {
      return;
    }
    var children = environment.getPropertyEntries(path);
    if (children.isEmpty() || elements.size() >= 4) {
      KeyProperties.requireProperty(key, elements);
      return;
    }
    for (String child : children) {
      List<String> longer = new ArrayList<>(elements);
      longer.add(child);
      requireKnownProperty(environment, key, path + "." + child, longer);
    }
  }

  @Override
  public String toString() {
    return "HsmKeyConfiguration[" + name + " " + getAlgorithm() + "]";
  }
}
