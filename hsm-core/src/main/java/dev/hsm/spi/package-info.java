/**
 * The two seams every backend plugs into, each with a contract suite in hsm-core's test-jar.
 *
 * <ul>
 *   <li>{@link dev.hsm.spi.KeyRecordStore}: <em>where key records live</em>. The engine MACs every
 *       row and wraps every secret before a store sees it, so a store keeps opaque rows and needs
 *       no cryptography. Built in: one SQLite file. Next: a shared PostgreSQL database.
 *   <li>{@link dev.hsm.spi.KeyCustody}: <em>who holds key material and runs the operations</em>.
 *       Built in: software custody, which keeps material wrapped under the store's master key and
 *       runs operations in the JVM. Next: a PKCS#11 token, where material never leaves the token.
 * </ul>
 *
 * <p>Both are chosen on {@code HsmConfig}; the engine above them (policy checks, lifecycle, cache,
 * audit) is the same for every combination.
 */
package dev.hsm.spi;
