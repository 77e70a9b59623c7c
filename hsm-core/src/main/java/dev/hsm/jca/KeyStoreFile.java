package dev.hsm.jca;

import dev.hsm.HsmConfig;
import dev.hsm.NativeCrypto;
import dev.hsm.config.CommonHsmProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The small properties file that tells the {@code KeyStore} where the store is and how it is
 * unlocked (for keytool's {@code -providerArg} or {@code -keystore}), with the same {@code hsm.*}
 * names as the framework starters:
 *
 * <pre>
 * hsm.store.path=app-hsm.db          # or hsm.store.url=jdbc:postgresql://... (hsm-postgresql)
 * hsm.unlock.key-file=app-hsm.key    # or hsm.unlock.passphrase-env; or none: the store password
 * </pre>
 *
 * Relative paths are resolved against the properties file's directory when it is named by a path
 * ({@code -providerArg}), else against the working directory.
 */
final class KeyStoreFile {
  static final List<String> NAMES =
      List.of(
          "hsm.store.path",
          "hsm.store.url",
          "hsm.store.user",
          "hsm.store.password",
          "hsm.store.schema",
          "hsm.unlock.passphrase",
          "hsm.unlock.passphrase-env",
          "hsm.unlock.key-file",
          "hsm.native-crypto");

  private KeyStoreFile() {}

  /**
   * The configuration {@code in} describes; {@code password}, if no unlock property is set, is the
   * store's passphrase.
   *
   * @param base the directory relative paths are resolved against, or {@code null}: as given
   * @throws IOException naming the property, if one is unknown or a value is wrong
   */
  static HsmConfig read(InputStream in, Path base, char[] password) throws IOException {
    Properties properties = new Properties();
    properties.load(in);
    for (String name : properties.stringPropertyNames()) {
      if (!NAMES.contains(name)) {
        throw new IOException(
            "unknown property '" + name + "' in the DevHsm key store properties; known: " + NAMES);
      }
    }
    CommonHsmProperties hsm = new CommonHsmProperties();
    String path = properties.getProperty("hsm.store.path");
    if (path != null) {
      hsm.getStore().setPath(resolve(base, path));
    }
    hsm.getStore().setUrl(properties.getProperty("hsm.store.url"));
    hsm.getStore().setUser(properties.getProperty("hsm.store.user"));
    hsm.getStore().setPassword(properties.getProperty("hsm.store.password"));
    if (properties.getProperty("hsm.store.schema") != null) {
      hsm.getStore().setSchema(properties.getProperty("hsm.store.schema"));
    }
    hsm.getUnlock().setPassphrase(properties.getProperty("hsm.unlock.passphrase"));
    hsm.getUnlock().setPassphraseEnv(properties.getProperty("hsm.unlock.passphrase-env"));
    String keyFile = properties.getProperty("hsm.unlock.key-file");
    if (keyFile != null) {
      hsm.getUnlock().setKeyFile(resolve(base, keyFile));
    }
    boolean unlockSet =
        properties.getProperty("hsm.unlock.passphrase") != null
            || properties.getProperty("hsm.unlock.passphrase-env") != null
            || keyFile != null;
    if (!unlockSet && password != null && password.length > 0) {
      hsm.getUnlock().setPassphrase(new String(password));
    }
    String nativeCrypto = properties.getProperty("hsm.native-crypto");
    try {
      if (nativeCrypto != null) {
        hsm.setNativeCrypto(NativeCrypto.valueOf(nativeCrypto.trim()));
      }
      return hsm.toConfig();
    } catch (RuntimeException e) {
      throw new IOException(
          "DevHsm key store properties: "
              + e.getMessage()
              + (unlockSet || (password != null && password.length > 0)
                  ? ""
                  : " (set hsm.unlock.key-file or hsm.unlock.passphrase-env, or give the store"
                      + " password)"),
          e);
    }
  }

  private static String resolve(Path base, String path) {
    Path given = Path.of(path.trim());
    return base == null || given.isAbsolute() ? given.toString() : base.resolve(given).toString();
  }
}
