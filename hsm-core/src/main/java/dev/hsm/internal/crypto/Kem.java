package dev.hsm.internal.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * A key encapsulation mechanism as HPKE uses it (RFC 9180, section 4): the sender gets a fresh
 * shared secret and its encapsulation from the public key; the holder of the private key gets the
 * same secret back from the encapsulation. Implementations are immutable and thread-safe.
 */
interface Kem {
  /** The secret and what the sender transmits. */
  record Encapsulated(byte[] sharedSecret, byte[] encapsulation) {}

  /** HPKE's KEM identifier (the IANA "HPKE KEM Identifiers" registry). */
  short id();

  /** Nenc: the length of an encapsulation, in bytes. */
  int encapsulationBytes();

  /** A fresh shared secret for this key's public half, drawn from {@code random}. */
  Encapsulated encapsulate(SecureRandom random);

  /**
   * The shared secret of the {@link #encapsulationBytes} bytes at {@code offset} in {@code in}.
   *
   * @throws GeneralSecurityException if there is no private half or the input is too short
   */
  byte[] decapsulate(byte[] in, int offset) throws GeneralSecurityException;

  /** The public key as X.509 SubjectPublicKeyInfo DER. */
  byte[] publicKeySpki();
}
