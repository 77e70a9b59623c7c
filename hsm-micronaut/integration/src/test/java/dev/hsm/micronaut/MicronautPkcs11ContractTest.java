package dev.hsm.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.contract.AnnotatedServiceContract;
import dev.hsm.contract.ContractService;
import dev.hsm.pkcs11.SoftHsm;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * hsm-core's behavioural contract for the starters with the keys in a PKCS#11 token (SoftHSM2,
 * through {@code hsm.pkcs11.*}): {@code receipts} and {@code pii} live in the token; the
 * post-quantum keys and the searchable field's AES-GCM-SIV key, which no PKCS#11 mechanism holds,
 * are named in {@code hsm.pkcs11.software-algorithms}.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MicronautPkcs11ContractTest extends AnnotatedServiceContract implements TestPropertyProvider {
  @Inject ContractService service;
  @Inject HsmClient hsm;

  @Inject
  @Named("receipts")
  KeyHandle receipts;

  @Override
  public Map<String, String> getProperties() {
    SoftHsm.assumeAvailable();
    Path dir = TestHsm.newDirectory();
    Path pin;
    try {
      pin = Files.writeString(dir.resolve("pin"), SoftHsm.PIN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> properties = new HashMap<>();
    TestHsm.properties(dir).forEach((k, v) -> properties.put(k, v.toString()));
    properties.put("hsm.pkcs11.library", SoftHsm.library().toString());
    properties.put("hsm.pkcs11.token-label", SoftHsm.LABEL);
    properties.put("hsm.pkcs11.pin-file", pin.toString());
    properties.put("hsm.pkcs11.software-algorithms", "AES_256_GCM_SIV,ML_DSA_65,ML_KEM_768_X25519");
    return properties;
  }

  @Override
  protected ContractService service() {
    return service;
  }

  @Override
  protected HsmClient hsm() {
    return hsm;
  }

  @Override
  protected KeyHandle receiptsKey() {
    return receipts;
  }

  @Test
  void theContractsKeys_areInTheToken() {
    assertThat(hsm.cryptoProvider(Algorithm.ECDSA_P256_SHA256)).contains("SunPKCS11");
    assertThat(hsm.cryptoProvider(Algorithm.AES_256_GCM)).contains("SunPKCS11");
    assertThat(hsm.cryptoProvider(Algorithm.ML_DSA_65)).contains("software custody");
  }
}
