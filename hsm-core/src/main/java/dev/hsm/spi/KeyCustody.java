package dev.hsm.spi;

import dev.hsm.Algorithm;
import dev.hsm.KeyMaterial;
import dev.hsm.internal.custody.SoftwareCustody;

/**
 * Who holds key material and runs the operations with it. The engine keeps everything else (names,
 * versions, states, policies, audit) in the {@link KeyRecordStore} and asks the custody only to
 * make, take in, open and destroy material; what the custody returns for a version ({@link
 * CustodyRecord}) is stored beside the version's other columns and handed back to it.
 *
 * <p>Built in: software custody, which keeps material wrapped (AES-256-GCM) under a key derived
 * from the store's master key and runs operations in this JVM. A token custody (PKCS#11) would keep
 * the material in the token, store only a reference, and run the operations there.
 *
 * <p>Implementations are thread-safe. A custody never writes to the key-record store; errors are
 * {@link dev.hsm.HsmException}s naming the key and version, never material. What every custody must
 * do is written down, as tests, in the contract suite {@code dev.hsm.contract.KeyCustodyContract}
 * of hsm-core's test-jar.
 */
public interface KeyCustody extends AutoCloseable {

  /** Opens a custody for an unlocked store; set on {@code HsmConfig.custody(factory)}. */
  interface Factory {
    /**
     * Opens the custody for the store {@code context} describes. Called once the store is unlocked,
     * and again after a master key rotation.
     */
    KeyCustody open(CustodyContext context);

    /** What the custody is, for messages, e.g. {@code software}. Never a PIN or other secret. */
    String description();
  }

  /**
   * The built-in software custody (material wrapped under the store's master key, operations in
   * this JVM), for a custody that keeps some keys there: a token custody asked to hold the
   * algorithms its token lacks in software.
   */
  static Factory software() {
    return SoftwareCustody.factory();
  }

  /** What this custody is, for messages: the same text as its factory's description. */
  String description();

  /**
   * Generates new material for {@code version} inside the custody (with a CSPRNG, or in the token).
   *
   * @throws dev.hsm.HsmException if the custody cannot hold keys of this algorithm, naming what is
   *     missing; nothing is then stored
   */
  CustodyRecord generate(VersionBinding version);

  /**
   * Takes in material from outside for {@code version}, after checking it fits the algorithm (and
   * RSA modulus size) and is consistent.
   *
   * @throws dev.hsm.InvalidKeyMaterialException if it is malformed or does not fit
   */
  CustodyRecord importMaterial(VersionBinding version, KeyMaterial material);

  /**
   * Makes a stored version usable. Called once per version when its key is loaded into the engine's
   * cache, never per operation.
   *
   * @throws dev.hsm.KeyIntegrityException if {@code record} does not belong to {@code version}
   *     (wrapped material that fails to authenticate, a token object that is gone or different)
   */
  KeyOperations open(VersionBinding version, CustodyRecord record);

  /**
   * The material of an extractable key in clear, for an export the engine has already authorised
   * and will encrypt for its destination. The caller wipes the returned array.
   *
   * @throws dev.hsm.KeyNotExtractableException if this custody never releases material
   * @throws dev.hsm.KeyIntegrityException as for {@link #open}
   */
  byte[] exportMaterial(VersionBinding version, CustodyRecord record);

  /**
   * Destroys the material of a version whose destruction the store has just recorded (a token
   * deletes its object). Software custody has nothing to do: the store dropped the wrapped bytes.
   */
  default void destroy(VersionBinding version, CustodyRecord record) {}

  /**
   * The record to store for {@code version} after the store's master key was rotated: this custody
   * is opened with the new master key, {@code previous} with the old one, which made {@code
   * record}. Custody whose records do not depend on the master key (a token's references) returns
   * {@code record} unchanged, which is the default.
   */
  default CustodyRecord rewrap(VersionBinding version, CustodyRecord record, KeyCustody previous) {
    return record;
  }

  /**
   * Name and version of what runs {@code algorithm}'s operations, e.g. {@code
   * "AmazonCorrettoCryptoProvider 2.5"}, for logs, health checks and benchmarks.
   */
  String provider(Algorithm algorithm);

  /** Releases resources and wipes key-encryption keys; keys opened before stay usable. */
  @Override
  void close();
}
