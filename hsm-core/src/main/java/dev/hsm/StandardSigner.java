package dev.hsm;

/**
 * A standard signature over data fed in parts, for data too large to hold in memory (a release
 * artifact of several gigabytes), from {@link KeyHandle#standardSigner()}. The result is the same
 * as {@link KeyHandle#signStandard} of all the parts joined.
 *
 * <p>Hash-then-sign algorithms (ECDSA, RSA PKCS#1 v1.5 and PSS, HashML-DSA) hash the parts as they
 * come, in constant memory. Ed25519, ML-DSA and SLH-DSA sign the message itself, which their
 * signers hold until {@link #sign()}: feed them only what fits in memory.
 *
 * <p>One signer makes one signature. It is not thread-safe: feed it from one thread at a time. It
 * holds no key material of its own and is no capability: {@link #sign()} asks the key's policy and
 * state again, so a key disabled meanwhile refuses.
 */
public interface StandardSigner {

  /** The name of the key that signs. */
  String keyName();

  /** The key version that signs: the primary version when the signer was made. */
  int version();

  /** Feeds {@code length} bytes of {@code data} from {@code offset}. */
  void update(byte[] data, int offset, int length);

  /** Feeds all of {@code data}. */
  default void update(byte[] data) {
    InvalidArgumentException.requireNonNull(data, "data");
    update(data, 0, data.length);
  }

  /**
   * The standard signature of everything fed (P1363 {@code r||s} for ECDSA, as {@link
   * KeyHandle#signStandard} returns). Checks the key's policy and the version's state first, and
   * counts and audits the use as {@link KeyHandle#signStandard} does.
   *
   * @throws OperationNotPermittedException if the data began with {@code dev.hsm/}, the library's
   *     reserved namespace
   * @throws KeyDisabledException if the key or the version was disabled since the signer was made
   * @throws InvalidArgumentException if this signer has already signed
   */
  byte[] sign();
}
