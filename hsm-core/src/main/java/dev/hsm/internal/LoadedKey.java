package dev.hsm.internal;

import dev.hsm.KeyInfo;
import dev.hsm.Operation;
import dev.hsm.internal.crypto.CryptoKey;
import java.util.Map;
import java.util.Set;

/** A key whose versions are unwrapped and ready: what the cache holds. Immutable. */
final class LoadedKey {
  final KeyInfo info;
  final Set<Operation> operations;
  final Map<Integer, CryptoKey> versions;
  final CryptoKey primary;

  LoadedKey(KeyInfo info, Set<Operation> operations, Map<Integer, CryptoKey> versions) {
    this.info = info;
    this.operations = operations;
    this.versions = Map.copyOf(versions);
    this.primary = this.versions.get(info.primaryVersion());
  }
}
