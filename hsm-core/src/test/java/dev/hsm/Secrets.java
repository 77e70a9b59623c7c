package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Checks that exceptions and strings never show secret bytes or strings in any of the usual textual
 * encodings (hex, Base64, Base64url, {@link Arrays#toString(byte[])}, Latin-1).
 */
final class Secrets {
  private final List<byte[]> bytes = new ArrayList<>();
  private final List<String> strings = new ArrayList<>();

  /** Forbids these bytes (at least 8 long, so an accidental match is impossible). */
  Secrets bytes(byte[] secret) {
    bytes.add(secret.clone());
    return this;
  }

  /** Forbids this string (a passphrase, a plaintext). */
  Secrets string(String secret) {
    strings.add(secret);
    return this;
  }

  /** Every text form a secret could take in a message. */
  List<String> forms() {
    List<String> forms = new ArrayList<>(strings);
    for (byte[] secret : bytes) {
      forms.add(HexFormat.of().formatHex(secret));
      forms.add(HexFormat.of().withUpperCase().formatHex(secret));
      forms.add(Base64.getEncoder().withoutPadding().encodeToString(secret));
      forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
      forms.add(Arrays.toString(secret));
      forms.add(new String(secret, StandardCharsets.ISO_8859_1));
    }
    return forms;
  }

  /** Asserts that no secret shows in {@code text}. */
  void assertAbsentFrom(String what, String text) {
    if (text == null) {
      return;
    }
    for (String form : forms()) {
      assertThat(text).as("%s must not contain a secret", what).doesNotContain(form);
    }
  }

  /** Asserts that no secret shows in the message or toString of {@code thrown} or its causes. */
  void assertAbsentFrom(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      assertAbsentFrom("message of " + t.getClass().getName(), t.getMessage());
      assertAbsentFrom("toString of " + t.getClass().getName(), t.toString());
      for (Throwable suppressed : t.getSuppressed()) {
        assertAbsentFrom(suppressed);
      }
    }
  }

  /**
   * Runs {@code call}, asserts it throws exactly {@code type}, that the message contains every
   * fragment (such as the key's name and version), and that it shows no secret.
   */
  <T extends Throwable> T thrown(Class<T> type, ThrowingCallable call, String... fragments) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).as("expected %s", type.getSimpleName()).isExactlyInstanceOf(type);
    assertAbsentFrom(thrown);
    for (String fragment : fragments) {
      assertThat(thrown.getMessage()).as("message of %s", type.getSimpleName()).contains(fragment);
    }
    return type.cast(thrown);
  }
}
