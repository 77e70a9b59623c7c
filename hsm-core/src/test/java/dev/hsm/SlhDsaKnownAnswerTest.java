package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.SLHDSAPrivateKeyParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SLH-DSA against NIST's known answers (FIPS 205 key generation, the ACVP sample vectors in {@code
 * src/test/resources/acvp/}): each vector's private key, imported as PKCS#8, must give the vector's
 * public key, and the import recomputes {@code PK.root} from the seeds, so the key-generation
 * computation itself is what is checked; a root one bit off is refused. Signing and verification,
 * for which no expected values are at hand, are checked across implementations with those keys: the
 * library's signatures verify with Bouncy Castle's low-level signer, and its signatures (made with
 * the vector's private key) verify in the library. SLH-DSA-SHA2-128s signs in seconds, so it signs
 * once each way.
 */
class SlhDsaKnownAnswerTest {
  private static final byte[] MESSAGE = "FIPS 205".getBytes(StandardCharsets.US_ASCII);
  private static final HexFormat HEX = HexFormat.of();

  @TempDir static Path dir;
  static HsmClient hsm;

  @BeforeAll
  static void open() {
    hsm = TestStores.open(dir, "slh.db");
  }

  @AfterAll
  static void close() {
    hsm.close();
  }

  /** One ACVP key-generation vector. */
  record Vector(Algorithm algorithm, int tcId, byte[] sk, byte[] pk) {
    @Override
    public String toString() {
      return algorithm + " tcId " + tcId;
    }
  }

  static List<Vector> vectors() throws Exception {
    List<Vector> out = new ArrayList<>();
    try (InputStream in =
        SlhDsaKnownAnswerTest.class.getResourceAsStream("/acvp/slh_dsa_keygen_fips205.json")) {
      JsonNode file = new ObjectMapper().readTree(in);
      for (JsonNode group : file.get("testGroups")) {
        Algorithm algorithm =
            group.get("parameterSet").asText().equals("SLH-DSA-SHA2-128s")
                ? Algorithm.SLH_DSA_SHA2_128S
                : Algorithm.SLH_DSA_SHAKE_128F;
        for (JsonNode test : group.get("tests")) {
          byte[] sk = HEX.parseHex(test.get("sk").asText().toLowerCase());
          byte[] pk = HEX.parseHex(test.get("pk").asText().toLowerCase());
          byte[] seeds =
              HEX.parseHex(
                  (test.get("skSeed").asText()
                          + test.get("skPrf").asText()
                          + test.get("pkSeed").asText())
                      .toLowerCase());
          assertThat(sk).startsWith(seeds).endsWith(Arrays.copyOfRange(pk, 16, 32));
          out.add(new Vector(algorithm, test.get("tcId").asInt(), sk, pk));
        }
      }
    }
    return out;
  }

  static Stream<Vector> keyGeneration() throws Exception {
    return vectors().stream();
  }

  private static ASN1ObjectIdentifier oid(Algorithm algorithm) {
    return algorithm == Algorithm.SLH_DSA_SHA2_128S
        ? NISTObjectIdentifiers.id_slh_dsa_sha2_128s
        : NISTObjectIdentifiers.id_slh_dsa_shake_128f;
  }

  /** RFC 9909: PKCS#8 whose privateKey OCTET STRING is the raw {@code SK.seed||SK.prf||PK}. */
  static byte[] pkcs8(Algorithm algorithm, byte[] sk) throws Exception {
    return new DERSequence(
            new ASN1Encodable[] {
              new ASN1Integer(0), new AlgorithmIdentifier(oid(algorithm)), new DEROctetString(sk)
            })
        .getEncoded();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyGeneration")
  void importedPrivateKey_givesTheKnownPublicKey(Vector v) throws Exception {
    KeyHandle key =
        hsm.importKey(
            "kat-" + v.tcId(),
            KeySpec.of(v.algorithm()),
            KeyMaterial.privateKeyPkcs8(pkcs8(v.algorithm(), v.sk())));

    assertThat(PostQuantumTestSupport.rawPublicKey(PostQuantumTestSupport.spki(key.publicKeyPem())))
        .isEqualTo(v.pk());
    if (v.algorithm() == Algorithm.SLH_DSA_SHA2_128S && v.tcId() != 1) {
      return; // each "s" key takes the better part of a second to check: one refusal is enough
    }
    byte[] wrongRoot = v.sk().clone();
    wrongRoot[wrongRoot.length - 1] ^= 1;
    assertThatThrownBy(
            () ->
                hsm.importKey(
                    "kat-wrong-" + v.tcId(),
                    KeySpec.of(v.algorithm()),
                    KeyMaterial.privateKeyPkcs8(pkcs8(v.algorithm(), wrongRoot))))
        .isInstanceOf(InvalidKeyMaterialException.class)
        .hasMessageContaining("PK.root is not the root its seeds give");
  }

  @Test
  void signatures_crossBetweenTheLibraryAndBouncyCastle_withTheKnownKeys() throws Exception {
    for (Vector v :
        List.of(first(Algorithm.SLH_DSA_SHA2_128S), first(Algorithm.SLH_DSA_SHAKE_128F))) {
      KeyHandle key =
          hsm.importKey(
              "cross-" + v.tcId(),
              KeySpec.of(v.algorithm()),
              KeyMaterial.privateKeyPkcs8(pkcs8(v.algorithm(), v.sk())));
      byte[] spki = PostQuantumTestSupport.spki(key.publicKeyPem());

      byte[] envelope = key.sign(MESSAGE);
      byte[] signed = Arrays.copyOf(envelope, 5 + MESSAGE.length);
      System.arraycopy(MESSAGE, 0, signed, 5, MESSAGE.length);
      assertThat(
              PostQuantumTestSupport.verifies(
                  v.algorithm(), spki, signed, Arrays.copyOfRange(envelope, 5, envelope.length)))
          .as("%s: the library's signature, checked by Bouncy Castle", v)
          .isTrue();

      KeyHandle verifier =
          hsm.importKey(
              "cross-verify-" + v.tcId(),
              KeySpec.of(v.algorithm()).withOperations(Operation.VERIFY),
              KeyMaterial.publicKeyX509(spki));
      byte[] theirs =
          PostQuantumTestSupport.sign(
              v.algorithm(),
              new SLHDSAPrivateKeyParameters(PostQuantumTestSupport.slhDsa(v.algorithm()), v.sk()),
              MESSAGE);
      verifier.verifyStandardSignature(MESSAGE, theirs, 1);
      theirs[theirs.length - 1] ^= 1;
      assertThatThrownBy(() -> verifier.verifyStandardSignature(MESSAGE, theirs, 1))
          .isInstanceOf(VerificationFailedException.class);
    }
  }

  private static Vector first(Algorithm algorithm) throws Exception {
    return vectors().stream().filter(v -> v.algorithm() == algorithm).findFirst().orElseThrow();
  }

  @Test
  void theVectorFileHoldsTenVectorsOfEachOfferedParameterSet() throws Exception {
    assertThat(vectors().stream().filter(v -> v.algorithm() == Algorithm.SLH_DSA_SHA2_128S))
        .hasSize(10);
    assertThat(vectors().stream().filter(v -> v.algorithm() == Algorithm.SLH_DSA_SHAKE_128F))
        .hasSize(10);
  }
}
