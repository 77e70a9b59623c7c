package dev.hsm.pkcs11;

import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The test token's objects as the JDK's PKCS#11 key store lists them, through a SunPKCS11 instance
 * of the tests' own (not the custody's): what is really in the token.
 */
final class TokenObjects {
  private static Provider provider;

  private TokenObjects() {}

  private static synchronized KeyStore keyStore() throws Exception {
    if (provider == null) {
      provider =
          Security.getProvider("SunPKCS11")
              .configure(
                  "--name = testview\nlibrary = \""
                      + SoftHsm.library()
                      + "\"\nslot = "
                      + SoftHsm.slot()
                      + "\n");
    }
    KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
    keyStore.load(null, SoftHsm.PIN.toCharArray());
    return keyStore;
  }

  /** The aliases of the token's entries that start with {@code prefix}, sorted. */
  static List<String> aliases(String prefix) throws Exception {
    return Collections.list(keyStore().aliases()).stream()
        .filter(alias -> alias.startsWith(prefix))
        .sorted()
        .collect(Collectors.toList());
  }

  /** Deletes an entry behind the custody's back, as someone with the token's PIN could. */
  static void delete(String alias) throws Exception {
    keyStore().deleteEntry(alias);
  }
}
