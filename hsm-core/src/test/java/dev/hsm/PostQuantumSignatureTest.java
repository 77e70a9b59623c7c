package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ML-DSA, HashML-DSA and SLH-DSA keys through {@link KeyHandle}: raw signatures (format 2), JWS and
 * public keys, each checked by an outside party ({@link PostQuantumTestSupport}: Bouncy Castle's
 * low-level signers, reading keys only from the PEM or JWK the library hands out).
 * SLH-DSA-SHA2-128s signs in seconds, so it makes one signature here; the fast "f" set stands in
 * elsewhere.
 */
class PostQuantumSignatureTest {
  private static final byte[] DATA = "invoice 1001".getBytes(StandardCharsets.UTF_8);

  @TempDir static Path dir;
  static HsmClient hsm;

  @BeforeAll
  static void open() {
    hsm = TestStores.open(dir, "pq.db");
  }

  @AfterAll
  static void close() {
    hsm.close();
  }

  /** Every post-quantum signature algorithm but the slow SLH-DSA-SHA2-128s. */
  static Stream<Algorithm> fastAlgorithms() {
    return Stream.of(
        Algorithm.ML_DSA_44,
        Algorithm.ML_DSA_65,
        Algorithm.ML_DSA_87,
        Algorithm.HASH_ML_DSA_44_SHA512,
        Algorithm.HASH_ML_DSA_65_SHA512,
        Algorithm.HASH_ML_DSA_87_SHA512,
        Algorithm.SLH_DSA_SHAKE_128F);
  }

  static Stream<Algorithm> joseAlgorithms() {
    return fastAlgorithms().filter(algorithm -> algorithm.joseName() != null);
  }

  private static ASN1ObjectIdentifier nistOid(Algorithm algorithm) {
    switch (algorithm) {
      case ML_DSA_44:
        return NISTObjectIdentifiers.id_ml_dsa_44;
      case ML_DSA_65:
        return NISTObjectIdentifiers.id_ml_dsa_65;
      case ML_DSA_87:
        return NISTObjectIdentifiers.id_ml_dsa_87;
      case HASH_ML_DSA_44_SHA512:
        return NISTObjectIdentifiers.id_hash_ml_dsa_44_with_sha512;
      case HASH_ML_DSA_65_SHA512:
        return NISTObjectIdentifiers.id_hash_ml_dsa_65_with_sha512;
      case HASH_ML_DSA_87_SHA512:
        return NISTObjectIdentifiers.id_hash_ml_dsa_87_with_sha512;
      case SLH_DSA_SHA2_128S:
        return NISTObjectIdentifiers.id_slh_dsa_sha2_128s;
      default:
        return NISTObjectIdentifiers.id_slh_dsa_shake_128f;
    }
  }

  /** FIPS 204 and 205: public key and signature sizes in bytes. */
  private static int[] sizes(Algorithm algorithm) {
    switch (algorithm) {
      case ML_DSA_44:
      case HASH_ML_DSA_44_SHA512:
        return new int[] {1312, 2420};
      case ML_DSA_65:
      case HASH_ML_DSA_65_SHA512:
        return new int[] {1952, 3309};
      case ML_DSA_87:
      case HASH_ML_DSA_87_SHA512:
        return new int[] {2592, 4627};
      case SLH_DSA_SHA2_128S:
        return new int[] {32, 7856};
      default:
        return new int[] {32, 17088};
    }
  }

  private static String name(String prefix, Algorithm algorithm) {
    return prefix + "-" + algorithm.name().toLowerCase();
  }

  @ParameterizedTest
  @MethodSource("fastAlgorithms")
  void sign_makesAStandardSignatureOfHeaderAndData_thatAnOutsideVerifierAccepts(
      Algorithm algorithm) {
    KeyHandle key = hsm.createKey(name("sign", algorithm), KeySpec.of(algorithm));
    byte[] envelope = key.sign(DATA);

    key.verify(DATA, envelope);
    byte[] spki = PostQuantumTestSupport.spki(key.publicKeyPem());
    SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(spki);
    assertThat(info.getAlgorithm().getAlgorithm()).isEqualTo(nistOid(algorithm));
    assertThat(info.getAlgorithm().getParameters()).as("parameters absent").isNull();
    assertThat(info.getPublicKeyData().getOctets()).hasSize(sizes(algorithm)[0]);
    assertThat(envelope).hasSize(5 + sizes(algorithm)[1]);
    byte[] signed = concat(Arrays.copyOf(envelope, 5), DATA);
    byte[] signature = Arrays.copyOfRange(envelope, 5, envelope.length);
    assertThat(PostQuantumTestSupport.verifies(algorithm, spki, signed, signature)).isTrue();
    assertThat(PostQuantumTestSupport.verifies(algorithm, spki, DATA, signature))
        .as("the bare data is not what was signed")
        .isFalse();

    byte[] altered = envelope.clone();
    altered[100] ^= 1;
    assertThatThrownBy(() -> key.verify(DATA, altered))
        .isInstanceOf(VerificationFailedException.class);
    assertThatThrownBy(() -> key.verify("other".getBytes(StandardCharsets.UTF_8), envelope))
        .isInstanceOf(VerificationFailedException.class);
  }

  @Test
  void slhDsaSha2_128s_signsOnceAndAnOutsideVerifierAccepts() {
    Algorithm algorithm = Algorithm.SLH_DSA_SHA2_128S;
    KeyHandle key = hsm.createKey("slh-s", KeySpec.slhDsaSha2_128s());
    byte[] envelope = key.sign(DATA);

    key.verify(DATA, envelope);
    byte[] spki = PostQuantumTestSupport.spki(key.publicKeyPem());
    assertThat(SubjectPublicKeyInfo.getInstance(spki).getAlgorithm().getAlgorithm())
        .isEqualTo(nistOid(algorithm));
    assertThat(envelope).hasSize(5 + 7856);
    assertThat(
            PostQuantumTestSupport.verifies(
                algorithm,
                spki,
                concat(Arrays.copyOf(envelope, 5), DATA),
                Arrays.copyOfRange(envelope, 5, envelope.length)))
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("joseAlgorithms")
  void jws_carriesTheJoseName_andVerifiesOutsideWithTheAkpJwkAndAnEmptyContext(Algorithm algorithm)
      throws Exception {
    KeyHandle key = hsm.createKey(name("jws", algorithm), KeySpec.of(algorithm));
    byte[] payload = "{\"sub\":\"alice\"}".getBytes(StandardCharsets.UTF_8);
    String token = key.signJws(payload);

    assertThat(key.verifyJws(token)).isEqualTo(payload);
    JWSObject jws = JWSObject.parse(token);
    assertThat(jws.getHeader().getAlgorithm().getName()).isEqualTo(algorithm.joseName());
    assertThat(jws.getHeader().getKeyID()).isEqualTo(key.name() + ":1");

    Map<String, Object> jwk = JSONObjectUtils.parse(key.publicJwk());
    assertThat(jwk)
        .containsEntry("kty", "AKP")
        .containsEntry("alg", algorithm.joseName())
        .containsEntry("use", "sig")
        .containsEntry("kid", key.name() + ":1")
        .containsOnlyKeys("kty", "alg", "use", "kid", "pub");
    byte[] pub = new Base64URL((String) jwk.get("pub")).decode();
    byte[] pemKey = PostQuantumTestSupport.spki(key.publicKeyPem());
    assertThat(pub).isEqualTo(PostQuantumTestSupport.rawPublicKey(pemKey));
    // rebuild the SPKI from the JWK alone: NIST OID + the raw key
    byte[] fromJwk =
        new SubjectPublicKeyInfo(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(nistOid(algorithm)), pub)
            .getEncoded();
    assertThat(
            PostQuantumTestSupport.verifies(
                algorithm, fromJwk, jws.getSigningInput(), jws.getSignature().decode()))
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("fastAlgorithms")
  void rotation_keepsOldSignaturesVerifying(Algorithm algorithm) {
    if (algorithm.name().startsWith("HASH_")) {
      return; // the same code path as ML-DSA; keeps the suite short
    }
    KeyHandle key = hsm.createKey(name("rot", algorithm), KeySpec.of(algorithm));
    byte[] old = key.sign(DATA);
    assertThat(key.rotate()).isEqualTo(2);
    byte[] fresh = key.sign(DATA);

    assertThat(fresh[4]).isEqualTo((byte) 2);
    key.verify(DATA, old);
    key.verify(DATA, fresh);
    key.disableVersion(1);
    assertThatThrownBy(() -> key.verify(DATA, old)).isInstanceOf(KeyDisabledException.class);
  }

  @Test
  void hashMlDsa_hasNoJoseName_soItMakesNoJwsAndNoJwk_butSignsAndExportsPem() {
    KeyHandle key = hsm.createKey("hash-ml-dsa", KeySpec.of(Algorithm.HASH_ML_DSA_65_SHA512));

    assertThatThrownBy(() -> key.signJws(DATA))
        .isInstanceOf(WrongKeyTypeException.class)
        .hasMessageContaining("JOSE defines no algorithm name");
    assertThatThrownBy(() -> key.verifyJws("a.b.c"))
        .isInstanceOf(WrongKeyTypeException.class)
        .hasMessageContaining("JOSE defines no algorithm name");
    assertThatThrownBy(key::publicJwk)
        .isInstanceOf(WrongKeyTypeException.class)
        .hasMessageContaining("publicKeyPem()");
    key.verify(DATA, key.sign(DATA));
    assertThat(key.publicKeyPem()).startsWith("-----BEGIN PUBLIC KEY-----");
  }

  @ParameterizedTest
  @MethodSource("fastAlgorithms")
  void verifyStandardSignature_acceptsAnOutsideSignatureOverBareData_withAnImportedPublicKey(
      Algorithm algorithm) throws Exception {
    AsymmetricCipherKeyPair outside = PostQuantumTestSupport.keyPair(algorithm);
    byte[] spki =
        SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(outside.getPublic()).getEncoded();
    KeyHandle partner =
        hsm.importKey(
            name("partner", algorithm),
            KeySpec.of(algorithm).withOperations(Operation.VERIFY),
            KeyMaterial.publicKeyX509(spki));
    byte[] signature = PostQuantumTestSupport.sign(algorithm, outside.getPrivate(), DATA);

    partner.verifyStandardSignature(DATA, signature, 1);
    assertThat(partner.info().imported()).isTrue();
    assertThat(PostQuantumTestSupport.spki(partner.publicKeyPem())).isEqualTo(spki);
    byte[] altered = signature.clone();
    altered[7] ^= 1;
    assertThatThrownBy(() -> partner.verifyStandardSignature(DATA, altered, 1))
        .isInstanceOf(VerificationFailedException.class);
    assertThatThrownBy(() -> partner.sign(DATA)).isInstanceOf(OperationNotPermittedException.class);
  }

  @Test
  void policyRefusals_andLifecycleActs_onPostQuantumKeys_areAudited() {
    KeyHandle key = hsm.createKey("audited", KeySpec.mlDsa44().withOperations(Operation.VERIFY));
    assertThatThrownBy(() -> key.sign(DATA)).isInstanceOf(OperationNotPermittedException.class);
    KeyHandle kem = hsm.createKey("audited-kem", KeySpec.mlKem1024());
    kem.rotate();

    List<AuditEntry> entries = hsm.auditLog().entries(1, 100_000);
    assertThat(entries)
        .anySatisfy(
            e -> {
              assertThat(e.keyName()).isEqualTo("audited");
              assertThat(e.action()).isEqualTo("key.sign");
              assertThat(e.outcome()).isEqualTo("refused");
            })
        .anySatisfy(
            e -> {
              assertThat(e.keyName()).isEqualTo("audited-kem");
              assertThat(e.action()).isEqualTo("key.rotate");
              assertThat(e.outcome()).isEqualTo("ok");
            });
    hsm.auditLog().verify();
  }

  @Test
  void toString_andInfo_nameThePostQuantumAlgorithm() {
    KeyHandle key = hsm.createKey("named", KeySpec.mlDsa65().withLabel("team", "pq"));

    assertThat(key.toString()).isEqualTo("KeyHandle[named v1 ML_DSA_65 SIGN,VERIFY]");
    assertThat(key.info().algorithm()).isEqualTo(Algorithm.ML_DSA_65);
    assertThat(Algorithm.ML_DSA_65.isPostQuantum()).isTrue();
    assertThat(Algorithm.ED25519.isPostQuantum()).isFalse();
    assertThat(hsm.cryptoProvider(Algorithm.ML_DSA_65)).startsWith("BC ");
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
