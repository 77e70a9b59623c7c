package dev.hsm;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the store knows about a key, without its material. Immutable.
 *
 * @param name unique name within the store
 * @param algorithm the key's algorithm and scheme
 * @param rsaModulusBits RSA modulus size in bits, or 0 for other algorithms
 * @param operations the operations the key allows
 * @param extractable whether the key is marked extractable
 * @param imported whether the material was imported rather than generated inside the store
 * @param publicOnly whether only the public half is held (an imported public key that can only
 *     verify or encrypt)
 * @param labels free-form labels, sorted by key
 * @param primaryVersion the version new signatures and ciphertexts use
 * @param createdAt when the key was created or imported
 * @param enabled whether the key as a whole is enabled
 * @param rotationPeriod the automatic rotation period, {@link Duration#ZERO} for none
 * @param minDecryptionVersion the oldest version that may still decrypt and verify
 * @param versions every version, oldest first, destroyed ones included
 */
public record KeyInfo(
    String name,
    Algorithm algorithm,
    int rsaModulusBits,
    Set<Operation> operations,
    boolean extractable,
    boolean imported,
    boolean publicOnly,
    Map<String, String> labels,
    int primaryVersion,
    Instant createdAt,
    boolean enabled,
    Duration rotationPeriod,
    int minDecryptionVersion,
    List<KeyVersionInfo> versions) {

  /** Copies the collections so the record stays immutable; operations keep enum order. */
  public KeyInfo {
    operations = Collections.unmodifiableSet(EnumSet.copyOf(operations));
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    versions = List.copyOf(versions);
  }
}
