package dev.hsm.pkcs11.internal;

import dev.hsm.HsmException;
import dev.hsm.PinSource;
import dev.hsm.UnlockFailedException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import javax.security.auth.login.LoginException;

/**
 * One logged-in token: a SunPKCS11 provider configured for it (programmatically; never installed
 * with {@code Security.addProvider}) and the JDK's PKCS#11 key store over its objects. One per
 * library and slot in a JVM, shared by every custody on it: PKCS#11 logs in per application, not
 * per session, and the key store keeps a map of the token's objects that writes must go through.
 *
 * <p>Keys are made as session objects (sensitive, not extractable: the provider's generate
 * template) and become token objects when the key store copies them under their alias (C_CopyObject
 * keeps both attributes, and CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE stay true). The key
 * store lists a private key only beside a certificate with the same CKA_ID, so each private key
 * gets a placeholder certificate ({@link PlaceholderCertificate}).
 */
final class Token {
  private static final Map<String, Token> OPEN = new ConcurrentHashMap<>();
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final Provider provider;
  private final KeyStore keyStore;
  private final PinSource pin;
  private final String description;

  private Token(Provider provider, KeyStore keyStore, PinSource pin, String description) {
    this.provider = provider;
    this.keyStore = keyStore;
    this.pin = pin;
    this.description = description;
  }

  /**
   * The token at {@code slot} of {@code library}, logged in with {@code pin}: opened on first use
   * in this JVM, then shared.
   *
   * @throws UnlockFailedException if the PIN is missing or wrong
   * @throws HsmException if the library or slot cannot be opened
   */
  static Token open(String library, SlotSelection slot, PinSource pin) {
    SlotSelection resolved = slot.resolved(library);
    return OPEN.computeIfAbsent(library + "\n" + resolved, key -> connect(library, resolved, pin));
  }

  private static Token connect(String library, SlotSelection slot, PinSource pin) {
    String description = "PKCS#11 token at " + slot + " of " + library;
    Provider provider;
    try {
      provider = Security.getProvider("SunPKCS11").configure("--" + config(library, slot));
    } catch (ProviderException | IllegalArgumentException e) {
      throw new HsmException(
          "cannot open the " + description + ": " + rootMessage(e) + " (is the library there?)", e);
    }
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
      Token token = new Token(provider, keyStore, pin, description);
      token.load();
      return token;
    } catch (GeneralSecurityException e) {
      throw new HsmException("cannot open the key store of the " + description, e);
    }
  }

  /** The SunPKCS11 configuration: the slot, and the attributes of the keys it generates. */
  private static String config(String library, SlotSelection slot) {
    if (library.indexOf('\n') >= 0 || library.indexOf('"') >= 0) {
      throw new IllegalArgumentException("a library path with a line break or quote");
    }
    return "name = devhsm"
        + NAMES.incrementAndGet()
        + "\nlibrary = \""
        + library
        + "\"\n"
        + slot.configLine()
        + "\n"
        // Generated keys are session objects until the key store copies them into the token.
        + "attributes(generate, CKO_SECRET_KEY, *) = {\n"
        + "  CKA_TOKEN = false\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n"
        + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n"
        + "  CKA_TOKEN = false\n  CKA_PRIVATE = true\n"
        + "  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n"
        // Each kind of key may do what its algorithms need, nothing more (the engine's policy
        // gate decides per key; these are the token's own limits).
        + "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n"
        + "  CKA_ENCRYPT = true\n  CKA_DECRYPT = true\n  CKA_SIGN = false\n  CKA_VERIFY = false\n"
        + "  CKA_WRAP = false\n  CKA_UNWRAP = false\n  CKA_DERIVE = false\n}\n"
        + "attributes(generate, CKO_SECRET_KEY, CKK_GENERIC_SECRET) = {\n"
        + "  CKA_SIGN = true\n  CKA_VERIFY = true\n  CKA_ENCRYPT = false\n  CKA_DECRYPT = false\n"
        + "  CKA_WRAP = false\n  CKA_UNWRAP = false\n  CKA_DERIVE = false\n}\n"
        + "attributes(generate, CKO_PRIVATE_KEY, CKK_EC) = {\n"
        + "  CKA_SIGN = true\n  CKA_DECRYPT = false\n  CKA_UNWRAP = false\n  CKA_DERIVE = false\n}\n"
        + "attributes(generate, CKO_PRIVATE_KEY, CKK_RSA) = {\n"
        + "  CKA_SIGN = true\n  CKA_DECRYPT = true\n  CKA_UNWRAP = false\n}\n"
        // The public half stays a session object: the store keeps the public key.
        + "attributes(generate, CKO_PUBLIC_KEY, *) = {\n  CKA_TOKEN = false\n}\n";
  }

  /** Logs in (again, if the token forgot the login) and re-reads the token's objects. */
  private void load() {
    char[] secret = pin.read();
    try {
      keyStore.load(null, secret);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new UnlockFailedException(
            "cannot log in to the " + description + ": wrong PIN (" + pin.describe() + ")");
      }
      if (e.getCause() instanceof LoginException) {
        throw new UnlockFailedException(
            "cannot log in to the " + description + ": " + rootMessage(e), e);
      }
      throw new HsmException(
          "cannot read the objects of the " + description + ": " + rootMessage(e), e);
    } catch (GeneralSecurityException e) {
      throw new HsmException("cannot read the objects of the " + description, e);
    } finally {
      Arrays.fill(secret, '\0');
    }
  }

  Provider provider() {
    return provider;
  }

  String description() {
    return description;
  }

  /** The secret key object labelled {@code alias}, or {@code null} if the token has none. */
  synchronized SecretKey secretKey(String alias) {
    Key key = key(alias);
    return key instanceof SecretKey ? (SecretKey) key : null;
  }

  /** A private key object and the certificate beside it; {@code null} if the token has none. */
  synchronized PrivateEntry privateKey(String alias) {
    Key key = key(alias);
    if (!(key instanceof PrivateKey)) {
      return null;
    }
    try {
      Certificate certificate = keyStore.getCertificate(alias);
      return certificate instanceof X509Certificate
          ? new PrivateEntry((PrivateKey) key, (X509Certificate) certificate)
          : null;
    } catch (GeneralSecurityException e) {
      throw new HsmException("cannot read " + alias + " in the " + description, e);
    }
  }

  /** A private key and its certificate, as the key store pairs them by CKA_ID. */
  record PrivateEntry(PrivateKey key, X509Certificate certificate) {}

  /** The key under {@code alias}, re-reading the token once if it is not known (yet). */
  private Key key(String alias) {
    try {
      if (!keyStore.containsAlias(alias)) {
        load(); // made by another process, or by another client since the last read
      }
      return keyStore.containsAlias(alias) ? keyStore.getKey(alias, null) : null;
    } catch (GeneralSecurityException | ProviderException e) {
      throw new HsmException("cannot read " + alias + " in the " + description, e);
    }
  }

  /** Stores a generated session key as a token object labelled {@code alias}. */
  synchronized void storeSecretKey(String alias, SecretKey key) {
    store(alias, new KeyStore.SecretKeyEntry(key));
  }

  /** Stores a generated session private key as a token object with CKA_ID {@code alias}. */
  synchronized void storePrivateKey(String alias, PrivateKey key, X509Certificate certificate) {
    store(alias, new KeyStore.PrivateKeyEntry(key, new X509Certificate[] {certificate}));
  }

  private void store(String alias, KeyStore.Entry entry) {
    try {
      // The key store replaces an entry of the same alias: never let it (aliases end in 64
      // random bits, so this is a guard, not a path).
      if (keyStore.containsAlias(alias)) {
        throw new HsmException("the " + description + " already holds an object named " + alias);
      }
      keyStore.setEntry(alias, entry, null);
    } catch (GeneralSecurityException | ProviderException e) {
      throw new HsmException(
          "cannot store " + alias + " in the " + description + ": " + rootMessage(e), e);
    }
  }

  /** Deletes the objects of {@code alias}; whether there were any. */
  synchronized boolean delete(String alias) {
    try {
      if (!keyStore.containsAlias(alias)) {
        load(); // made by another process, or by another client since the last read
      }
      if (!keyStore.containsAlias(alias)) {
        return false;
      }
      keyStore.deleteEntry(alias);
      return true;
    } catch (GeneralSecurityException | ProviderException e) {
      throw new HsmException(
          "cannot delete " + alias + " from the " + description + ": " + rootMessage(e), e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }
}
