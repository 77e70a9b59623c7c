package dev.hsm.spring;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys declared under {@code hsm.keys.*}, each passed through {@link HsmClient#ensureKey} when
 * this bean is made: created if missing, and start-up fails (naming the key) if the store holds a
 * key of that name with another spec. Everything in the starter that looks keys up by name goes
 * through {@link #key}, so declared keys exist before any annotation is checked against them.
 */
final class DeclaredKeys {
  private final HsmClient hsm;
  private final Map<String, KeyHandle> declared;

  DeclaredKeys(HsmClient hsm, HsmProperties properties) {
    this.hsm = hsm;
    Map<String, KeyHandle> handles = new LinkedHashMap<>();
    properties.getKeys().forEach((name, key) -> handles.put(name, hsm.ensureKey(name, key.toSpec(name))));
    this.declared = Collections.unmodifiableMap(handles);
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
