package dev.hsm.internal.engine;

import dev.hsm.InvalidArgumentException;
import dev.hsm.StandardSigner;
import dev.hsm.internal.formats.ReservedLabels;
import dev.hsm.spi.KeyOperations;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link StandardSigner}: the custody's stream signer for one version, with the gate asked again
 * at {@link #sign()}, so that a key disabled while a large file streams refuses, and the data's
 * first bytes kept to refuse the reserved namespace as {@code signStandard} does.
 */
final class DefaultStandardSigner implements StandardSigner {
  private final String name;
  private final Engine engine;
  private final int version;
  private final KeyOperations.StreamSigner stream;
  private final byte[] head = new byte[ReservedLabels.PREFIX.length()];
  private int headLength;
  private boolean signed;

  DefaultStandardSigner(
      String name, Engine engine, int version, KeyOperations.StreamSigner stream) {
    this.name = name;
    this.engine = engine;
    this.version = version;
    this.stream = stream;
  }

  @Override
  public String keyName() {
    return name;
  }

  @Override
  public int version() {
    return version;
  }

  @Override
  public void update(byte[] data, int offset, int length) {
    InvalidArgumentException.requireNonNull(data, "data");
    Objects.checkFromIndexSize(offset, length, data.length);
    checkNotSigned();
    int toHead = Math.min(length, head.length - headLength);
    System.arraycopy(data, offset, head, headLength, toHead);
    headLength += toHead;
    stream.update(data, offset, length);
  }

  @Override
  public byte[] sign() {
    checkNotSigned();
    signed = true;
    KeyUse use = KeyUse.SIGN_STANDARD;
    engine.gate().refuseReserved(name, use, Arrays.copyOf(head, headLength));
    Permit permit = engine.gate().version(engine.gate().admit(name, use), use, version);
    byte[] signature = stream.sign();
    permit.used();
    return signature;
  }

  private void checkNotSigned() {
    if (signed) {
      throw new InvalidArgumentException(
          "this standard signer of key '" + name + "' has already signed; make a new one");
    }
  }

  /** Identity only. */
  @Override
  public String toString() {
    return "StandardSigner[" + name + " v" + version + "]";
  }
}
