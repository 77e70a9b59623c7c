package dev.hsm.jca;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.HsmException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyState;
import dev.hsm.KeyVersionInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.KeyStoreSpi;
import java.security.PublicKey;
import java.security.UnrecoverableEntryException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code DevHsm} key store: a read-only view of a store's keys. Aliases are key names; each
 * asymmetric key's entry is a private key handle (no material) for one version with that version's
 * certificate chain, and each HMAC key's a secret key handle. Which version: the newest enabled one
 * that has a certificate chain, else the primary version (which has none). Keys, certificates and
 * versions are managed with the HSM's own API, not through {@code setEntry}.
 *
 * <p>Loaded with nothing to open ({@code load(null, null)} on a provider without a store), it is an
 * empty selection that takes entries of other DevHsm key stores, handles only: what frameworks
 * build to serve one alias of a key store.
 */
final class HsmKeyStore extends KeyStoreSpi {
  private final HsmProvider provider;
  private HsmClient client;

  /**
   * Entries copied in from another DevHsm key store (handles only), when this one was loaded with
   * nothing to open; {@code null} for a key store over a store. Frameworks build such a selection
   * to serve one alias (Micronaut's {@code key.alias}).
   */
  private Map<String, KeyStore.Entry> selection;

  HsmKeyStore(HsmProvider provider) {
    this.provider = provider;
  }

  // ---------------------------------------------------------------- loading

  @Override
  public void engineLoad(InputStream stream, char[] password) throws IOException {
    if (stream != null) {
      open(KeyStoreFile.read(stream, null, password));
    } else if (provider.client() != null) {
      client = provider.client();
    } else if (provider.configFile() != null) {
      Path file = provider.configFile();
      byte[] properties = Files.readAllBytes(file);
      Path base = file.toAbsolutePath().getParent();
      open(KeyStoreFile.read(new ByteArrayInputStream(properties), base, password));
    } else {
      // Nothing to open: an empty key store that takes entries of other DevHsm key stores.
      selection = new LinkedHashMap<>();
    }
  }

  @Override
  public void engineLoad(KeyStore.LoadStoreParameter param) throws IOException {
    if (param == null) {
      engineLoad(null, null);
      return;
    }
    if (!(param instanceof HsmKeyStoreParameter)) {
      throw new IllegalArgumentException(
          "the DevHsm key store is loaded with an HsmKeyStoreParameter, not " + param);
    }
    HsmKeyStoreParameter hsm = (HsmKeyStoreParameter) param;
    if (hsm.client() != null) {
      client = hsm.client();
    } else {
      open(hsm.config());
    }
  }

  private void open(HsmConfig config) throws IOException {
    try {
      HsmClient opened = HsmClient.open(config);
      // The JCA has no close for a key store: the client this store opened lives with the JVM.
      Runtime.getRuntime().addShutdownHook(new Thread(opened::close, "dev.hsm.jca close"));
      client = opened;
    } catch (HsmException e) {
      throw new IOException("cannot open the DevHsm key store: " + e.getMessage(), e);
    }
  }

  /** Nothing to write: every change is made, durably, through the HSM's own API. */
  @Override
  public void engineStore(OutputStream stream, char[] password) {}

  // ---------------------------------------------------------------- entries

  @Override
  public Enumeration<String> engineAliases() {
    if (selection != null) {
      return Collections.enumeration(new ArrayList<>(selection.keySet()));
    }
    List<String> aliases = new ArrayList<>();
    for (KeyInfo info : client().listKeys()) {
      if (usable(info)) {
        aliases.add(info.name());
      }
    }
    return Collections.enumeration(aliases);
  }

  @Override
  public boolean engineContainsAlias(String alias) {
    if (selection != null) {
      return selection.containsKey(alias);
    }
    return info(alias).isPresent();
  }

  @Override
  public int engineSize() {
    return Collections.list(engineAliases()).size();
  }

  @Override
  public boolean engineIsKeyEntry(String alias) {
    if (selection != null) {
      return selection.containsKey(alias);
    }
    return info(alias).isPresent();
  }

  @Override
  public boolean engineIsCertificateEntry(String alias) {
    return false;
  }

  /** The key's handle for its chosen version; {@code password} is not used. */
  @Override
  public Key engineGetKey(String alias, char[] password) {
    if (selection != null) {
      KeyStore.Entry entry = selection.get(alias);
      if (entry instanceof KeyStore.PrivateKeyEntry) {
        return ((KeyStore.PrivateKeyEntry) entry).getPrivateKey();
      }
      return entry == null ? null : ((KeyStore.SecretKeyEntry) entry).getSecretKey();
    }
    Optional<KeyInfo> found = info(alias);
    if (found.isEmpty()) {
      return null;
    }
    KeyInfo info = found.get();
    KeyHandle handle = client().key(alias);
    int version = chosenVersion(handle, info);
    if (info.algorithm().kind() == Algorithm.Kind.MAC) {
      return new HsmSecretKey(handle, version, info.algorithm(), info.operations());
    }
    List<X509Certificate> chain = handle.certificateChain(version);
    PublicKey publicKey =
        chain.isEmpty()
            ? publicKey(info.algorithm(), handle, version)
            : chain.get(0).getPublicKey();
    return HsmPrivateKey.of(handle, version, info.algorithm(), info.operations(), publicKey);
  }

  @Override
  public Certificate[] engineGetCertificateChain(String alias) {
    if (selection != null) {
      KeyStore.Entry entry = selection.get(alias);
      return entry instanceof KeyStore.PrivateKeyEntry
          ? ((KeyStore.PrivateKeyEntry) entry).getCertificateChain()
          : null;
    }
    Optional<KeyInfo> found = info(alias);
    if (found.isEmpty() || found.get().algorithm().kind() == Algorithm.Kind.MAC) {
      return null;
    }
    KeyHandle handle = client().key(alias);
    List<X509Certificate> chain = handle.certificateChain(chosenVersion(handle, found.get()));
    return chain.isEmpty() ? null : chain.toArray(new X509Certificate[0]);
  }

  @Override
  public Certificate engineGetCertificate(String alias) {
    Certificate[] chain = engineGetCertificateChain(alias);
    return chain == null ? null : chain[0];
  }

  @Override
  public String engineGetCertificateAlias(Certificate cert) {
    for (String alias : Collections.list(engineAliases())) {
      Certificate leaf = engineGetCertificate(alias);
      if (leaf != null && leaf.equals(cert)) {
        return alias;
      }
    }
    return null;
  }

  @Override
  public Date engineGetCreationDate(String alias) {
    if (selection != null) {
      return selection.containsKey(alias) ? new Date() : null;
    }
    return info(alias).map(info -> Date.from(info.createdAt())).orElse(null);
  }

  /**
   * A private key entry for a key with a certificate chain, a secret key entry for an HMAC key;
   * {@code null} for an asymmetric key without a chain (the JCA's entries need one): get its handle
   * with {@code getKey}. Protection parameters are not used.
   */
  @Override
  public KeyStore.Entry engineGetEntry(String alias, KeyStore.ProtectionParameter protection)
      throws UnrecoverableEntryException {
    if (selection != null) {
      return selection.get(alias);
    }
    Key key = engineGetKey(alias, null);
    if (key instanceof HsmSecretKey) {
      return new KeyStore.SecretKeyEntry((HsmSecretKey) key);
    }
    Certificate[] chain = engineGetCertificateChain(alias);
    if (key == null || chain == null) {
      return null;
    }
    return new KeyStore.PrivateKeyEntry((HsmPrivateKey) key, chain);
  }

  @Override
  public boolean engineEntryInstanceOf(String alias, Class<? extends KeyStore.Entry> entryClass) {
    if (selection != null) {
      return entryClass.isInstance(selection.get(alias));
    }
    Optional<KeyInfo> found = info(alias);
    if (found.isEmpty()) {
      return false;
    }
    if (found.get().algorithm().kind() == Algorithm.Kind.MAC) {
      return entryClass == KeyStore.SecretKeyEntry.class;
    }
    return entryClass == KeyStore.PrivateKeyEntry.class && engineGetCertificate(alias) != null;
  }

  // ---------------------------------------------------------------- read-only

  /**
   * Only into a key store loaded with nothing to open (a selection), and only this provider's own
   * handles: a key store over a store is read-only, and no key material is ever taken in.
   */
  @Override
  public void engineSetKeyEntry(String alias, Key key, char[] password, Certificate[] chain)
      throws KeyStoreException {
    if (selection == null) {
      throw readOnly();
    }
    if (alias == null) {
      throw new KeyStoreException("an alias is needed");
    }
    if (key instanceof HsmPrivateKey && chain != null && chain.length > 0) {
      selection.put(alias, new KeyStore.PrivateKeyEntry((HsmPrivateKey) key, chain));
    } else if (key instanceof HsmSecretKey) {
      selection.put(alias, new KeyStore.SecretKeyEntry((HsmSecretKey) key));
    } else {
      throw new KeyStoreException(
          "a DevHsm key store holds only its own key handles (with their certificate chain), never"
              + " key material: copy entries from a DevHsm key store loaded over a store");
    }
  }

  /** As {@link #engineSetKeyEntry(String, Key, char[], Certificate[])}; no password is needed. */
  @Override
  public void engineSetEntry(
      String alias, KeyStore.Entry entry, KeyStore.ProtectionParameter protection)
      throws KeyStoreException {
    if (entry instanceof KeyStore.PrivateKeyEntry) {
      KeyStore.PrivateKeyEntry privateKey = (KeyStore.PrivateKeyEntry) entry;
      engineSetKeyEntry(alias, privateKey.getPrivateKey(), null, privateKey.getCertificateChain());
    } else if (entry instanceof KeyStore.SecretKeyEntry) {
      engineSetKeyEntry(alias, ((KeyStore.SecretKeyEntry) entry).getSecretKey(), null, null);
    } else {
      engineSetCertificateEntry(alias, null);
    }
  }

  @Override
  public void engineSetKeyEntry(String alias, byte[] key, Certificate[] chain)
      throws KeyStoreException {
    throw readOnly();
  }

  @Override
  public void engineSetCertificateEntry(String alias, Certificate cert) throws KeyStoreException {
    throw readOnly();
  }

  @Override
  public void engineDeleteEntry(String alias) throws KeyStoreException {
    if (selection == null) {
      throw readOnly();
    }
    selection.remove(alias);
  }

  private static KeyStoreException readOnly() {
    return new KeyStoreException(
        "the DevHsm key store is read-only: create keys with HsmClient.createKey and attach"
            + " certificates with KeyHandle.attachCertificateChain (docs/JCA.md)");
  }

  // ---------------------------------------------------------------- helpers

  private HsmClient client() {
    if (client == null) {
      throw new IllegalStateException("the DevHsm key store is not loaded");
    }
    return client;
  }

  private Optional<KeyInfo> info(String alias) {
    if (alias == null) {
      return Optional.empty();
    }
    try {
      return client().findKey(alias).map(KeyHandle::info).filter(HsmKeyStore::usable);
    } catch (HsmException e) {
      return Optional.empty(); // a name the store cannot hold is no alias of it
    }
  }

  /** Keys the JCA can use: private signature and RSA-OAEP keys, and HMAC keys. */
  private static boolean usable(KeyInfo info) {
    Algorithm.Kind kind = info.algorithm().kind();
    if (kind == Algorithm.Kind.MAC) {
      return true;
    }
    return !info.publicOnly()
        && (kind == Algorithm.Kind.SIGNATURE || info.algorithm() == Algorithm.RSA_OAEP_SHA256);
  }

  /** The newest enabled version with a certificate chain, else the primary version. */
  static int chosenVersion(KeyHandle handle, KeyInfo info) {
    if (info.algorithm().kind() != Algorithm.Kind.MAC) {
      List<KeyVersionInfo> versions = new ArrayList<>(info.versions());
      Collections.reverse(versions);
      for (KeyVersionInfo v : versions) {
        if (v.state() == KeyState.ENABLED
            && v.version() >= info.minDecryptionVersion()
            && !handle.certificateChain(v.version()).isEmpty()) {
          return v.version();
        }
      }
    }
    return info.primaryVersion();
  }

  /**
   * The version's public key on the JDK's providers, or {@code null} if they lack the algorithm.
   */
  static PublicKey publicKey(Algorithm algorithm, KeyHandle handle, int version) {
    String keyAlgorithm = JcaNames.keyAlgorithm(algorithm);
    try {
      String pem = handle.publicKeyPem(version);
      String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      byte[] spki = Base64.getDecoder().decode(body.getBytes(StandardCharsets.US_ASCII));
      return KeyFactory.getInstance(keyAlgorithm).generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }
}
