package dev.hsm.spring.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.contract.AnnotatedServiceContract;
import dev.hsm.contract.ContractService;
import dev.hsm.spring.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * The behavioural contract both starters run (from hsm-core's test-jar), against a full Spring Boot
 * application: auto-configuration from the imports file, the service proxied by the starter's
 * post-processor, keys declared in properties.
 */
@SpringBootTest(classes = ContractApplication.class)
class SpringBootContractTest extends AnnotatedServiceContract {
  private static final Path DIR = createDir();

  @Autowired ContractService service;
  @Autowired HsmClient hsm;

  @Autowired
  @Qualifier("receipts")
  KeyHandle receipts;

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    for (String property : TestStores.storeIn(DIR)) {
      String[] nameValue = property.split("=", 2);
      registry.add(nameValue[0], () -> nameValue[1]);
    }
    registry.add("hsm.keys.receipts.algorithm", () -> "ECDSA_P256_SHA256");
    registry.add("hsm.keys.pii.algorithm", () -> "AES_256_GCM");
    registry.add("hsm.keys.pq-receipts.algorithm", () -> "ML_DSA_65");
    registry.add("hsm.keys.pq-pii.algorithm", () -> "ML_KEM_768_X25519");
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
  void service_isTheStartersProxy() {
    assertThat(AopUtils.isAopProxy(service)).isTrue();
  }

  private static Path createDir() {
    try {
      return Files.createTempDirectory("hsm-spring-contract");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void cleanUp() {
    // The context (and its open store) may be cached for other classes; the files are small.
    FileSystemUtils.deleteRecursively(DIR.toFile());
  }
}
