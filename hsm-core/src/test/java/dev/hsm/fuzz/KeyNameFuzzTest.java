package dev.hsm.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyNotFoundException;
import dev.hsm.KeySpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Attacks the key-name check with names of every shape (near valid names, names of the rule's
 * characters and a few others, names around 128 characters, any Unicode), checked against the rule
 * the javadoc of {@code HsmClient.createKey} states: 1 to 128 characters of {@code [A-Za-z0-9._-]},
 * starting with a letter or digit. A name that follows it is looked up and created ({@code
 * findKey}, {@code key}, {@code ensureKey}); one that does not is refused with {@link
 * InvalidArgumentException} by each of {@code findKey}, {@code key}, {@code createKey}, {@code
 * ensureKey} and {@code importKey}, and the store is left as it was.
 */
class KeyNameFuzzTest {
  private static Path dir;
  private static HsmClient hsm;
  private static final byte[] SECRET = new byte[32];
  private static Fuzz.StoreContent store;

  @BeforeContainer
  static void open() {
    dir = Fuzz.tempDir("name-fuzz");
    hsm = Fuzz.openStore(dir, "store.db");
    hsm.createKey("existing", KeySpec.hmacSha256());
    store = new Fuzz.StoreContent(dir.resolve("store.db"));
  }

  @AfterContainer
  static void close() {
    store.close();
    hsm.close();
    Fuzz.deleteTree(dir);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.oneOf(
        Fuzz.nearText(List.of("existing", "a", "k".repeat(128), "Key_1.v-2", "0"), 140),
        Arbitraries.strings().withChars("Aa0._-/ \u00fc\u0000:").ofMaxLength(130),
        Arbitraries.strings().ofMinLength(126).ofMaxLength(130).alpha(),
        Arbitraries.strings().all().ofMaxLength(20));
  }

  /** The documented rule, written out without the library's regular expression. */
  private static boolean followsTheRule(String name) {
    if (name.isEmpty() || name.length() > 128) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean alphanumeric = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
      if (!alphanumeric && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
        return false;
      }
    }
    return true;
  }

  @Property
  void keyName_followingTheRule_isUsable_elseEveryCallRefusesIt(@ForAll("names") String name) {
    boolean valid = followsTheRule(name);
    Fuzz.Snapshot before = store.snapshot();
    Fuzz.Outcome<Optional<KeyHandle>> found =
        Fuzz.attempt("key name (findKey)", () -> hsm.findKey(name), InvalidArgumentException.class);
    assertThat(found.worked()).as("findKey('%s')", name).isEqualTo(valid);
    Fuzz.Outcome<KeyHandle> key =
        Fuzz.attempt(
            "key name (key)",
            () -> hsm.key(name),
            InvalidArgumentException.class,
            KeyNotFoundException.class);
    assertThat(key.refusal() instanceof InvalidArgumentException).isEqualTo(!valid);
    if (!valid) {
      for (Fuzz.Call<KeyHandle> call :
          List.<Fuzz.Call<KeyHandle>>of(
              () -> hsm.createKey(name, KeySpec.hmacSha256()),
              () -> hsm.ensureKey(name, KeySpec.hmacSha256()),
              () -> hsm.importKey(name, KeySpec.aes256Gcm(), KeyMaterial.secretKey(SECRET)))) {
        Fuzz.Outcome<KeyHandle> refused =
            Fuzz.attempt(
                "key name (createKey, ensureKey, importKey)", call, InvalidArgumentException.class);
        assertThat(refused.worked()).as("a name outside the rule: '%s'", name).isFalse();
      }
      store.assertUnchangedSince(before, "a refused name");
      return;
    }
    Fuzz.Outcome<KeyHandle> ensured =
        Fuzz.attempt(
            "key name (ensureKey)",
            () -> hsm.ensureKey(name, KeySpec.hmacSha256()),
            KeyAlreadyExistsException.class);
    if (ensured.worked()) {
      assertThat(hsm.key(name).name()).isEqualTo(name);
    }
  }
}
