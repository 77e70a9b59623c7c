package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The library's own labels begin with {@code dev.hsm/}, and no public operation accepts a context
 * in that namespace: encrypt, decrypt, reencrypt and data keys refuse it, and sign refuses data in
 * it, with {@link OperationNotPermittedException}, counted and audited as refusals of input,
 * whatever the key. Any other context, however close, works as before.
 */
class ReservedNamespaceTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final byte[] CONTEXT = "tenant=7".getBytes(UTF_8);
  private static final List<String> RESERVED =
      List.of(
          "dev.hsm/",
          "dev.hsm/v1/key-export",
          "dev.hsm/v2/key-export",
          "dev.hsm/v2/key-export-signature",
          "dev.hsm/v9/not yet used");

  @TempDir Path dir;

  private HsmClient hsm;
  private final Secrets secrets = new Secrets().string(new String(DATA, UTF_8));

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "store.db");
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  static Stream<KeySpec> encryptionKeys() {
    return Stream.of(
        KeySpec.aes256Gcm(),
        KeySpec.chacha20Poly1305(),
        KeySpec.aes256GcmSiv(),
        KeySpec.rsaOaepSha256(2048));
  }

  @ParameterizedTest
  @MethodSource("encryptionKeys")
  void everyContextInTheReservedNamespace_isRefused_byEveryOperationThatTakesAContext(
      KeySpec spec) {
    KeyHandle key = hsm.createKey("k", spec);
    byte[] ciphertext = key.encrypt(DATA, CONTEXT);

    for (String reserved : RESERVED) {
      byte[] context = reserved.getBytes(UTF_8);
      List<Runnable> calls =
          new java.util.ArrayList<>(
              List.of(
                  () -> key.encrypt(DATA, context),
                  () -> key.decrypt(ciphertext, context),
                  () -> key.reencrypt(ciphertext, context)));
      if (spec.algorithm().kind() == Algorithm.Kind.AEAD
          && spec.algorithm() != Algorithm.AES_256_GCM_SIV) {
        calls.add(() -> key.generateDataKey(context));
      }
      for (Runnable call : calls) {
        secrets.thrown(
            OperationNotPermittedException.class,
            call::run,
            "key 'k'",
            "\"dev.hsm/\"",
            "reserved for the library's own labels",
            "choose another context");
      }
    }
    assertThat(key.decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
    assertThat(key.info().versions()).hasSize(1);
  }

  @ParameterizedTest
  @MethodSource("signatureKeys")
  void signingDataInTheReservedNamespace_isRefused_whileJwsAndMacsOfItWork(KeySpec spec) {
    KeyHandle key = hsm.createKey("signer", spec);
    KeyHandle mac = hsm.createKey("mac", KeySpec.hmacSha256());

    for (String reserved : RESERVED) {
      byte[] data = reserved.getBytes(UTF_8);
      secrets.thrown(
          OperationNotPermittedException.class,
          () -> key.sign(data),
          "key 'signer' cannot sign data that begins with \"dev.hsm/\"",
          "put a prefix of your own before the data");
      assertThat(key.verifyJws(key.signJws(data))).isEqualTo(data);
      mac.verifyMac(data, mac.mac(data));
    }
    byte[] prefixed = ("app:" + RESERVED.get(1)).getBytes(UTF_8);
    key.verify(prefixed, key.sign(prefixed));
  }

  static Stream<KeySpec> signatureKeys() {
    return Stream.of(KeySpec.ecdsaP256(), KeySpec.ed25519(), KeySpec.rsaPssSha256(2048));
  }

  @Test
  void refusals_areAuditedAsApplicationRefusals_oneEntryPerKind() {
    KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
    byte[] ciphertext = key.encrypt(DATA, CONTEXT);
    long before = hsm.auditLog().verify();

    for (int i = 0; i < 5; i++) {
      secrets.thrown(
          OperationNotPermittedException.class,
          () -> key.decrypt(ciphertext, "dev.hsm/v2/key-export".getBytes(UTF_8)));
    }
    secrets.thrown(
        OperationNotPermittedException.class,
        () -> key.encrypt(DATA, "dev.hsm/v2/key-export".getBytes(UTF_8)));

    List<AuditEntry> refusals = hsm.auditLog().entries(before + 1, 100);
    assertThat(refusals)
        .extracting(AuditEntry::actor, AuditEntry::action, AuditEntry::keyName, AuditEntry::outcome)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("app", "key.decrypt", "k", "refused"),
            org.assertj.core.groups.Tuple.tuple("app", "key.encrypt", "k", "refused"));
    assertThat(refusals)
        .filteredOn(entry -> entry.action().equals("key.decrypt"))
        .singleElement()
        .extracting(AuditEntry::detail)
        .asString()
        .startsWith("5 times: ")
        .contains("reserved");
    hsm.auditLog().verify();
  }

  @Test
  void contextsOutsideTheNamespace_stillWork_evenWhenTheyOnlyLookClose() {
    KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
    KeyHandle rsa = hsm.createKey("rsa", KeySpec.rsaOaepSha256(2048));

    for (String close :
        List.of("", "dev.hsm", "dev.hsm:v2", "DEV.HSM/v2/key-export", " dev.hsm/", "x/dev.hsm/")) {
      byte[] context = close.getBytes(UTF_8);
      assertThat(aes.decrypt(aes.encrypt(DATA, context), context)).as(close).isEqualTo(DATA);
      assertThat(rsa.decrypt(rsa.encrypt(DATA, context), context)).as(close).isEqualTo(DATA);
    }
    assertThat(hsm.auditLog().entries(1, 100)).extracting(AuditEntry::outcome).containsOnly("ok");
  }
}
