package dev.hsm.pkcs11.internal;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyNotExtractableException;
import dev.hsm.PinSource;
import dev.hsm.internal.crypto.MacKey;
import dev.hsm.internal.crypto.SignatureKey;
import dev.hsm.pkcs11.UnsupportedByTokenException;
import dev.hsm.spi.CustodyContext;
import dev.hsm.spi.CustodyRecord;
import dev.hsm.spi.KeyCustody;
import dev.hsm.spi.KeyOperations;
import dev.hsm.spi.VersionBinding;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * Key custody in a PKCS#11 token through SunPKCS11: material is generated in the token as
 * sensitive, non-extractable objects, stays there, and every operation runs there; the store keeps
 * only a {@link TokenReference} and, for key pairs, the public key.
 *
 * <p>Opening a version checks that the record belongs to it (the alias carries the version's
 * binding), that the object is there, and that it is the one recorded: a secret key must reproduce
 * the check value made with it at generation; a private key's certificate (paired with it by
 * CKA_ID) must hold the recorded public key.
 */
public final class Pkcs11Custody implements KeyCustody {
  private static final byte[] CHECK_LABEL =
      "dev.hsm/v1/pkcs11-key-check".getBytes(StandardCharsets.US_ASCII);

  /** How failure messages of the shared signature and MAC engines name a token's key. */
  private static final String IN_THE_TOKEN = " in the token";

  private final Token token;
  private final String description;
  private final Set<Algorithm> inSoftware;
  private final KeyCustody software;

  private Pkcs11Custody(
      Token token, String description, Set<Algorithm> inSoftware, KeyCustody software) {
    this.token = token;
    this.description = description;
    this.inSoftware = inSoftware;
    this.software = software;
  }

  /**
   * The factory for the token at {@code slot} of {@code library}, logged in with {@code pin} when
   * first opened (once per JVM; later custodies on the same token share the login). Keys of the
   * algorithms in {@code inSoftware} are held by software custody instead (wrapped in the store
   * under its master key, used in this JVM): an explicit choice for what the token cannot hold.
   */
  public static KeyCustody.Factory factory(
      String library, SlotSelection slot, PinSource pin, Set<Algorithm> inSoftware) {
    Set<Algorithm> held =
        inSoftware.isEmpty()
            ? Collections.emptySet()
            : Collections.unmodifiableSet(EnumSet.copyOf(inSoftware));
    String description =
        "PKCS#11 custody ("
            + library
            + ", "
            + slot
            + (held.isEmpty() ? "" : "; in software: " + held)
            + ")";
    return new KeyCustody.Factory() {
      @Override
      public KeyCustody open(CustodyContext context) {
        Token token = Token.open(library, slot, pin);
        KeyCustody software = held.isEmpty() ? null : KeyCustody.software().open(context);
        return new Pkcs11Custody(token, description, held, software);
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }

  /** The token this custody runs on, for adoption and the tests. */
  Token token() {
    return token;
  }

  @Override
  public String description() {
    return description;
  }

  // ---------------------------------------------------------------- generate

  @Override
  public CustodyRecord generate(VersionBinding version) {
    Algorithm algorithm = version.algorithm();
    if (inSoftware(algorithm)) {
      return software.generate(version);
    }
    Mechanisms.require(token.provider(), algorithm);
    String alias = TokenReference.newAlias(version);
    try {
      switch (algorithm.kind()) {
        case AEAD:
          {
            KeyGenerator generator = KeyGenerator.getInstance("AES", token.provider());
            generator.init(256);
            SecretKey key = generator.generateKey();
            byte[] check = aeadCheckValue(new TokenAeadKey(token.provider(), key), version);
            token.storeSecretKey(alias, key);
            return new CustodyRecord(new TokenReference(alias, check).encode(), null);
          }
        case MAC:
          {
            KeyGenerator generator =
                KeyGenerator.getInstance(MacKey.jcaName(algorithm), token.provider());
            generator.init(MacKey.tagBytes(algorithm) * 8);
            SecretKey key = generator.generateKey();
            byte[] check = macCheckValue(tokenMacKey(algorithm, key), version);
            token.storeSecretKey(alias, key);
            return new CustodyRecord(new TokenReference(alias, check).encode(), null);
          }
        default:
          KeyPair pair = generateKeyPair(version);
          PublicKey publicKey = softwarePublicKey(algorithm, pair.getPublic().getEncoded());
          token.storePrivateKey(
              alias, pair.getPrivate(), PlaceholderCertificate.create(alias, publicKey));
          return new CustodyRecord(
              new TokenReference(alias, new byte[0]).encode(), publicKey.getEncoded());
      }
    } catch (GeneralSecurityException | ProviderException e) {
      throw new HsmException(
          "cannot generate "
              + version.describe()
              + " ("
              + algorithm
              + ") in the "
              + token.description()
              + ": "
              + Token.rootMessage(e),
          e);
    }
  }

  private KeyPair generateKeyPair(VersionBinding version) throws GeneralSecurityException {
    Algorithm algorithm = version.algorithm();
    KeyPairGenerator generator;
    if (algorithm.isRsa()) {
      generator = KeyPairGenerator.getInstance("RSA", token.provider());
      generator.initialize(
          new RSAKeyGenParameterSpec(version.rsaModulusBits(), RSAKeyGenParameterSpec.F4));
    } else {
      generator = KeyPairGenerator.getInstance("EC", token.provider());
      generator.initialize(new ECGenParameterSpec(Mechanisms.curve(algorithm)));
    }
    return generator.generateKeyPair();
  }

  // ---------------------------------------------------------------- import, export, destroy

  /**
   * Adopts a key pair already in the token ({@link KeyMaterial#tokenObject}): its private key
   * object, found by the label of the certificate beside it, takes the version's alias as its
   * CKA_ID and gets a placeholder certificate under that alias in place of the old one. Outside
   * material in any other form is refused: the token takes in no material.
   *
   * @throws UnsupportedByTokenException for material in any form but a token object, or a secret
   *     key to adopt
   * @throws dev.hsm.InvalidKeyMaterialException if the token holds no such key pair, or one that
   *     does not fit the key's algorithm, or one that is not sensitive and non-extractable
   */
  @Override
  public CustodyRecord importMaterial(VersionBinding version, KeyMaterial material) {
    if (inSoftware(version.algorithm())) {
      return software.importMaterial(version, material);
    }
    if (material.form() != KeyMaterial.Form.TOKEN_OBJECT) {
      throw new UnsupportedByTokenException(
          "cannot import "
              + version.describe()
              + ": the PKCS#11 custody takes in no outside material; create the key in the token,"
              + " or make it with the token's own tools and adopt it (KeyMaterial.tokenObject)");
    }
    Algorithm algorithm = version.algorithm();
    Mechanisms.require(token.provider(), algorithm);
    String label = new String(material.encoded(), StandardCharsets.UTF_8);
    if (!algorithm.isAsymmetric()) {
      throw new UnsupportedByTokenException(
          "cannot adopt "
              + label
              + " as "
              + version.describe()
              + ": the PKCS#11 custody adopts key pairs only, not "
              + algorithm
              + " secret keys");
    }
    Token.PrivateEntry entry = token.privateKey(label);
    if (entry == null) {
      throw new InvalidKeyMaterialException(
          "the "
              + token.description()
              + " holds no private key listed as "
              + label
              + " (the JDK's PKCS#11 key store lists a private key only beside a certificate with"
              + " the same CKA_ID, listed by the certificate's CKA_LABEL)");
    }
    PublicKey publicKey;
    try {
      publicKey = softwarePublicKey(algorithm, entry.certificate().getPublicKey().getEncoded());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidKeyMaterialException(
          "the certificate beside " + label + " holds no " + algorithm + " public key");
    }
    if (!entry.key().getAlgorithm().equals(algorithm.isRsa() ? "RSA" : "EC")
        || !fits(version, publicKey)) {
      throw new InvalidKeyMaterialException(
          label + " in the token does not fit " + algorithm + " (key type, curve or modulus size)");
    }
    if (!sensitiveAndNonExtractable(entry.key())) {
      throw new InvalidKeyMaterialException(
          label
              + " in the token is not a sensitive, non-extractable key, so the token could release"
              + " it: make it with CKA_SENSITIVE and without CKA_EXTRACTABLE");
    }
    String alias = TokenReference.newAlias(version);
    token.storePrivateKey(alias, entry.key(), PlaceholderCertificate.create(alias, publicKey));
    return new CustodyRecord(
        new TokenReference(alias, new byte[0]).encode(), publicKey.getEncoded());
  }

  /**
   * Whether SunPKCS11 reads the key as sensitive and not extractable. Its key objects say so only
   * in their text ({@code "..., sensitive, unextractable)"}): the one public view of the
   * attributes.
   */
  static boolean sensitiveAndNonExtractable(java.security.Key key) {
    String text = key.toString();
    return text.contains(", sensitive,") && text.contains("unextractable");
  }

  /**
   * @throws KeyNotExtractableException always: the token never releases material
   */
  @Override
  public byte[] exportMaterial(VersionBinding version, CustodyRecord record) {
    if (inSoftware(version.algorithm())) {
      return software.exportMaterial(version, record);
    }
    throw new KeyNotExtractableException(
        version.describe()
            + ": its material is a sensitive, non-extractable object in the PKCS#11 token, which"
            + " never releases it");
  }

  /** Deletes the version's token objects (the key, and a private key's certificate). */
  @Override
  public void destroy(VersionBinding version, CustodyRecord record) {
    if (inSoftware(version.algorithm())) {
      software.destroy(version, record);
      return;
    }
    token.delete(TokenReference.decode(version, record.material()).alias());
  }

  // ---------------------------------------------------------------- open

  @Override
  public KeyOperations open(VersionBinding version, CustodyRecord record) {
    if (inSoftware(version.algorithm())) {
      return software.open(version, record);
    }
    TokenReference reference = TokenReference.decode(version, record.material());
    String alias = reference.alias();
    if (!TokenReference.belongsTo(alias, version)) {
      throw new KeyIntegrityException(
          version.describe()
              + ": its record names the token object "
              + alias
              + ", which was made for another key, version or set of attributes");
    }
    Algorithm algorithm = version.algorithm();
    switch (algorithm.kind()) {
      case AEAD:
        {
          TokenAeadKey ops = new TokenAeadKey(token.provider(), secretKey(version, alias, "AES"));
          if (!aeadCheckValueMatches(ops, version, reference.checkValue())) {
            throw notTheRecordedObject(version, alias);
          }
          return ops;
        }
      case MAC:
        {
          MacKey ops = tokenMacKey(algorithm, secretKey(version, alias, null));
          byte[] expected;
          try {
            expected = macCheckValue(ops, version);
          } catch (HsmException e) {
            throw notTheRecordedObject(version, alias);
          }
          if (!MessageDigest.isEqual(expected, reference.checkValue())) {
            throw notTheRecordedObject(version, alias);
          }
          return ops;
        }
      default:
        return openPrivate(version, record, alias);
    }
  }

  private KeyOperations openPrivate(VersionBinding version, CustodyRecord record, String alias) {
    Algorithm algorithm = version.algorithm();
    Token.PrivateEntry entry = token.privateKey(alias);
    if (entry == null) {
      throw gone(version, alias);
    }
    if (record.publicKey() == null) {
      throw new KeyIntegrityException(version.describe() + ": its record holds no public key");
    }
    PublicKey recorded;
    try {
      recorded = softwarePublicKey(algorithm, record.publicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyIntegrityException(
          version.describe() + ": its recorded public key cannot be read as " + algorithm);
    }
    if (!MessageDigest.isEqual(
            entry.certificate().getPublicKey().getEncoded(), recorded.getEncoded())
        || !entry.key().getAlgorithm().equals(algorithm.isRsa() ? "RSA" : "EC")
        || !fits(version, recorded)
        || !sensitiveAndNonExtractable(entry.key())) {
      throw notTheRecordedObject(version, alias);
    }
    return algorithm == Algorithm.RSA_OAEP_SHA256
        ? new TokenRsaOaepKey(token.provider(), entry.key(), recorded)
        : new SignatureKey(
            algorithm,
            token.provider(),
            Mechanisms.signatureName(algorithm),
            entry.key(),
            recorded,
            IN_THE_TOKEN);
  }

  /** Whether a public key has the curve or modulus size the version's algorithm says. */
  private static boolean fits(VersionBinding version, PublicKey publicKey) {
    Algorithm algorithm = version.algorithm();
    if (algorithm.isRsa()) {
      return publicKey instanceof RSAPublicKey
          && ((RSAPublicKey) publicKey).getModulus().bitLength() == version.rsaModulusBits();
    }
    return publicKey instanceof ECPublicKey
        && ((ECPublicKey) publicKey).getParams().getCurve().getField().getFieldSize()
            == Mechanisms.curveBits(algorithm);
  }

  private SecretKey secretKey(VersionBinding version, String alias, String algorithm) {
    SecretKey key = token.secretKey(alias);
    if (key == null) {
      throw gone(version, alias);
    }
    if ((algorithm != null && !algorithm.equals(key.getAlgorithm()))
        || !sensitiveAndNonExtractable(key)) {
      throw notTheRecordedObject(version, alias);
    }
    return key;
  }

  private KeyIntegrityException gone(VersionBinding version, String alias) {
    return new KeyIntegrityException(
        version.describe()
            + ": its token object "
            + alias
            + " is not in the "
            + token.description());
  }

  private static KeyIntegrityException notTheRecordedObject(VersionBinding version, String alias) {
    return new KeyIntegrityException(
        version.describe()
            + ": the token object "
            + alias
            + " is not the key recorded for it (replaced or changed in the token)");
  }

  // ---------------------------------------------------------------- check values

  /** The associated data of a check value: a fixed label and the version's binding. */
  private static byte[] checkData(VersionBinding version) {
    byte[] binding = version.associatedData();
    byte[] data = new byte[CHECK_LABEL.length + binding.length];
    System.arraycopy(CHECK_LABEL, 0, data, 0, CHECK_LABEL.length);
    System.arraycopy(binding, 0, data, CHECK_LABEL.length, binding.length);
    return data;
  }

  /** An AES-GCM check value: the nonce and tag of an empty message with the binding as AAD. */
  private static byte[] aeadCheckValue(TokenAeadKey key, VersionBinding version) {
    return key.encrypt(new byte[0], new byte[0], checkData(version));
  }

  private static boolean aeadCheckValueMatches(
      TokenAeadKey key, VersionBinding version, byte[] checkValue) {
    try {
      return key.decrypt(checkValue, 0, checkData(version)).length == 0;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** An HMAC check value: the tag of the fixed label and the binding. */
  private static byte[] macCheckValue(MacKey key, VersionBinding version) {
    return key.sign(checkData(version));
  }

  /** HMAC with the token's key object, on the engines software custody uses. */
  private MacKey tokenMacKey(Algorithm algorithm, SecretKey key) {
    return new MacKey(algorithm, token.provider(), key, IN_THE_TOKEN);
  }

  // ---------------------------------------------------------------- misc

  /** A public key on the JDK's software providers, from SPKI DER. */
  static PublicKey softwarePublicKey(Algorithm algorithm, byte[] spki)
      throws GeneralSecurityException {
    return KeyFactory.getInstance(algorithm.isRsa() ? "RSA" : "EC")
        .generatePublic(new X509EncodedKeySpec(spki));
  }

  /** Software-held records depend on the master key and are rewrapped; token references do not. */
  @Override
  public CustodyRecord rewrap(VersionBinding version, CustodyRecord record, KeyCustody previous) {
    if (inSoftware(version.algorithm())) {
      return software.rewrap(version, record, ((Pkcs11Custody) previous).software);
    }
    return record;
  }

  private boolean inSoftware(Algorithm algorithm) {
    return inSoftware.contains(algorithm);
  }

  @Override
  public String provider(Algorithm algorithm) {
    if (inSoftware(algorithm)) {
      return software.provider(algorithm) + " (software custody, not the token)";
    }
    return token.provider().getName()
        + " "
        + token.provider().getVersionStr()
        + " ("
        + token.description()
        + ")";
  }

  /**
   * Closes the software custody, if any. The token's login stays: it is shared by every custody on
   * the token in this JVM.
   */
  @Override
  public void close() {
    if (software != null) {
      software.close();
    }
  }
}
