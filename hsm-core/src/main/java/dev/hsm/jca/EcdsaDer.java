package dev.hsm.jca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.ProviderException;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/** ECDSA signatures from the HSM's P1363 {@code r||s} to the DER the JCA's names promise. */
final class EcdsaDer {
  private EcdsaDer() {}

  static byte[] fromP1363(byte[] rs) {
    int half = rs.length / 2;
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(rs, 0, half));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, half, rs.length));
    try {
      return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)})
          .getEncoded();
    } catch (IOException e) {
      throw new ProviderException("cannot encode an ECDSA signature", e);
    }
  }
}
