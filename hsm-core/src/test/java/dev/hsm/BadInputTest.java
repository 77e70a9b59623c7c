package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every exception of the API, triggered on purpose: exact type, a message that names the key (and
 * version where there is one), and no key bytes, plaintext or passphrase in any message.
 */
class BadInputTest {
  /** A known AES key, imported as {@code known-aes}: no message may ever show it. */
  private static final byte[] KNOWN_AES = pattern(32, 0x11);

  private static final byte[] KNOWN_HMAC = pattern(32, 0x22);
  private static final String PLAINTEXT = "the launch code is 0000";
  private static final byte[] DATA = PLAINTEXT.getBytes(UTF_8);
  private static final byte[] CONTEXT = "order=1234".getBytes(UTF_8);

  @TempDir Path dir;

  private HsmClient hsm;
  private KeyHandle aes;
  private final Secrets secrets =
      new Secrets().bytes(KNOWN_AES).bytes(KNOWN_HMAC).string(PLAINTEXT);

  private static byte[] pattern(int length, int seed) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) (seed * 7 + 13 * i);
    }
    return out;
  }

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "store.db");
    aes = hsm.importKey("known-aes", KeySpec.aes256Gcm(), KeyMaterial.secretKey(KNOWN_AES));
    hsm.importKey("known-hmac", KeySpec.hmacSha256(), KeyMaterial.secretKey(KNOWN_HMAC));
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  private <T extends Throwable> T expect(
      Class<T> type, ThrowingCallable call, String... fragments) {
    return secrets.thrown(type, call, fragments);
  }

  private static KeyPair jdkKeyPair(String algorithm, Object parameter) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (parameter instanceof Integer) {
      generator.initialize((Integer) parameter);
    } else {
      generator.initialize(new ECGenParameterSpec((String) parameter));
    }
    return generator.generateKeyPair();
  }

  private static byte[] copyWith(byte[] envelope, int index) {
    byte[] copy = envelope.clone();
    copy[index] ^= 0x01;
    return copy;
  }

  // ---- KeyNotFoundException ----

  @Test
  void key_withUnknownName_throwsKeyNotFoundNamingIt() {
    expect(KeyNotFoundException.class, () -> hsm.key("nope"), "'nope'");
  }

  @Test
  void findKey_withUnknownName_isEmpty() {
    assertThat(hsm.findKey("nope")).isEmpty();
    assertThat(hsm.findKey("known-aes")).isPresent();
  }

  // ---- KeyAlreadyExistsException ----

  @Test
  void createKey_twiceWithOneName_throwsKeyAlreadyExists_andKeepsTheFirstKey() {
    KeyHandle first = hsm.createKey("signer", KeySpec.ecdsaP256());
    String pem = first.publicKeyPem();

    expect(
        KeyAlreadyExistsException.class,
        () -> hsm.createKey("signer", KeySpec.ecdsaP256()),
        "'signer'");
    expect(
        KeyAlreadyExistsException.class,
        () -> hsm.createKey("signer", KeySpec.aes256Gcm()),
        "'signer'");
    assertThat(hsm.key("signer").publicKeyPem()).isEqualTo(pem);
  }

  @Test
  void importKey_withTakenName_throwsKeyAlreadyExists() {
    expect(
        KeyAlreadyExistsException.class,
        () ->
            hsm.importKey("known-aes", KeySpec.aes256Gcm(), KeyMaterial.secretKey(pattern(32, 3))),
        "'known-aes'");
    assertThat(aes.decrypt(aes.encrypt(DATA))).isEqualTo(DATA);
  }

  @Test
  void ensureKey_withDifferentSpec_throwsKeyAlreadyExistsNamingTheKey() {
    hsm.createKey("signer", KeySpec.ecdsaP256());

    expect(
        KeyAlreadyExistsException.class,
        () -> hsm.ensureKey("signer", KeySpec.ecdsaP384()),
        "'signer'");
    expect(
        KeyAlreadyExistsException.class,
        () -> hsm.ensureKey("signer", KeySpec.ecdsaP256().withOperations(Operation.VERIFY)),
        "'signer'");
    expect(
        KeyAlreadyExistsException.class,
        () -> hsm.ensureKey("signer", KeySpec.ecdsaP256().withExtractable(true)),
        "'signer'");
  }

  @Test
  void ensureKey_withSameSpec_returnsTheExistingKey() {
    KeyHandle created = hsm.ensureKey("signer", KeySpec.ed25519());
    byte[] signature = created.sign(DATA);

    KeyHandle again = hsm.ensureKey("signer", KeySpec.ed25519());

    assertThat(again.publicKeyPem()).isEqualTo(created.publicKeyPem());
    again.verify(DATA, signature);
    assertThat(hsm.listKeys()).extracting(KeyInfo::name).containsOnlyOnce("signer");
  }

  // ---- WrongKeyTypeException ----

  @Test
  void sign_withAesKey_throwsWrongKeyType() {
    expect(WrongKeyTypeException.class, () -> aes.sign(DATA), "'known-aes'", "sign");
  }

  @Test
  void encrypt_withEcdsaKey_throwsWrongKeyType() {
    KeyHandle ecdsa = hsm.createKey("ecdsa", KeySpec.ecdsaP256());
    expect(WrongKeyTypeException.class, () -> ecdsa.encrypt(DATA), "'ecdsa'", "encrypt");
    expect(WrongKeyTypeException.class, () -> ecdsa.decrypt(DATA), "'ecdsa'", "decrypt");
  }

  @Test
  void mac_withEcdsaKey_throwsWrongKeyType() {
    KeyHandle ecdsa = hsm.createKey("ecdsa", KeySpec.ecdsaP256());
    expect(WrongKeyTypeException.class, () -> ecdsa.mac(DATA), "'ecdsa'");
    expect(WrongKeyTypeException.class, () -> ecdsa.verifyMac(DATA, ecdsa.sign(DATA)), "'ecdsa'");
  }

  @Test
  void signAndVerify_withHmacKey_throwWrongKeyType() {
    KeyHandle hmac = hsm.key("known-hmac");
    expect(WrongKeyTypeException.class, () -> hmac.sign(DATA), "'known-hmac'");
    expect(WrongKeyTypeException.class, () -> hmac.verify(DATA, hmac.mac(DATA)), "'known-hmac'");
    expect(WrongKeyTypeException.class, () -> hmac.decrypt(DATA), "'known-hmac'");
  }

  @Test
  void publicKeyPem_onAesKey_throwsWrongKeyType() {
    expect(WrongKeyTypeException.class, aes::publicKeyPem, "'known-aes'");
    expect(WrongKeyTypeException.class, aes::publicJwk, "'known-aes'");
    expect(WrongKeyTypeException.class, () -> hsm.key("known-hmac").publicKeyPem(), "'known-hmac'");
  }

  @Test
  void generateDataKey_onRsaOaepKey_throwsWrongKeyType() {
    KeyHandle rsa = hsm.createKey("rsa-oaep", KeySpec.rsaOaepSha256(2048));
    expect(WrongKeyTypeException.class, () -> rsa.generateDataKey(CONTEXT), "'rsa-oaep'");
  }

  @Test
  void generateDataKey_onHmacKey_throwsWrongKeyType() {
    expect(
        WrongKeyTypeException.class,
        () -> hsm.key("known-hmac").generateDataKey(CONTEXT),
        "'known-hmac'");
  }

  // ---- OperationNotPermittedException ----

  @Test
  void encrypt_withDecryptOnlyKey_throwsOperationNotPermitted() {
    KeyHandle decryptOnly =
        hsm.createKey("decrypt-only", KeySpec.aes256Gcm().withOperations(Operation.DECRYPT));

    expect(
        OperationNotPermittedException.class,
        () -> decryptOnly.encrypt(DATA, CONTEXT),
        "'decrypt-only'",
        "ENCRYPT");
    expect(
        OperationNotPermittedException.class,
        () -> decryptOnly.generateDataKey(CONTEXT),
        "'decrypt-only'",
        "ENCRYPT");
  }

  @Test
  void sign_withVerifyOnlyImportedPublicKey_throwsOperationNotPermitted() {
    KeyHandle signer = hsm.createKey("signer", KeySpec.ecdsaP256());
    KeyHandle verifier =
        hsm.importKey(
            "verifier", KeySpec.ecdsaP256(), KeyMaterial.publicKeyPem(signer.publicKeyPem()));
    byte[] signature = signer.sign(DATA);

    verifier.verify(DATA, signature);
    assertThat(verifier.info().publicOnly()).isTrue();
    assertThat(verifier.info().operations()).containsExactly(Operation.VERIFY);
    expect(OperationNotPermittedException.class, () -> verifier.sign(DATA), "'verifier'", "SIGN");
  }

  @Test
  void decrypt_withEncryptOnlyImportedRsaPublicKey_throwsOperationNotPermitted() {
    KeyHandle rsa = hsm.createKey("rsa", KeySpec.rsaOaepSha256(2048));
    KeyHandle encryptOnly =
        hsm.importKey(
            "rsa-pub", KeySpec.rsaOaepSha256(2048), KeyMaterial.publicKeyPem(rsa.publicKeyPem()));
    byte[] ciphertext = encryptOnly.encrypt(DATA, CONTEXT);

    assertThat(rsa.decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
    expect(
        OperationNotPermittedException.class,
        () -> encryptOnly.decrypt(ciphertext, CONTEXT),
        "'rsa-pub'",
        "DECRYPT");
  }

  // ---- InvalidCiphertextException: malformed headers ----

  @Test
  void decrypt_emptyArray_throwsInvalidCiphertext() {
    expect(InvalidCiphertextException.class, () -> aes.decrypt(new byte[0]), "'known-aes'");
  }

  @Test
  void decrypt_fourByteArray_throwsInvalidCiphertext() {
    expect(
        InvalidCiphertextException.class,
        () -> aes.decrypt(new byte[] {1, 0, 0, 0}),
        "'known-aes'");
  }

  @Test
  void decrypt_signatureEnvelope_throwsInvalidCiphertext() {
    byte[] signature = hsm.createKey("ed", KeySpec.ed25519()).sign(DATA);
    byte[] mac = hsm.key("known-hmac").mac(DATA);

    expect(InvalidCiphertextException.class, () -> aes.decrypt(signature), "'known-aes'", "0x04");
    expect(InvalidCiphertextException.class, () -> aes.decrypt(mac), "'known-aes'", "0x05");
  }

  @Test
  void decrypt_envelopeNamingVersionZero_throwsInvalidCiphertext() {
    byte[] ciphertext = aes.encrypt(DATA, CONTEXT);
    ciphertext[4] = 0;

    expect(
        InvalidCiphertextException.class,
        () -> aes.decrypt(ciphertext, CONTEXT),
        "'known-aes'",
        "version 0");
  }

  @Test
  void decrypt_envelopeNamingNonexistentVersion_throwsInvalidCiphertextNamingIt() {
    byte[] ciphertext = aes.encrypt(DATA, CONTEXT);
    ciphertext[4] = 99;

    expect(
        InvalidCiphertextException.class,
        () -> aes.decrypt(ciphertext, CONTEXT),
        "'known-aes'",
        "version 99");
  }

  // ---- InvalidCiphertextException: authentication failures ----

  /** Ways to break an AEAD envelope (5-byte header, 12-byte nonce, ciphertext, 16-byte tag). */
  enum Corruption {
    FLIPPED_NONCE_BIT,
    FLIPPED_CIPHERTEXT_BIT,
    FLIPPED_TAG_BIT,
    TRUNCATED_BY_ONE_BYTE,
    TRUNCATED_TO_HEADER_AND_NONCE,
    EXTENDED_BY_ONE_BYTE,
    WRONG_CONTEXT,
    CONTEXT_OMITTED_ON_DECRYPT,
    CONTEXT_ADDED_ON_DECRYPT,
    MADE_BY_ANOTHER_KEY
  }

  /**
   * Decrypts {@code corruption} applied to a fresh ciphertext of {@code key}; returns the failure.
   */
  private InvalidCiphertextException decryptCorrupted(KeyHandle key, Corruption corruption) {
    byte[] ct = key.encrypt(DATA, CONTEXT);
    byte[] noContextCt = key.encrypt(DATA);
    byte[] other =
        hsm.createKey(
                "other-" + corruption.name().toLowerCase().replace('_', '-'),
                key.info().algorithm() == Algorithm.AES_256_GCM
                    ? KeySpec.aes256Gcm()
                    : KeySpec.chacha20Poly1305())
            .encrypt(DATA, CONTEXT);
    ThrowingCallable call;
    switch (corruption) {
      case FLIPPED_NONCE_BIT:
        call = () -> key.decrypt(copyWith(ct, 5), CONTEXT);
        break;
      case FLIPPED_CIPHERTEXT_BIT:
        call = () -> key.decrypt(copyWith(ct, 5 + 12 + 3), CONTEXT);
        break;
      case FLIPPED_TAG_BIT:
        call = () -> key.decrypt(copyWith(ct, ct.length - 1), CONTEXT);
        break;
      case TRUNCATED_BY_ONE_BYTE:
        call = () -> key.decrypt(Arrays.copyOf(ct, ct.length - 1), CONTEXT);
        break;
      case TRUNCATED_TO_HEADER_AND_NONCE:
        call = () -> key.decrypt(Arrays.copyOf(ct, 5 + 12), CONTEXT);
        break;
      case EXTENDED_BY_ONE_BYTE:
        call = () -> key.decrypt(Arrays.copyOf(ct, ct.length + 1), CONTEXT);
        break;
      case WRONG_CONTEXT:
        call = () -> key.decrypt(ct, "order=1235".getBytes(UTF_8));
        break;
      case CONTEXT_OMITTED_ON_DECRYPT:
        call = () -> key.decrypt(ct);
        break;
      case CONTEXT_ADDED_ON_DECRYPT:
        call = () -> key.decrypt(noContextCt, CONTEXT);
        break;
      default:
        call = () -> key.decrypt(other, CONTEXT);
        break;
    }
    return expect(InvalidCiphertextException.class, call, "'" + key.name() + "'", "version 1");
  }

  @ParameterizedTest
  @EnumSource(Corruption.class)
  void decrypt_corruptedAesGcmCiphertext_throwsInvalidCiphertext(Corruption corruption) {
    decryptCorrupted(aes, corruption);
  }

  @ParameterizedTest
  @EnumSource(Corruption.class)
  void decrypt_corruptedChaChaCiphertext_throwsInvalidCiphertext(Corruption corruption) {
    decryptCorrupted(hsm.createKey("chacha", KeySpec.chacha20Poly1305()), corruption);
  }

  @Test
  void decrypt_authenticationFailures_allShareOneMessage() {
    List<String> messages =
        Stream.of(Corruption.values())
            .map(corruption -> decryptCorrupted(aes, corruption).getMessage())
            .distinct()
            .toList();

    assertThat(messages).hasSize(1);
    assertThat(messages.get(0)).contains("'known-aes'").contains("version 1");
  }

  @Test
  void decrypt_rsaOaepWithWrongContextOrOtherKey_throwsInvalidCiphertextWithTheSameMessage() {
    KeyHandle rsa = hsm.createKey("rsa", KeySpec.rsaOaepSha256(2048));
    byte[] ct = rsa.encrypt(DATA, CONTEXT);

    String wrongContext =
        expect(InvalidCiphertextException.class, () -> rsa.decrypt(ct), "'rsa'", "version 1")
            .getMessage();
    String flipped =
        expect(
                InvalidCiphertextException.class,
                () -> rsa.decrypt(copyWith(ct, ct.length - 1), CONTEXT),
                "'rsa'",
                "version 1")
            .getMessage();
    String truncated =
        expect(
                InvalidCiphertextException.class,
                () -> rsa.decrypt(Arrays.copyOf(ct, ct.length - 1), CONTEXT),
                "'rsa'",
                "version 1")
            .getMessage();
    assertThat(List.of(flipped, truncated)).containsOnly(wrongContext);
  }

  // ---- VerificationFailedException ----

  static Stream<KeySpec> signatureSpecs() {
    return Stream.of(
        KeySpec.ecdsaP256(),
        KeySpec.ecdsaP384(),
        KeySpec.ecdsaP521(),
        KeySpec.ed25519(),
        KeySpec.rsaPkcs1Sha256(2048),
        KeySpec.rsaPssSha256(2048));
  }

  @ParameterizedTest
  @MethodSource("signatureSpecs")
  void verify_badSignatures_throwVerificationFailed(KeySpec spec) {
    KeyHandle signer = hsm.createKey("signer", spec);
    KeyHandle otherSigner = hsm.createKey("other", spec);
    byte[] signature = signer.sign(DATA);
    byte[] otherData = "the launch code is 0001".getBytes(UTF_8);

    expect(
        VerificationFailedException.class,
        () -> signer.verify(DATA, copyWith(signature, signature.length - 1)),
        "'signer'",
        "version 1");
    expect(
        VerificationFailedException.class,
        () -> signer.verify(DATA, copyWith(signature, 5)),
        "'signer'",
        "version 1");
    expect(
        VerificationFailedException.class,
        () -> signer.verify(otherData, signature),
        "'signer'",
        "version 1");
    expect(
        VerificationFailedException.class,
        () -> signer.verify(DATA, otherSigner.sign(DATA)),
        "'signer'",
        "version 1");
    expect(
        VerificationFailedException.class,
        () -> signer.verify(DATA, Arrays.copyOf(signature, signature.length - 1)),
        "'signer'",
        "version 1");
    expect(
        VerificationFailedException.class,
        () -> signer.verify(DATA, Arrays.copyOf(signature, 5)),
        "'signer'",
        "version 1");
    expect(
        VerificationFailedException.class,
        () -> signer.verify(DATA, Arrays.copyOf(signature, 4)),
        "'signer'");
    expect(VerificationFailedException.class, () -> signer.verify(DATA, new byte[0]), "'signer'");
  }

  @Test
  void verify_envelopeOfWrongFormat_throwsVerificationFailedNamingTheFormat() {
    KeyHandle signer = hsm.createKey("signer", KeySpec.ecdsaP256());
    byte[] signature = signer.sign(DATA);
    byte[] relabelled = signature.clone();
    relabelled[0] = 0x05;

    expect(
        VerificationFailedException.class,
        () -> signer.verify(DATA, aes.encrypt(DATA)),
        "'signer'",
        "0x01");
    expect(VerificationFailedException.class, () -> signer.verify(DATA, relabelled), "'signer'");
  }

  @Test
  void verify_signatureNamingNonexistentVersion_throwsVerificationFailedNamingIt() {
    KeyHandle signer = hsm.createKey("signer", KeySpec.ed25519());
    byte[] signature = signer.sign(DATA);
    signature[4] = 7;

    expect(
        VerificationFailedException.class,
        () -> signer.verify(DATA, signature),
        "'signer'",
        "version 7");
  }

  @Test
  void verifyMac_badTags_throwVerificationFailed() {
    KeyHandle hmac = hsm.key("known-hmac");
    KeyHandle otherHmac = hsm.createKey("other-hmac", KeySpec.hmacSha256());
    byte[] tag = hmac.mac(DATA);
    hmac.verifyMac(DATA, tag);

    expect(
        VerificationFailedException.class,
        () -> hmac.verifyMac(DATA, copyWith(tag, tag.length - 1)),
        "'known-hmac'",
        "version 1");
    expect(
        VerificationFailedException.class,
        () -> hmac.verifyMac(DATA, Arrays.copyOf(tag, tag.length - 1)),
        "'known-hmac'",
        "version 1");
    expect(
        VerificationFailedException.class,
        () -> hmac.verifyMac(DATA, Arrays.copyOf(tag, tag.length + 1)),
        "'known-hmac'",
        "version 1");
    expect(
        VerificationFailedException.class,
        () -> hmac.verifyMac("other".getBytes(UTF_8), tag),
        "'known-hmac'",
        "version 1");
    expect(
        VerificationFailedException.class,
        () -> hmac.verifyMac(DATA, otherHmac.mac(DATA)),
        "'known-hmac'",
        "version 1");
    byte[] asSignature = tag.clone();
    asSignature[0] = 0x04;
    expect(
        VerificationFailedException.class,
        () -> hmac.verifyMac(DATA, asSignature),
        "'known-hmac'",
        "0x04");
  }

  @Test
  void verifyAndVerifyMac_format1Envelopes_throwRetiredEnvelopeFormatSayingWhatToDo() {
    KeyHandle signer = hsm.createKey("signer", KeySpec.ecdsaP256());
    KeyHandle hmac = hsm.key("known-hmac");
    byte[] signature = signer.sign(DATA);
    signature[0] = 0x02;
    byte[] tag = hmac.mac(DATA);
    tag[0] = 0x03;

    expect(
        RetiredEnvelopeFormatException.class,
        () -> signer.verify(DATA, signature),
        "'signer'",
        "format-1",
        "0x02",
        "sign()",
        "0x04");
    expect(
        RetiredEnvelopeFormatException.class,
        () -> hmac.verifyMac(DATA, tag),
        "'known-hmac'",
        "format-1",
        "0x03",
        "mac()",
        "0x05");
  }

  // ---- InvalidKeyMaterialException ----
  // Type and secrecy are checked for every call first, then that the message names the key being
  // imported, so a failure tells which of the two is wrong.

  /** Asserts that each message names {@code keyName}, as the exception contract promises. */
  private static void assertNamesTheKey(String keyName, Throwable... thrown) {
    for (Throwable t : thrown) {
      assertThat(t.getMessage())
          .as("message of %s should name the key being imported", t.getClass().getSimpleName())
          .contains("'" + keyName + "'");
    }
  }

  @Test
  void importKey_aesKeyOf16Bytes_throwsInvalidKeyMaterial() {
    byte[] shortKey = pattern(16, 0x33);
    secrets.bytes(shortKey);

    InvalidKeyMaterialException thrown =
        expect(
            InvalidKeyMaterialException.class,
            () -> hsm.importKey("short-aes", KeySpec.aes256Gcm(), KeyMaterial.secretKey(shortKey)),
            "32",
            "16");
    assertThat(hsm.findKey("short-aes")).isEmpty();
    assertNamesTheKey("short-aes", thrown);
  }

  /** RFC 2104: a key shorter than the hash's output is refused; that length and longer import. */
  @ParameterizedTest
  @CsvSource({"HMAC_SHA256, 32", "HMAC_SHA384, 48", "HMAC_SHA512, 64"})
  void importKey_hmacKeyShorterThanTheHashOutput_throwsInvalidKeyMaterial_andStoresNothing(
      Algorithm algorithm, int hashBytes) {
    KeySpec spec = KeySpec.of(algorithm);
    for (int length : new int[] {16, hashBytes - 1}) {
      String name = "short-" + length;
      expect(
          InvalidKeyMaterialException.class,
          () -> hsm.importKey(name, spec, KeyMaterial.secretKey(pattern(length, 0x45))),
          String.valueOf(length),
          String.valueOf(hashBytes));
      assertThat(hsm.findKey(name)).isEmpty();
    }
    for (int length : new int[] {hashBytes, 1024}) {
      KeyHandle key =
          hsm.importKey("long-" + length, spec, KeyMaterial.secretKey(pattern(length, 0x46)));
      key.verifyMac(DATA, key.mac(DATA));
    }
    expect(
        InvalidKeyMaterialException.class,
        () -> hsm.importKey("too-long", spec, KeyMaterial.secretKey(pattern(1025, 0x47))),
        "1025");
  }

  @Test
  void importKey_hmacKeyOf8Bytes_throwsInvalidKeyMaterial() {
    byte[] shortKey = pattern(8, 0x44);
    secrets.bytes(shortKey);

    InvalidKeyMaterialException thrown =
        expect(
            InvalidKeyMaterialException.class,
            () ->
                hsm.importKey("short-hmac", KeySpec.hmacSha256(), KeyMaterial.secretKey(shortKey)),
            "8");
    assertThat(hsm.findKey("short-hmac")).isEmpty();
    assertNamesTheKey("short-hmac", thrown);
  }

  @Test
  void importKey_p384PrivateKeyAsP256_throwsInvalidKeyMaterial() throws Exception {
    KeyPair p384 = jdkKeyPair("EC", "secp384r1");
    secrets.bytes(p384.getPrivate().getEncoded());

    InvalidKeyMaterialException thrown =
        expect(
            InvalidKeyMaterialException.class,
            () ->
                hsm.importKey(
                    "p384-as-p256",
                    KeySpec.ecdsaP256(),
                    KeyMaterial.privateKeyPkcs8(p384.getPrivate().getEncoded())));
    assertThat(hsm.findKey("p384-as-p256")).isEmpty();
    assertNamesTheKey("p384-as-p256", thrown);
  }

  @Test
  void importKey_rsa2048KeyWithSpec3072_throwsInvalidKeyMaterial() throws Exception {
    KeyPair rsa = jdkKeyPair("RSA", 2048);
    secrets.bytes(rsa.getPrivate().getEncoded());

    InvalidKeyMaterialException privateKey =
        expect(
            InvalidKeyMaterialException.class,
            () ->
                hsm.importKey(
                    "rsa-3072",
                    KeySpec.rsaPssSha256(3072),
                    KeyMaterial.privateKeyPkcs8(rsa.getPrivate().getEncoded())),
            "2048",
            "3072");
    InvalidKeyMaterialException publicKey =
        expect(
            InvalidKeyMaterialException.class,
            () ->
                hsm.importKey(
                    "rsa-3072",
                    KeySpec.rsaPssSha256(3072),
                    KeyMaterial.publicKeyX509(rsa.getPublic().getEncoded())),
            "2048",
            "3072");
    assertThat(hsm.findKey("rsa-3072")).isEmpty();
    assertNamesTheKey("rsa-3072", privateKey, publicKey);
  }

  static Stream<Arguments> garbage() {
    return Stream.of(
        Arguments.of("text", "not a key at all".getBytes(UTF_8)),
        Arguments.of("empty", new byte[0]),
        Arguments.of("empty sequence", new byte[] {0x30, 0x00}),
        Arguments.of("sequence of version only", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}),
        Arguments.of("integer", new byte[] {0x02, 0x01, 0x05}),
        Arguments.of("bad length", new byte[] {0x30, (byte) 0x84, 0x7f, 0x7f, 0x7f, 0x7f}),
        Arguments.of("random", pattern(200, 0x55)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("garbage")
  void importKey_garbageAsPkcs8_throwsInvalidKeyMaterial(String what, byte[] garbage) {
    InvalidKeyMaterialException asPkcs8 =
        expect(
            InvalidKeyMaterialException.class,
            () ->
                hsm.importKey(
                    "garbage", KeySpec.ecdsaP256(), KeyMaterial.privateKeyPkcs8(garbage)));
    InvalidKeyMaterialException asRsaPkcs8 =
        expect(
            InvalidKeyMaterialException.class,
            () ->
                hsm.importKey(
                    "garbage", KeySpec.rsaPssSha256(2048), KeyMaterial.privateKeyPkcs8(garbage)));
    InvalidKeyMaterialException asX509 =
        expect(
            InvalidKeyMaterialException.class,
            () -> hsm.importKey("garbage", KeySpec.ed25519(), KeyMaterial.publicKeyX509(garbage)));
    assertThat(hsm.findKey("garbage")).isEmpty();
    assertNamesTheKey("garbage", asPkcs8, asRsaPkcs8, asX509);
  }

  @Test
  void importKey_truncatedPkcs8_throwsInvalidKeyMaterial() throws Exception {
    byte[] der = jdkKeyPair("EC", "secp256r1").getPrivate().getEncoded();
    secrets.bytes(der);

    InvalidKeyMaterialException thrown =
        expect(
            InvalidKeyMaterialException.class,
            () ->
                hsm.importKey(
                    "truncated",
                    KeySpec.ecdsaP256(),
                    KeyMaterial.privateKeyPkcs8(Arrays.copyOf(der, der.length - 3))));
    assertNamesTheKey("truncated", thrown);
  }

  @Test
  void importKey_publicKeyForHmacSpec_throwsInvalidKeyMaterial() throws Exception {
    byte[] publicKey = jdkKeyPair("EC", "secp256r1").getPublic().getEncoded();

    InvalidKeyMaterialException thrown =
        expect(
            InvalidKeyMaterialException.class,
            () ->
                hsm.importKey(
                    "hmac-from-public",
                    KeySpec.hmacSha256(),
                    KeyMaterial.publicKeyX509(publicKey)));
    assertNamesTheKey("hmac-from-public", thrown);
  }

  @Test
  void importKey_rawBytesForEcdsaSpec_throwsInvalidKeyMaterial() {
    InvalidKeyMaterialException thrown =
        expect(
            InvalidKeyMaterialException.class,
            () -> hsm.importKey("ec-raw", KeySpec.ecdsaP256(), KeyMaterial.secretKey(KNOWN_AES)));
    assertNamesTheKey("ec-raw", thrown);
  }

  @Test
  void keyMaterialPublicKeyPem_givenPrivateKeyPem_throwsInvalidKeyMaterial() throws Exception {
    byte[] der = jdkKeyPair("EC", "secp256r1").getPrivate().getEncoded();
    secrets.bytes(der);
    String privatePem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(der)
            + "\n-----END PRIVATE KEY-----\n";

    expect(
        InvalidKeyMaterialException.class,
        () -> KeyMaterial.publicKeyPem(privatePem),
        "PRIVATE KEY",
        "PUBLIC KEY");
    expect(InvalidKeyMaterialException.class, () -> KeyMaterial.publicKeyPem("no pem here"));
  }

  // ---- InvalidArgumentException: null, malformed and out-of-range arguments ----

  @ParameterizedTest
  @ValueSource(strings = {"a b", "a/b", "../etc", "", ".hidden", "-dash", "tab\tname", "ü"})
  void keyName_invalid_throwsInvalidArgumentNamingIt(String name) {
    String quoted = "'" + name + "'";
    expect(InvalidArgumentException.class, () -> hsm.createKey(name, KeySpec.aes256Gcm()), quoted);
    expect(InvalidArgumentException.class, () -> hsm.ensureKey(name, KeySpec.aes256Gcm()), quoted);
    expect(
        InvalidArgumentException.class,
        () -> hsm.importKey(name, KeySpec.aes256Gcm(), KeyMaterial.secretKey(KNOWN_AES)),
        quoted);
    expect(InvalidArgumentException.class, () -> hsm.key(name), quoted);
    expect(InvalidArgumentException.class, () -> hsm.findKey(name), quoted);
  }

  @Test
  void keyName_of129Characters_throwsInvalidArgument_while128AreAccepted() {
    String tooLong = "k".repeat(129);
    expect(
        InvalidArgumentException.class, () -> hsm.createKey(tooLong, KeySpec.aes256Gcm()), "128");

    KeyHandle longest = hsm.createKey("k".repeat(128), KeySpec.aes256Gcm());
    assertThat(longest.decrypt(longest.encrypt(DATA))).isEqualTo(DATA);
  }

  @Test
  void randomBytes_withNegativeCount_throwsInvalidArgument() {
    expect(InvalidArgumentException.class, () -> hsm.randomBytes(-1), "-1");
    assertThat(hsm.randomBytes(0)).isEmpty();
    assertThat(hsm.randomBytes(32)).hasSize(32);
  }

  @Test
  void rsaOaepEncrypt_ofMoreThan190BytesWith2048Bits_throwsInvalidArgument() {
    KeyHandle rsa = hsm.createKey("rsa", KeySpec.rsaOaepSha256(2048));
    byte[] largest = new byte[190];

    assertThat(rsa.decrypt(rsa.encrypt(largest, CONTEXT), CONTEXT)).isEqualTo(largest);
    InvalidArgumentException thrown =
        expect(
            InvalidArgumentException.class,
            () -> rsa.encrypt(new byte[191], CONTEXT),
            "190",
            "191");
    assertThat(thrown.getMessage()).as("message should name the key").contains("'rsa'");
  }

  @Test
  void keySpecMistakes_throwInvalidArgument() {
    expect(InvalidArgumentException.class, () -> KeySpec.rsaPssSha256(1024), "1024");
    expect(
        InvalidArgumentException.class,
        () -> KeySpec.aes256Gcm().withOperations(Operation.SIGN),
        "SIGN");
    expect(InvalidArgumentException.class, () -> KeySpec.of(Algorithm.RSA_PSS_SHA256), "RSA");
    expect(InvalidArgumentException.class, () -> KeySpec.aes256Gcm().withLabel("Bad Key", "v"));
    expect(
        InvalidArgumentException.class,
        () -> HsmConfig.sqlite(dir.resolve("x.db")).cacheSize(0),
        "0");
  }

  @Test
  void nullArguments_throwInvalidArgument() {
    KeyHandle ed = hsm.createKey("ed", KeySpec.ed25519());
    KeyHandle hmac = hsm.key("known-hmac");
    byte[] signature = ed.sign(DATA);
    byte[] tag = hmac.mac(DATA);
    byte[] ct = aes.encrypt(DATA);

    List<ThrowingCallable> calls =
        List.of(
            () -> hsm.createKey(null, KeySpec.aes256Gcm()),
            () -> hsm.createKey("x", null),
            () -> hsm.ensureKey(null, KeySpec.aes256Gcm()),
            () -> hsm.ensureKey("x", null),
            () -> hsm.importKey(null, KeySpec.aes256Gcm(), KeyMaterial.secretKey(KNOWN_AES)),
            () -> hsm.importKey("x", null, KeyMaterial.secretKey(KNOWN_AES)),
            () -> hsm.importKey("x", KeySpec.aes256Gcm(), null),
            () -> hsm.key(null),
            () -> hsm.findKey(null),
            () -> aes.encrypt(null),
            () -> aes.encrypt(DATA, null),
            () -> aes.decrypt(null),
            () -> aes.decrypt(ct, null),
            () -> aes.generateDataKey(null),
            () -> ed.sign(null),
            () -> ed.verify(null, signature),
            () -> ed.verify(DATA, null),
            () -> hmac.mac(null),
            () -> hmac.verifyMac(null, tag),
            () -> hmac.verifyMac(DATA, null),
            () -> KeyMaterial.secretKey(null),
            () -> KeyMaterial.privateKeyPem(null),
            () -> HsmConfig.sqlite(null),
            () -> HsmConfig.sqlite(dir.resolve("x.db")).passphrase((String) null),
            () -> HsmConfig.sqlite(dir.resolve("x.db")).keyFile(null),
            () -> KeySpec.of(null));
    for (ThrowingCallable call : calls) {
      expect(InvalidArgumentException.class, call);
    }
    assertThat(hsm.listKeys()).extracting(KeyInfo::name).doesNotContain("x");
  }

  // ---- closed client ----

  @Test
  void everyCall_onClosedClient_throwsHsmExceptionNamingTheStore() {
    KeyHandle ed = hsm.createKey("ed", KeySpec.ed25519());
    byte[] signature = ed.sign(DATA);
    byte[] ct = aes.encrypt(DATA);
    String store = dir.resolve("store.db").toString();
    hsm.close();
    assertThatNoException().isThrownBy(hsm::close);

    List<ThrowingCallable> calls =
        List.of(
            () -> hsm.createKey("new", KeySpec.aes256Gcm()),
            () -> hsm.ensureKey("ed", KeySpec.ed25519()),
            () -> hsm.importKey("new", KeySpec.aes256Gcm(), KeyMaterial.secretKey(KNOWN_AES)),
            () -> hsm.key("ed"),
            () -> hsm.findKey("ed"),
            hsm::listKeys,
            () -> hsm.randomBytes(16),
            () -> ed.sign(DATA),
            () -> ed.verify(DATA, signature),
            ed::publicKeyPem,
            ed::info,
            () -> aes.encrypt(DATA),
            () -> aes.decrypt(ct),
            () -> aes.generateDataKey(CONTEXT));
    for (ThrowingCallable call : calls) {
      expect(HsmException.class, call, "closed", store);
    }
    assertThat(ed.toString()).contains("ed").contains("HsmException");
  }

  // ---- data keys and toString ----

  @Test
  void generateDataKey_roundTripsThroughDecryptWithTheSameContext() {
    DataKey dataKey = aes.generateDataKey(CONTEXT);

    assertThat(dataKey.plaintextKey()).hasSize(32);
    assertThat(aes.decrypt(dataKey.encryptedKey(), CONTEXT)).isEqualTo(dataKey.plaintextKey());
    expect(
        InvalidCiphertextException.class,
        () -> aes.decrypt(dataKey.encryptedKey(), DATA),
        "'known-aes'",
        "version 1");
    assertThat(aes.generateDataKey(CONTEXT).plaintextKey()).isNotEqualTo(dataKey.plaintextKey());
  }

  @Test
  void dataKey_toStringMasksTheKey_andDestroyWipesIt() {
    DataKey dataKey = hsm.createKey("chacha", KeySpec.chacha20Poly1305()).generateDataKey(CONTEXT);
    Secrets dataKeySecret = new Secrets().bytes(dataKey.plaintextKey());

    dataKeySecret.assertAbsentFrom("DataKey.toString", dataKey.toString());
    assertThat(dataKey.toString()).contains("<masked>");

    dataKey.destroy();
    assertThat(dataKey.isDestroyed()).isTrue();
    expect(HsmException.class, dataKey::plaintextKey, "destroyed");
    dataKeySecret.assertAbsentFrom("DataKey.toString", dataKey.toString());
  }

  @Test
  void keyMaterial_toStringMasksTheBytes() throws Exception {
    KeyPair ec = jdkKeyPair("EC", "secp256r1");
    Secrets material = new Secrets().bytes(KNOWN_AES).bytes(ec.getPrivate().getEncoded());

    KeyMaterial secret = KeyMaterial.secretKey(KNOWN_AES);
    KeyMaterial pkcs8 = KeyMaterial.privateKeyPkcs8(ec.getPrivate().getEncoded());
    material.assertAbsentFrom("KeyMaterial.toString", secret.toString());
    material.assertAbsentFrom("KeyMaterial.toString", pkcs8.toString());
    assertThat(secret.toString()).isEqualTo("KeyMaterial[SECRET, <masked>]");
    assertThat(pkcs8.toString()).isEqualTo("KeyMaterial[PRIVATE_PKCS8, <masked>]");
  }

  @Test
  void keyHandle_toStringShowsNameVersionAlgorithmAndOperationsOnly() {
    KeyHandle decryptOnly =
        hsm.createKey(
            "labelled",
            KeySpec.aes256Gcm().withOperations(Operation.DECRYPT).withLabel("team", "secret-team"));

    assertThat(aes.toString()).isEqualTo("KeyHandle[known-aes v1 AES_256_GCM ENCRYPT,DECRYPT]");
    assertThat(hsm.key("known-hmac").toString())
        .isEqualTo("KeyHandle[known-hmac v1 HMAC_SHA256 SIGN,VERIFY]");
    assertThat(decryptOnly.toString()).isEqualTo("KeyHandle[labelled v1 AES_256_GCM DECRYPT]");
    secrets.assertAbsentFrom("KeyHandle.toString", aes.toString());
  }
}
