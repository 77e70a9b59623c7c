package dev.hsm.micronaut;

import dev.hsm.config.CommonHsmProperties;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.convert.format.MapFormat;
import java.util.Map;

/**
 * One declared key, {@code hsm.keys.<name>.*}, bound by Micronaut into hsm-core's {@link
 * CommonHsmProperties.Key}. Each is created at start-up if missing and must match the store
 * otherwise; each gives a {@code KeyHandle} bean named {@code <name>}.
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
public class HsmKeyConfiguration extends CommonHsmProperties.Key {
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

  @Override
  public String toString() {
    return "HsmKeyConfiguration[" + name + " " + getAlgorithm() + "]";
  }
}
