package dev.hsm.spring.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.pkcs11.SoftHsm;
import dev.hsm.spring.HsmAutoConfiguration;
import dev.hsm.spring.TestStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code hsm.pkcs11.*} puts the starter's keys in a PKCS#11 token (SoftHSM2, set up by hsm-pkcs11's
 * test-jar): the declared keys are created there and sign through it.
 */
class Pkcs11PropertiesTest {
  @TempDir Path dir;

  @BeforeAll
  static void token() {
    SoftHsm.assumeAvailable();
  }

  @Test
  void declaredKeys_areMadeAndUsedInTheToken() throws Exception {
    Path pin = Files.writeString(dir.resolve("pin"), SoftHsm.PIN, StandardCharsets.UTF_8);
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HsmAutoConfiguration.class))
        .withPropertyValues(TestStores.storeIn(dir))
        .withPropertyValues(
            "hsm.pkcs11.library=" + SoftHsm.library(),
            "hsm.pkcs11.slot=" + SoftHsm.slot(),
            "hsm.pkcs11.pin-file=" + pin,
            "hsm.keys.receipts.algorithm=ECDSA_P256_SHA256")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              HsmClient hsm = context.getBean(HsmClient.class);
              assertThat(hsm.cryptoProvider(Algorithm.ECDSA_P256_SHA256)).contains("SunPKCS11");
              KeyHandle receipts =
                  BeanFactoryAnnotationUtils.qualifiedBeanOfType(
                      context.getBeanFactory(), KeyHandle.class, "receipts");
              byte[] data = "paid".getBytes(StandardCharsets.UTF_8);
              receipts.verify(data, receipts.sign(data));
            });
  }
}
