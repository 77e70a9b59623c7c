package dev.hsm.config;

import dev.hsm.HsmClient;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyNotFoundException;
import dev.hsm.KeySpec;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The keys an application declares under {@code hsm.keys.*}, each passed through {@link
 * HsmClient#ensureKey} when the application starts: created if the store lacks it; if the store
 * holds a key of that name with another spec, start-up fails with {@link
 * dev.hsm.KeyAlreadyExistsException} naming the key.
 *
 * <p>Labels and the rotation period are not part of that check (as in {@code ensureKey}): they
 * apply when the key is created. If the stored key's differ, a warning says so.
 */
public final class DeclaredKeys {
  private final HsmClient hsm;
  private final Map<String, KeyHandle> declared;

  private DeclaredKeys(HsmClient hsm, Map<String, KeyHandle> declared) {
    this.hsm = hsm;
    this.declared = Collections.unmodifiableMap(declared);
  }

  /**
   * Ensures each declared key in {@code hsm}, in order. Every declaration is checked before any key
   * is created, so one that fails creates none of them.
   *
   * @param specs the declared keys by name, as {@link CommonHsmProperties#keySpecs()} gives them
   * @param warnings receives one message per declared label or rotation period that differs from
   *     the stored key's; a starter passes its framework's logger
   * @throws dev.hsm.KeyAlreadyExistsException naming the key, if a declared key differs from the
   *     stored one
   * @throws InvalidArgumentException if a name is not a valid key name, or a spec is missing
   */
  public static DeclaredKeys ensure(
      HsmClient hsm, Map<String, KeySpec> specs, Consumer<String> warnings) {
    InvalidArgumentException.requireNonNull(hsm, "hsm");
    InvalidArgumentException.requireNonNull(specs, "specs");
    InvalidArgumentException.requireNonNull(warnings, "warnings");
    specs.forEach(
        (name, spec) -> {
          InvalidArgumentException.requireNonNull(spec, "the spec of declared key " + name);
          if (hsm.findKey(name).isPresent()) { // findKey checks the name
            hsm.ensureKey(name, spec); // writes nothing for a stored key: only compares
          }
        });
    Map<String, KeyHandle> handles = new LinkedHashMap<>();
    specs.forEach(
        (name, spec) -> {
          KeyHandle handle = hsm.ensureKey(name, spec);
          warnIfDifferent(name, spec, handle.info(), warnings);
          handles.put(name, handle);
        });
    return new DeclaredKeys(hsm, handles);
  }

  private static void warnIfDifferent(
      String name, KeySpec spec, KeyInfo stored, Consumer<String> warnings) {
    if (!spec.rotationPeriod().equals(stored.rotationPeriod())) {
      warnings.accept(
          "hsm.keys."
              + name
              + ".rotation-period asks for "
              + describe(spec.rotationPeriod())
              + " but the stored key '"
              + name
              + "' has "
              + describe(stored.rotationPeriod())
              + "; declared settings apply when a key is created: use HsmAdmin.setRotationPeriod"
              + " to change it");
    }
    if (!spec.labels().equals(stored.labels())) {
      warnings.accept(
          "hsm.keys."
              + name
              + ".labels are "
              + spec.labels()
              + " but the stored key '"
              + name
              + "' has "
              + stored.labels()
              + "; declared labels apply when a key is created");
    }
  }

  private static String describe(Duration period) {
    return period.isZero() ? "no rotation" : "rotation every " + period;
  }

  /**
   * The key named {@code name}: a declared one, or any other key in the store.
   *
   * @throws dev.hsm.KeyNotFoundException if there is none
   */
  public KeyHandle key(String name) {
    KeyHandle handle = declared.get(name);
    return handle != null ? handle : hsm.key(name);
  }

  /**
   * The declared key named {@code name}.
   *
   * @throws KeyNotFoundException if no key of that name is declared
   */
  public KeyHandle declared(String name) {
    KeyHandle handle = declared.get(name);
    if (handle == null) {
      throw new KeyNotFoundException("hsm.keys." + name + " is not declared");
    }
    return handle;
  }

  /** The declared keys by name, in declaration order. */
  public Map<String, KeyHandle> all() {
    return declared;
  }

  @Override
  public String toString() {
    return "DeclaredKeys" + declared.keySet();
  }
}
