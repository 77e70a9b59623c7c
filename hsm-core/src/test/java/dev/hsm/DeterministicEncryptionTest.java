package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterministicEncryptionTest {
  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void gcmSiv_equalPlaintextAndContext_giveEqualCiphertexts_andDecrypt() {
    try (HsmClient hsm = TestStores.open(dir, "d.db")) {
      KeyHandle key = hsm.createKey("email-index", KeySpec.aes256GcmSiv());

      byte[] first = key.encrypt(utf8("alice@example.com"), utf8("customer.email"));
      byte[] second = key.encrypt(utf8("alice@example.com"), utf8("customer.email"));

      assertThat(first).isEqualTo(second);
      assertThat(key.decrypt(first, utf8("customer.email"))).isEqualTo(utf8("alice@example.com"));
    }
  }

  @Test
  void gcmSiv_differentPlaintextOrContextOrKey_giveDifferentCiphertexts() {
    try (HsmClient hsm = TestStores.open(dir, "d.db")) {
      KeyHandle key = hsm.createKey("a", KeySpec.aes256GcmSiv());
      KeyHandle other = hsm.createKey("b", KeySpec.aes256GcmSiv());
      byte[] base = key.encrypt(utf8("alice@example.com"), utf8("ctx"));

      assertThat(key.encrypt(utf8("alice@example.con"), utf8("ctx"))).isNotEqualTo(base);
      assertThat(key.encrypt(utf8("alice@example.com"), utf8("ctx2"))).isNotEqualTo(base);
      assertThat(other.encrypt(utf8("alice@example.com"), utf8("ctx"))).isNotEqualTo(base);
    }
  }

  @Test
  void gcmSiv_afterRotation_encryptsDifferentlyButStillDecryptsOldValues() {
    try (HsmClient hsm = TestStores.open(dir, "d.db")) {
      KeyHandle key = hsm.createKey("a", KeySpec.aes256GcmSiv());
      byte[] v1 = key.encrypt(utf8("x"), utf8("c"));
      key.rotate();

      byte[] v2 = key.encrypt(utf8("x"), utf8("c"));

      assertThat(v2).isNotEqualTo(v1);
      assertThat(key.decrypt(v1, utf8("c"))).isEqualTo(utf8("x"));
      assertThat(key.decrypt(v2, utf8("c"))).isEqualTo(utf8("x"));
    }
  }

  @Test
  void gcmSiv_tamperedOrWrongContext_throwsInvalidCiphertext() {
    try (HsmClient hsm = TestStores.open(dir, "d.db")) {
      KeyHandle key = hsm.createKey("a", KeySpec.aes256GcmSiv());
      byte[] ciphertext = key.encrypt(utf8("secret"), utf8("c"));
      byte[] tampered = ciphertext.clone();
      tampered[tampered.length - 1] ^= 1;

      assertThatThrownBy(() -> key.decrypt(tampered, utf8("c")))
          .isInstanceOf(InvalidCiphertextException.class);
      assertThatThrownBy(() -> key.decrypt(ciphertext, utf8("d")))
          .isInstanceOf(InvalidCiphertextException.class);
    }
  }
}
