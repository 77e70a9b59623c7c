package dev.hsm.spring;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeySpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The keys declared under {@code hsm.keys.*}, each passed through {@link HsmClient#ensureKey} when
 * this bean is made: created if missing, and start-up fails (naming the key) if the store holds a
 * key of that name with another spec. Everything in the starter that looks keys up by name goes
 * through {@link #key}, so declared keys exist before any annotation is checked against them.
 *
 * <p>Labels and the rotation period are not part of that check (as in {@code ensureKey}): they
 * apply when the key is created. If the stored key's differ, a warning says so.
 */
final class DeclaredKeys {
  private static final Log log = LogFactory.getLog(DeclaredKeys.class);

  private final HsmClient hsm;
  private final Map<String, KeyHandle> declared;

  DeclaredKeys(HsmClient hsm, HsmProperties properties) {
    this.hsm = hsm;
    Map<String, KeyHandle> handles = new LinkedHashMap<>();
    properties
        .getKeys()
        .forEach(
            (name, key) -> {
              KeySpec spec = key.toSpec(name);
              KeyHandle handle = hsm.ensureKey(name, spec);
              warnIfDifferent(name, spec, handle.info());
              handles.put(name, handle);
            });
    this.declared = Collections.unmodifiableMap(handles);
  }

  private static void warnIfDifferent(String name, KeySpec spec, KeyInfo stored) {
    if (!spec.rotationPeriod().equals(stored.rotationPeriod())) {
      log.warn(
          "hsm.keys."
              + name
              + ".rotation-period asks for "
              + describe(spec.rotationPeriod())
              + " but the stored key '"
              + name
              + "' has "
              + describe(stored.rotationPeriod())
              + "; declared settings apply when a key is created: use HsmAdmin.setRotationPeriod to change it");
    }
    if (!spec.labels().equals(stored.labels())) {
      log.warn(
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

  private static String describe(java.time.Duration period) {
    return period.isZero() ? "no rotation" : "rotation every " + period;
  }

  /**
   * The key named {@code name}: a declared one, or any other key in the store.
   *
   * @throws dev.hsm.KeyNotFoundException if there is none
   */
  KeyHandle key(String name) {
    KeyHandle handle = declared.get(name);
    return handle != null ? handle : hsm.key(name);
  }

  /** The declared key named {@code name}; used for the {@code KeyHandle} beans. */
  KeyHandle declared(String name) {
    KeyHandle handle = declared.get(name);
    if (handle == null) {
      throw new IllegalStateException("hsm.keys." + name + " is not declared");
    }
    return handle;
  }

  /** The declared keys, in declaration order. */
  Map<String, KeyHandle> all() {
    return declared;
  }
}
