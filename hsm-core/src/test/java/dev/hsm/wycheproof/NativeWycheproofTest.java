package dev.hsm.wycheproof;

import dev.hsm.NativeCrypto;
import org.junit.jupiter.api.Nested;

/**
 * The Wycheproof suites of every algorithm the native provider runs (ECDSA, Ed25519, RSA
 * signatures, AES-GCM), again with {@link NativeCrypto#REQUIRED}: the same vectors, plans and
 * expected counts as on the pure-Java providers.
 */
class NativeWycheproofTest {
  @Nested
  class Ecdsa extends EcdsaWycheproofTest {
    @Override
    NativeCrypto nativeCrypto() {
      return NativeCrypto.REQUIRED;
    }
  }

  @Nested
  class Ed25519 extends Ed25519WycheproofTest {
    @Override
    NativeCrypto nativeCrypto() {
      return NativeCrypto.REQUIRED;
    }
  }

  @Nested
  class RsaPkcs1 extends RsaPkcs1WycheproofTest {
    @Override
    NativeCrypto nativeCrypto() {
      return NativeCrypto.REQUIRED;
    }
  }

  @Nested
  class RsaPss extends RsaPssWycheproofTest {
    @Override
    NativeCrypto nativeCrypto() {
      return NativeCrypto.REQUIRED;
    }
  }

  @Nested
  class Aead extends AeadWycheproofTest {
    @Override
    NativeCrypto nativeCrypto() {
      return NativeCrypto.REQUIRED;
    }
  }
}
