package dev.hsm.contract;

import dev.hsm.HsmConfig;
import dev.hsm.NativeCrypto;
import dev.hsm.internal.custody.SoftwareCustody;
import dev.hsm.spi.KeyCustody;
import org.junit.jupiter.api.Nested;

/** The built-in software custody passes the custody contract, on pure Java and natively. */
class SoftwareCustodyContractTest {

  @Nested
  class PureJava extends KeyCustodyContract {
    @Override
    protected KeyCustody.Factory factory() {
      return SoftwareCustody.factory();
    }

    @Override
    protected HsmConfig config() {
      return super.config().nativeCrypto(NativeCrypto.OFF);
    }
  }

  @Nested
  class NativeProvider extends KeyCustodyContract {
    @Override
    protected KeyCustody.Factory factory() {
      return SoftwareCustody.factory();
    }

    @Override
    protected HsmConfig config() {
      return super.config().nativeCrypto(NativeCrypto.REQUIRED);
    }
  }
}
