package dev.hsm.spring.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.contract.AnnotatedServiceContract;
import dev.hsm.contract.ContractService;
import dev.hsm.pkcs11.SoftHsm;
import dev.hsm.spring.TestStores;
import dev.hsm.spring.contract.ContractApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * hsm-core's behavioural contract for the starters with the keys in a PKCS#11 token (SoftHSM2, set
 * up by hsm-pkcs11's test-jar, through {@code hsm.pkcs11.*}), as the Micronaut module runs it: the
 * same application as {@code SpringBootContractTest}; {@code receipts} and {@code pii} live in the
 * token, the post-quantum keys, which no PKCS#11 mechanism holds, are named in {@code
 * hsm.pkcs11.software-algorithms}. Skipped, with one loud line, where SoftHSM2 is missing.
 */
@SpringBootTest(classes = ContractApplication.class)
class SpringBootPkcs11ContractTest extends AnnotatedServiceContract {
  private static final Path DIR = createDir();

  @Autowired ContractService service;
  @Autowired HsmClient hsm;

  @Autowired
  @Qualifier("receipts")
  KeyHandle receipts;

  /** Runs before the context loads, so a missing SoftHSM2 skips the class instead of failing it. */
  @BeforeAll
  static void token() {
    SoftHsm.assumeAvailable();
  }

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) throws IOException {
    for (String property : TestStores.storeIn(DIR)) {
      String[] nameValue = property.split("=", 2);
      registry.add(nameValue[0], () -> nameValue[1]);
    }
    Path pin = Files.writeString(DIR.resolve("pin"), SoftHsm.PIN, StandardCharsets.UTF_8);
    registry.add("hsm.pkcs11.library", () -> SoftHsm.library().toString());
    registry.add("hsm.pkcs11.token-label", () -> SoftHsm.LABEL);
    registry.add("hsm.pkcs11.pin-file", pin::toString);
    registry.add("hsm.pkcs11.software-algorithms", () -> "ML_DSA_65,ML_KEM_768_X25519");
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
  void theContractsKeys_areInTheToken() {
    assertThat(hsm.cryptoProvider(Algorithm.ECDSA_P256_SHA256)).contains("SunPKCS11");
    assertThat(hsm.cryptoProvider(Algorithm.AES_256_GCM)).contains("SunPKCS11");
    assertThat(hsm.cryptoProvider(Algorithm.ML_DSA_65)).contains("software custody");
  }

  private static Path createDir() {
    try {
      return Files.createTempDirectory("hsm-spring-pkcs11");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void cleanUp() {
    // The context (and its open store) may be cached for other classes; the files are small.
    FileSystemUtils.deleteRecursively(DIR.toFile());
  }
}
