package dev.hsm.pkcs11;

import dev.hsm.HsmException;

/**
 * The PKCS#11 custody cannot do what was asked, and nothing was stored: the key's algorithm needs a
 * mechanism that the token does not offer through the JDK's SunPKCS11 (the message names the
 * algorithm and the mechanism), or outside material was to be imported (a token custody makes keys
 * in the token, or adopts key pairs already there ({@link dev.hsm.KeyMaterial#tokenObject}), and
 * never takes in material).
 */
public class UnsupportedByTokenException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the algorithm and the missing mechanism. */
  public UnsupportedByTokenException(String message) {
    super(message);
  }
}
