package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.jca.CertificateSpec;
import dev.hsm.jca.Certificates;
import dev.hsm.jca.HsmKeyStoreParameter;
import dev.hsm.jca.HsmProvider;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * ECDSA P-256 with SHA-256, signing 256 bytes, through the JCA provider ({@code
 * Signature.getInstance("SHA256withECDSAinP1363Format", provider)} with the key store's handle, one
 * initialised engine per thread) against the direct calls (issue 14: target >= 0.9x). A key allows
 * either SIGN (envelopes) or SIGN_STANDARD (the JCA), never both, so {@code keyHandle} is {@code
 * KeyHandle.sign} on a twin key of the same algorithm, and {@code keyHandleStandard} is {@code
 * KeyHandle.signStandard} on the provider's own key: the call the provider makes. Every variant
 * passes the policy gate on a cached key.
 */
@State(Scope.Benchmark)
public class JcaEcdsaP256Sign {
  byte[] data;
  Support.TempStore store;
  KeyHandle standard;
  KeyHandle envelope;
  HsmProvider provider;
  PrivateKey privateKey;

  @Setup
  public void setup() throws Exception {
    data = Support.random(256);
    store = Support.tempStore(1000);
    standard =
        store.client.createKey("jca", KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD));
    standard.attachCertificateChain(
        1, List.of(Certificates.selfSigned(standard, 1, CertificateSpec.subject("CN=bench"))));
    envelope = store.client.createKey("envelope", KeySpec.ecdsaP256());
    envelope.sign(data); // load into the cache
    standard.signStandard(data, 1);
    provider = new HsmProvider(store.client);
    KeyStore keyStore = KeyStore.getInstance(HsmProvider.KEYSTORE_TYPE, provider);
    keyStore.load(HsmKeyStoreParameter.of(store.client));
    privateKey = (PrivateKey) keyStore.getKey("jca", null);
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @State(Scope.Thread)
  public static class Jca {
    Signature signature;

    @Setup
    public void setup(JcaEcdsaP256Sign b) throws Exception {
      signature = Signature.getInstance("SHA256withECDSAinP1363Format", b.provider);
      signature.initSign(b.privateKey);
    }
  }

  /** {@code Signature.sign} through the provider. */
  @Benchmark
  public byte[] ours(Jca e) throws Exception {
    e.signature.update(data);
    return e.signature.sign();
  }

  /** {@code KeyHandle.sign} (envelope) on a key of the same algorithm: the baseline. */
  @Benchmark
  public byte[] keyHandle() {
    return envelope.sign(data);
  }

  /** {@code KeyHandle.signStandard} on the provider's own key: the call the provider makes. */
  @Benchmark
  public byte[] keyHandleStandard() {
    return standard.signStandard(data, 1);
  }
}
