package dev.hsm.spring;

import dev.hsm.config.CommonHsmProperties;
import dev.hsm.config.Pkcs11Properties;
import dev.hsm.config.StoreProperties;
import dev.hsm.config.UnlockProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The {@code hsm.*} properties, bound by Spring Boot: where the store is, how it is unlocked, and
 * the keys the application declares. The model, its defaults, checks and messages are hsm-core's
 * {@link CommonHsmProperties}, which the Micronaut module binds too; this class only gives it its
 * prefix.
 *
 * <pre>
 * hsm.store.path=app-hsm.db
 * # or, shared by many instances (add dev.hsm:hsm-postgresql):
 * # hsm.store.url=jdbc:postgresql://db.internal:5432/app, hsm.store.user, hsm.store.password
 * # (or HSM_STORE_PASSWORD), hsm.store.schema; or hsm.store.data-source=application
 * hsm.unlock.passphrase-env=HSM_PASSPHRASE
 * # keys in a PKCS#11 token (add dev.hsm:hsm-pkcs11): hsm.pkcs11.library, hsm.pkcs11.slot and
 * # hsm.pkcs11.pin-env or hsm.pkcs11.pin-file
 * hsm.keys.receipts.algorithm=ECDSA_P256_SHA256
 * hsm.keys.pii.algorithm=AES_256_GCM
 * </pre>
 *
 * <p>The configuration processor cannot read javadoc or field defaults from another module's
 * classes, so the descriptions and defaults IDEs show come from {@code
 * META-INF/additional-spring-configuration-metadata.json}; {@code ConfigurationMetadataTest} checks
 * them against the core's defaults. The processor merges that file when it compiles this module, so
 * a change to it shows in the generated metadata after a clean build. The groups' getters are
 * declared again here only to mark them nested for the processor, which otherwise takes a group of
 * another class for a single value and leaves its properties untyped.
 */
@ConfigurationProperties("hsm")
public class HsmProperties extends CommonHsmProperties {
  @Override
  @NestedConfigurationProperty
  public StoreProperties getStore() {
    return super.getStore();
  }

  @Override
  @NestedConfigurationProperty
  public UnlockProperties getUnlock() {
    return super.getUnlock();
  }

  @Override
  @NestedConfigurationProperty
  public Pkcs11Properties getPkcs11() {
    return super.getPkcs11();
  }
}
