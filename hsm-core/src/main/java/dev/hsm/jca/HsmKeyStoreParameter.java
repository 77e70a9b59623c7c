package dev.hsm.jca;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.InvalidArgumentException;
import java.security.KeyStore;

/**
 * What {@code KeyStore.load} opens for the {@code DevHsm} key store type: an {@link HsmClient} the
 * application already has (it stays the application's to close), or an {@link HsmConfig} that the
 * key store opens itself (and closes when the JVM exits). Immutable.
 *
 * <pre>
 * KeyStore keyStore = KeyStore.getInstance("DevHsm", provider);
 * keyStore.load(HsmKeyStoreParameter.of(hsm));
 * </pre>
 */
public final class HsmKeyStoreParameter implements KeyStore.LoadStoreParameter {
  private final HsmClient client;
  private final HsmConfig config;

  private HsmKeyStoreParameter(HsmClient client, HsmConfig config) {
    this.client = client;
    this.config = config;
  }

  /** The key store shows {@code client}'s keys; closing the client is left to its owner. */
  public static HsmKeyStoreParameter of(HsmClient client) {
    InvalidArgumentException.requireNonNull(client, "client");
    return new HsmKeyStoreParameter(client, null);
  }

  /** The key store opens the store {@code config} describes. */
  public static HsmKeyStoreParameter of(HsmConfig config) {
    InvalidArgumentException.requireNonNull(config, "config");
    return new HsmKeyStoreParameter(null, config);
  }

  HsmClient client() {
    return client;
  }

  HsmConfig config() {
    return config;
  }

  /** The store is unlocked by the client or configuration, not by a key store password. */
  @Override
  public KeyStore.ProtectionParameter getProtectionParameter() {
    return null;
  }

  @Override
  public String toString() {
    return "HsmKeyStoreParameter[" + (client != null ? client : config) + "]";
  }
}
