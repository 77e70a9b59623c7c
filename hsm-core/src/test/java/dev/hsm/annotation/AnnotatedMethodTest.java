package dev.hsm.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.TestStores;
import dev.hsm.VerificationFailedException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotatedMethodTest {
  @TempDir static Path dir;
  static HsmClient hsm;

  @BeforeAll
  static void open() {
    hsm = TestStores.open(dir, "annotations.db");
    hsm.createKey("receipts", KeySpec.ecdsaP256());
    hsm.createKey("pii", KeySpec.aes256Gcm());
    hsm.createKey("index", KeySpec.aes256GcmSiv());
    hsm.createKey("verify-only", KeySpec.ed25519().withOperations(Operation.VERIFY));
    hsm.createKey("hash-ml-dsa", KeySpec.of(Algorithm.HASH_ML_DSA_44_SHA512));
    hsm.createKey("pq-pii", KeySpec.mlKem1024());
    hsm.createKey("oaep", KeySpec.rsaOaepSha256(2048));
  }

  @AfterAll
  static void close() {
    hsm.close();
  }

  @SuppressWarnings("unused")
  static class Service {
    @Signed(key = "receipts")
    String receipt(String order) {
      return "paid " + order;
    }

    @Signed(key = "receipts")
    byte[] receiptBytes() {
      return new byte[] {1, 2, 3};
    }

    String accept(@Signed(key = "receipts") String signedOrder) {
      return signedOrder;
    }

    @Encrypted(key = "pii", context = "customer.email")
    String email() {
      return "alice@example.com";
    }

    String store(@Encrypted(key = "pii", context = "customer.email") String email) {
      return email;
    }

    @Encrypted(key = "index", deterministic = true)
    String indexed(String value) {
      return value;
    }

    String plain(String value) {
      return value;
    }

    @Signed(key = "receipts")
    int wrongType() {
      return 1;
    }

    @Signed(key = "missing")
    String unknownKey() {
      return "";
    }

    @Signed(key = "pii")
    String aesCannotSign() {
      return "";
    }

    @Signed(key = "verify-only")
    String keyCannotSign() {
      return "";
    }

    @Encrypted(key = "pii", deterministic = true)
    String deterministicOnRandomKey() {
      return "";
    }

    @Signed(key = "receipts")
    @Encrypted(key = "pii")
    String both() {
      return "";
    }

    @Signed(key = "hash-ml-dsa")
    String hashMlDsaMakesNoJws() {
      return "";
    }

    @Encrypted(key = "pq-pii", deterministic = true)
    String deterministicOnPostQuantumKey() {
      return "";
    }

    @Encrypted(key = "oaep")
    String rsaOaepCannotEncryptAnyLength() {
      return "";
    }

    @Encrypted(key = "pq-pii", context = "card")
    String card() {
      return "4111";
    }

    String storeCard(@Encrypted(key = "pq-pii", context = "card") String card) {
      return card;
    }
  }

  private static Method method(String name) {
    for (Method m : Service.class.getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        return m;
      }
    }
    throw new AssertionError(name);
  }

  private static AnnotatedMethod plan(String name) {
    return AnnotatedMethod.of(method(name), hsm::key).orElseThrow();
  }

  @Test
  void signedResult_becomesAJwsOfTheValue_thatTheKeyVerifies() throws Exception {
    String jws = (String) plan("receipt").outgoing("paid 42");

    assertThat(JWSObject.parse(jws).getHeader().getKeyID()).isEqualTo("receipts:1");
    assertThat(new String(hsm.key("receipts").verifyJws(jws), StandardCharsets.UTF_8))
        .isEqualTo("paid 42");
    assertThat(
            new String(
                (byte[]) plan("receiptBytes").outgoing(new byte[] {1}), StandardCharsets.US_ASCII))
        .matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  }

  @Test
  void signedParameter_isVerifiedAndUnwrapped_orRefusedBeforeTheBody() {
    String jws = hsm.key("receipts").signJws("order 7".getBytes(StandardCharsets.UTF_8));
    AnnotatedMethod accept = plan("accept");

    assertThat(accept.incoming(new Object[] {jws})).containsExactly("order 7");
    String forged = jws.substring(0, jws.length() - 4) + "AAAA";
    assertThatThrownBy(() -> accept.incoming(new Object[] {forged}))
        .isInstanceOf(VerificationFailedException.class);
  }

  @Test
  void encryptedResultAndParameter_roundTripWithTheContext() {
    String ciphertext = (String) plan("email").outgoing("alice@example.com");

    assertThat(ciphertext).doesNotContain("alice").matches("[A-Za-z0-9_-]+");
    assertThat(plan("store").incoming(new Object[] {ciphertext}))
        .containsExactly("alice@example.com");
    assertThatThrownBy(() -> plan("store").incoming(new Object[] {"not-base64!"}))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void deterministicResult_isEqualForEqualValues() {
    AnnotatedMethod indexed = plan("indexed");

    assertThat(indexed.outgoing("x")).isEqualTo(indexed.outgoing("x"));
    assertThat(indexed.outgoing("x")).isNotEqualTo(indexed.outgoing("y"));
  }

  @Test
  void nullsPassThrough_andUnannotatedMethodsHaveNoPlan() {
    assertThat(plan("email").outgoing(null)).isNull();
    assertThat(AnnotatedMethod.of(method("plain"), hsm::key)).isEmpty();
  }

  @Test
  void everyMisuse_failsAtPlanTime_namingMethodAndKey() {
    assertMisuse("wrongType", "receipts", "only String and byte[]");
    assertMisuse("unknownKey", "missing", "no key named 'missing'");
    assertMisuse("aesCannotSign", "pii", "cannot sign");
    assertMisuse("keyCannotSign", "verify-only", "does not allow SIGN");
    assertMisuse("deterministicOnRandomKey", "pii", "AES_256_GCM_SIV");
    assertMisuse("both", "receipts", "not both");
    assertMisuse("both", "pii", "not both");
    assertMisuse("hashMlDsaMakesNoJws", "hash-ml-dsa", "JOSE defines no algorithm name");
    assertMisuse("deterministicOnPostQuantumKey", "pq-pii", "AES_256_GCM_SIV");
    assertMisuse("rsaOaepCannotEncryptAnyLength", "oaep", "post-quantum encryption key");
  }

  @Test
  void encryptedResultAndParameter_withAPostQuantumKey_roundTrip() {
    String ciphertext = (String) plan("card").outgoing("4111");

    assertThat(plan("storeCard").incoming(new Object[] {ciphertext})).containsExactly("4111");
  }

  private static void assertMisuse(String methodName, String key, String why) {
    assertThatThrownBy(() -> AnnotatedMethod.of(method(methodName), hsm::key))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("Service." + methodName)
        .hasMessageContaining(key)
        .hasMessageContaining(why);
  }
}
