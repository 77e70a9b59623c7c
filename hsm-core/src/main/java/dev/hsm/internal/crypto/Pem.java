package dev.hsm.internal.crypto;

import dev.hsm.HsmException;
import dev.hsm.InvalidKeyMaterialException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM encoding and decoding through Bouncy Castle's PEM reader and writer. */
public final class Pem {
  private Pem() {}

  /** The DER content of the first PEM block, which must be of {@code type}. */
  public static byte[] decode(String pem, String type) {
    try (PemReader reader = new PemReader(new StringReader(pem))) {
      PemObject object = reader.readPemObject();
      if (object == null) {
        throw new InvalidKeyMaterialException("no PEM block found; expected " + type);
      }
      if (!object.getType().equals(type)) {
        throw new InvalidKeyMaterialException(
            "PEM block is " + object.getType() + "; expected " + type);
      }
      return object.getContent();
    } catch (IOException e) {
      throw new InvalidKeyMaterialException("malformed PEM; expected " + type, e);
    }
  }

  /** {@code der} as a PEM block of {@code type}, with 64-character lines. */
  public static String encode(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new HsmException("writing to a string cannot fail", e);
    }
    return out.toString();
  }
}
