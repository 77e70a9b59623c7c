package dev.hsm.jca;

import dev.hsm.HsmClient;
import dev.hsm.InvalidArgumentException;
import java.nio.file.Path;
import java.security.InvalidParameterException;
import java.security.Provider;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HSM's JCA provider, named {@value #NAME}: a {@code KeyStore} of type {@value #KEYSTORE_TYPE}
 * over a store's keys, {@code Signature}s for every signature algorithm the HSM has ({@code
 * SHA256withECDSA} with DER output and {@code SHA256withECDSAinP1363Format}, {@code Ed25519},
 * {@code SHA256withRSA}, {@code RSASSA-PSS}, {@code ML-DSA-65}...), {@code HmacSHA256/384/512} and
 * {@code RSA/ECB/OAEPWithSHA-256AndMGF1Padding} (decryption). There is no AES {@code Cipher}: it
 * would leave nonces to callers; use {@code KeyHandle.encrypt}.
 *
 * <p>Its services accept only this provider's keys (those its {@code KeyStore} returns), so adding
 * it beside the JDK's providers changes nothing for other keys. Every operation goes through the
 * HSM's policy gate: the key must allow {@code SIGN_STANDARD} (signatures, MACs) or {@code
 * DECRYPT}, be enabled, and the version be enabled; refusals are audited. The library never
 * installs it: applications call {@code Security.addProvider(new HsmProvider(hsm))} or pass it to
 * {@code getInstance}, and keytool and jarsigner take {@code -providerClass dev.hsm.jca.HsmProvider
 * -providerArg <properties file>} (see {@code docs/JCA.md}).
 */
public final class HsmProvider extends Provider {
  private static final long serialVersionUID = 1L;

  /** The provider's name. */
  public static final String NAME = "DevHsm";

  /** The key store type. */
  public static final String KEYSTORE_TYPE = "DevHsm";

  private static final String KEY_CLASSES =
      HsmPrivateKey.class.getName() + "|" + HsmSecretKey.class.getName();

  private final transient HsmClient client;
  private final transient Path configFile;

  /**
   * A provider whose key store is given its store when loaded: with an {@link
   * HsmKeyStoreParameter}, or a properties stream ({@code hsm.store.path=...}).
   */
  public HsmProvider() {
    this(null, null);
  }

  /** A provider whose key store, loaded with {@code load(null)}, shows {@code client}'s keys. */
  public HsmProvider(HsmClient client) {
    this(requireClient(client), null);
  }

  private HsmProvider(HsmClient client, Path configFile) {
    super(NAME, "1.0", "Embedded software HSM: key store, signatures, MACs, RSA-OAEP decryption");
    this.client = client;
    this.configFile = configFile;
    Map<String, String> keyClasses = Map.of("SupportedKeyClasses", KEY_CLASSES);
    putService(
        new HsmService(
            this,
            "KeyStore",
            KEYSTORE_TYPE,
            HsmKeyStore.class,
            Map.of(),
            () -> new HsmKeyStore(this)));
    JcaNames.SIGNATURES.forEach(
        (name, service) ->
            putService(
                new HsmService(
                    this,
                    "Signature",
                    name,
                    StandardSignature.class,
                    keyClasses,
                    () -> new StandardSignature(name, service))));
    JcaNames.MACS.forEach(
        (name, algorithm) ->
            putService(
                new HsmService(
                    this,
                    "Mac",
                    name,
                    StandardMac.class,
                    keyClasses,
                    () -> new StandardMac(name, algorithm))));
    putService(
        new HsmService(
            this,
            "Cipher",
            "RSA/ECB/OAEPWithSHA-256AndMGF1Padding",
            OaepDecryption.class,
            keyClasses,
            OaepDecryption::new));
  }

  private static HsmClient requireClient(HsmClient client) {
    InvalidArgumentException.requireNonNull(client, "client");
    return client;
  }

  /**
   * A provider whose key store opens the store described by the properties file {@code configArg}
   * (what keytool's and jarsigner's {@code -providerArg} calls). Relative paths in the file are
   * resolved against its directory.
   *
   * @throws InvalidParameterException if this provider already has a store or a configuration
   */
  @Override
  public Provider configure(String configArg) {
    if (client != null || configFile != null) {
      throw new InvalidParameterException("the DevHsm provider is configured already");
    }
    if (configArg == null || configArg.isBlank()) {
      throw new InvalidParameterException("give the path of a DevHsm properties file");
    }
    return new HsmProvider(null, Path.of(configArg.trim()));
  }

  HsmClient client() {
    return client;
  }

  Path configFile() {
    return configFile;
  }

  /** A service that builds its implementation directly (no reflection, no public classes). */
  private static final class HsmService extends Provider.Service {
    private final Supplier<Object> factory;

    HsmService(
        Provider provider,
        String type,
        String algorithm,
        Class<?> implementation,
        Map<String, String> attributes,
        Supplier<Object> factory) {
      super(provider, type, algorithm, implementation.getName(), List.of(), attributes);
      this.factory = factory;
    }

    @Override
    public Object newInstance(Object constructorParameter) {
      return factory.get();
    }
  }
}
