package dev.hsm.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.contract.AnnotatedServiceContract;
import dev.hsm.contract.ContractService;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** hsm-core's behavioural contract for the starters, run through Micronaut's AOP proxies. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MicronautContractTest extends AnnotatedServiceContract implements TestPropertyProvider {
  @Inject ContractService service;
  @Inject HsmClient hsm;

  @Inject
  @Named("receipts")
  KeyHandle receipts;

  @Override
  public Map<String, String> getProperties() {
    Map<String, String> properties = new HashMap<>();
    TestHsm.properties(TestHsm.newDirectory()).forEach((k, v) -> properties.put(k, v.toString()));
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
  void theServiceIsMicronautsCompileTimeProxy() {
    // the contract only means something if the calls went through the interceptor
    assertThat(service.getClass().getName()).endsWith("$Intercepted");
  }
}
