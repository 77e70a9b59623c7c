package dev.hsm.cli;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.jca.HsmKeyStoreParameter;
import dev.hsm.jca.HsmPrivateKey;
import dev.hsm.jca.HsmProvider;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;

/** Which version of a key signs through the JCA, and its private key handle there. */
final class KeyVersions {
  private KeyVersions() {}

  /**
   * The handle of {@code version} of the key, or without a version of the one the {@code DevHsm}
   * key store presents: the newest enabled version that has a certificate chain, else the primary.
   */
  static HsmPrivateKey privateKey(
      HsmClient hsm, HsmProvider provider, KeyHandle key, Integer version)
      throws GeneralSecurityException {
    if (version != null) {
      return HsmPrivateKey.forVersion(key, version);
    }
    KeyStore keyStore = KeyStore.getInstance(HsmProvider.KEYSTORE_TYPE, provider);
    try {
      keyStore.load(HsmKeyStoreParameter.of(hsm));
    } catch (IOException e) {
      throw new IllegalStateException("the DevHsm key store does not load", e);
    }
    Key handle = keyStore.getKey(key.name(), null);
    if (handle instanceof HsmPrivateKey) {
      return (HsmPrivateKey) handle;
    }
    return HsmPrivateKey.forVersion(key, key.info().primaryVersion()); // says why it has none
  }

  /** {@code version}, or the version the JCA presents (see {@link #privateKey}). */
  static int presented(HsmClient hsm, KeyHandle key, Integer version)
      throws GeneralSecurityException {
    if (version != null) {
      return version;
    }
    return privateKey(hsm, new HsmProvider(hsm), key, null).version();
  }

  /** The one line to show when a version has no certificate chain: how to give it one. */
  static String noCertificate(String name, int version) {
    return "key '"
        + name
        + "' version "
        + version
        + " has no certificate: make a self-signed one with hsm cert self-sign "
        + name
        + " --subject DN, or have a CA issue one (hsm cert csr "
        + name
        + ") and attach it with hsm cert attach "
        + name
        + " --chain FILE";
  }
}
