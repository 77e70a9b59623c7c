package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir Path dir;

  @Test
  void everyAlgorithmRoundTrips() {
    long t0 = System.nanoTime();
    try (HsmClient hsm = HsmClient.open(HsmConfig.sqlite(dir.resolve("s.db")).passphrase("pw"))) {
      System.out.println("open ms " + (System.nanoTime() - t0) / 1e6);
      byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
      for (KeySpec spec : new KeySpec[] {KeySpec.ecdsaP256(), KeySpec.ecdsaP384(), KeySpec.ecdsaP521(), KeySpec.ed25519(), KeySpec.rsaPkcs1Sha256(2048), KeySpec.rsaPssSha256(2048)}) {
        KeyHandle k = hsm.createKey(spec.algorithm().name().toLowerCase(), spec);
        byte[] sig = k.sign(data);
        k.verify(data, sig);
        sig[sig.length - 1] ^= 1;
        byte[] bad = sig;
        assertThatThrownBy(() -> k.verify(data, bad)).isInstanceOf(VerificationFailedException.class);
        System.out.println(k + " " + k.publicJwk());
      }
      for (KeySpec spec : new KeySpec[] {KeySpec.aes256Gcm(), KeySpec.chacha20Poly1305(), KeySpec.rsaOaepSha256(2048)}) {
        KeyHandle k = hsm.createKey(spec.algorithm().name().toLowerCase(), spec);
        byte[] ct = k.encrypt(data, new byte[] {1});
        assertThat(k.decrypt(ct, new byte[] {1})).isEqualTo(data);
        assertThatThrownBy(() -> k.decrypt(ct, new byte[] {2})).isInstanceOf(InvalidCiphertextException.class);
      }
      KeyHandle h = hsm.createKey("h", KeySpec.hmacSha256());
      h.verifyMac(data, h.mac(data));
      System.out.println(hsm.listKeys());
    }
    try (HsmClient hsm = HsmClient.open(HsmConfig.sqlite(dir.resolve("s.db")).passphrase("pw"))) {
      assertThat(hsm.listKeys()).hasSize(10);
      hsm.key("ed25519").verify(new byte[0], hsm.key("ed25519").sign(new byte[0]));
    }
    assertThatThrownBy(() -> HsmClient.open(HsmConfig.sqlite(dir.resolve("s.db")).passphrase("bad")))
        .isInstanceOf(UnlockFailedException.class).hasMessageContaining("does not unlock");
  }
}
