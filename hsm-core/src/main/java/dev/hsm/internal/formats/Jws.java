package dev.hsm.internal.formats;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.util.Base64URL;
import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.VerificationFailedException;
import dev.hsm.spi.KeyOperations;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;

/**
 * JWS compact serialization (RFC 7515) through nimbus-jose-jwt: nimbus builds and parses the header
 * and encodings; the signature itself is made and checked by the key inside the library. The
 * algorithm is fixed by the key, never taken from the token.
 */
public final class Jws {
  private Jws() {}

  /** A parsed token: the version its {@code kid} names, what was signed, and the signature. */
  public record Parsed(int version, byte[] signingInput, byte[] signature, byte[] payload) {}

  public static String sign(Algorithm algorithm, String keyId, byte[] payload, KeyOperations key) {
    JWSHeader header =
        new JWSHeader.Builder(new JWSAlgorithm(algorithm.joseName())).keyID(keyId).build();
    Base64URL encodedHeader = header.toBase64URL();
    Base64URL encodedPayload = Base64URL.encode(payload);
    byte[] signingInput =
        (encodedHeader + "." + encodedPayload).getBytes(StandardCharsets.US_ASCII);
    try {
      return new JWSObject(encodedHeader, encodedPayload, Base64URL.encode(key.sign(signingInput)))
          .serialize();
    } catch (ParseException e) {
      throw new HsmException("nimbus rejected a header it built", e);
    }
  }

  /**
   * @throws VerificationFailedException if the token is malformed or not for this key
   */
  public static Parsed parse(String token, Algorithm algorithm, String keyName) {
    String notCompact = notCompact(token.trim());
    if (notCompact != null) {
      throw new VerificationFailedException(
          "JWS for key '" + keyName + "' is malformed: " + notCompact);
    }
    JWSObject jws;
    try {
      jws = JWSObject.parse(token.trim());
    } catch (ParseException | RuntimeException e) {
      throw new VerificationFailedException(
          "JWS for key '" + keyName + "' is malformed: " + e.getMessage());
    }
    for (Base64URL part : jws.getParsedParts()) {
      // A decoder ignores the bits of a part's last character that no byte uses: without this,
      // one token would have several spellings that all verify.
      if (!Base64URL.encode(part.decode()).toString().equals(part.toString())) {
        throw new VerificationFailedException(
            "JWS for key '"
                + keyName
                + "' is malformed: a part is not in canonical base64url (bits set that no byte"
                + " uses)");
      }
    }
    JWSHeader header = jws.getHeader();
    if (!algorithm.joseName().equals(header.getAlgorithm().getName())) {
      throw new VerificationFailedException(
          "JWS for key '"
              + keyName
              + "' uses alg "
              + header.getAlgorithm().getName()
              + "; this key only accepts "
              + algorithm.joseName());
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw new VerificationFailedException(
          "JWS for key '"
              + keyName
              + "' has critical header parameters this library does not know");
    }
    String keyId = header.getKeyID();
    String prefix = keyName + ":";
    int version;
    try {
      if (keyId == null || !keyId.startsWith(prefix)) {
        throw new NumberFormatException();
      }
      version = Integer.parseInt(keyId.substring(prefix.length()));
    } catch (NumberFormatException e) {
      throw new VerificationFailedException(
          "JWS kid '" + keyId + "' does not name a version of key '" + keyName + "'");
    }
    Payload payload = jws.getPayload();
    return new Parsed(
        version,
        jws.getSigningInput(),
        jws.getSignature().decode(),
        payload == null ? new byte[0] : payload.toBytes());
  }

  /**
   * Why {@code token} is not three base64url parts joined by two dots, or {@code null} if it is.
   * nimbus skips characters outside the alphabet when decoding but keeps them in the signing input,
   * so without this a signing input could hold any byte; with it, a signing input is only {@code
   * A-Z a-z 0-9 - _ .}, which the domain-separated raw signatures of {@code Envelope} never sign.
   */
  private static String notCompact(String token) {
    int dots = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        dots++;
      } else if (!(c >= 'A' && c <= 'Z'
          || c >= 'a' && c <= 'z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c == '_')) {
        return "character " + i + " is outside the base64url alphabet";
      }
    }
    return dots == 2 ? null : "a compact JWS has 3 parts, not " + (dots + 1);
  }
}
