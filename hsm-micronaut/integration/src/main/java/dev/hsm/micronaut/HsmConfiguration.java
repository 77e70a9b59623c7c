package dev.hsm.micronaut;

import dev.hsm.config.CommonHsmProperties;
import dev.hsm.config.Pkcs11Properties;
import dev.hsm.config.StoreProperties;
import dev.hsm.config.UnlockProperties;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.util.List;

/**
 * The {@code hsm.*} settings, bound by Micronaut: where the store is, how to unlock it, the
 * client's cache and the declared keys. The model, its defaults, checks and messages are hsm-core's
 * {@link CommonHsmProperties}, which the Spring Boot starter binds too; this class and its nested
 * ones only tell Micronaut where to bind them.
 *
 * <pre>
 * hsm.store.path=hsm.db                      # default, relative to the working directory
 * hsm.store.url=jdbc:postgresql://db:5432/app # instead: PostgreSQL (add dev.hsm:hsm-postgresql),
 * hsm.store.user=app_hsm                      #   with user, password (HSM_STORE_PASSWORD), schema
 * hsm.store.data-source=application          # or: PostgreSQL through datasources.default
 * hsm.unlock.passphrase-env=HSM_PASSPHRASE   # exactly one of passphrase, passphrase-env, key-file
 * hsm.cache-size=10000
 * hsm.refresh-interval=1s
 * hsm.native-crypto=AUTO                     # AUTO, OFF or REQUIRED; see dev.hsm.NativeCrypto
 * hsm.pkcs11.library=/usr/lib/softhsm/libsofthsm2.so  # keys in a PKCS#11 token (hsm-pkcs11),
 * hsm.pkcs11.slot=1234567890                 #   with pin-env or pin-file
 * hsm.keys.receipts.algorithm=ECDSA_P256_SHA256   # see HsmKeyConfiguration
 * </pre>
 */
@ConfigurationProperties("hsm")
public class HsmConfiguration extends CommonHsmProperties {

  /** Created by Micronaut with the nested settings and each {@code hsm.keys.<name>}. */
  public HsmConfiguration(
      Store store, Unlock unlock, Pkcs11 pkcs11, List<HsmKeyConfiguration> keys) {
    super(store, unlock, pkcs11);
    for (HsmKeyConfiguration key : keys) {
      getKeys().put(key.getName(), key);
    }
  }

  /** {@code hsm.store.*}. */
  @ConfigurationProperties("store")
  public static class Store extends StoreProperties {}

  /** {@code hsm.unlock.*}. */
  @ConfigurationProperties("unlock")
  public static class Unlock extends UnlockProperties {}

  /** {@code hsm.pkcs11.*}: key custody in a PKCS#11 token (add dev.hsm:hsm-pkcs11). */
  @ConfigurationProperties("pkcs11")
  public static class Pkcs11 extends Pkcs11Properties {}
}
