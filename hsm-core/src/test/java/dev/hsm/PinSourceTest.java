package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a PKCS#11 PIN comes from, and that no message or text shows it. */
class PinSourceTest {
  @TempDir Path dir;

  @Test
  void aPinFile_isReadWithoutItsLineBreak() throws Exception {
    Path file = Files.writeString(dir.resolve("pin"), "4711\r\n");
    assertThat(PinSource.fromFile(file).read()).containsExactly('4', '7', '1', '1');
    assertThat(PinSource.fromFile(file).toString()).contains("pin").doesNotContain("4711");
  }

  @Test
  void aMissingEmptyOrBinaryPinFile_failsToUnlock() throws Exception {
    assertThatThrownBy(() -> PinSource.fromFile(dir.resolve("absent")).read())
        .isInstanceOf(UnlockFailedException.class)
        .hasMessageContaining("cannot be read");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> PinSource.fromFile(empty).read())
        .isInstanceOf(UnlockFailedException.class)
        .hasMessageContaining("is empty");
    Path binary = Files.write(dir.resolve("binary"), new byte[] {(byte) 0xff, (byte) 0xfe});
    assertThatThrownBy(() -> PinSource.fromFile(binary).read())
        .isInstanceOf(UnlockFailedException.class)
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void aMissingEnvironmentVariable_failsToUnlock_namingIt() {
    assertThatThrownBy(() -> PinSource.fromEnv("HSM_TEST_PIN_THAT_IS_NOT_SET").read())
        .isInstanceOf(UnlockFailedException.class)
        .hasMessageContaining("HSM_TEST_PIN_THAT_IS_NOT_SET");
    assertThatThrownBy(() -> PinSource.fromEnv("A=B")).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void aGivenPin_isCopied_andMasked() {
    char[] pin = "1234".toCharArray();
    PinSource source = PinSource.of(pin);
    pin[0] = 'x';
    assertThat(source.read()).containsExactly('1', '2', '3', '4');
    assertThat(source.toString()).doesNotContain("1234").contains("masked");
    assertThatThrownBy(() -> PinSource.of("")).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void pkcs11Custody_withoutTheModule_failsNamingIt() {
    HsmConfig config = HsmConfig.sqlite(dir.resolve("hsm.db")).passphrase("p");
    assertThatThrownBy(
            () -> config.pkcs11(Path.of("/usr/lib/softhsm/libsofthsm2.so"), 0, PinSource.of("1")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("dev.hsm:hsm-pkcs11");
  }
}
