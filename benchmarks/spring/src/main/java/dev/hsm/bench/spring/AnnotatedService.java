package dev.hsm.bench.spring;

import dev.hsm.annotation.Encrypted;
import dev.hsm.annotation.Signed;

/**
 * The annotated methods under test: each body only returns its argument, so a call measures the
 * starter's proxy and interceptor plus the key operation and nothing else.
 */
public class AnnotatedService {
  /** The {@code @Encrypted} context, which the direct call passes too. */
  public static final String CONTEXT = "bench.payload";

  /** The caller receives the JWS of {@code payload}, as ASCII bytes. */
  @Signed(key = BenchContext.SIGNING_KEY)
  public byte[] sign(byte[] payload) {
    return payload;
  }

  /** The caller receives the ciphertext envelope of {@code plaintext}. */
  @Encrypted(key = BenchContext.AES_KEY, context = CONTEXT)
  public byte[] encrypt(byte[] plaintext) {
    return plaintext;
  }
}
