package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.jca.CertificateSpec;
import dev.hsm.jca.Certificates;
import dev.hsm.jca.TestCa;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate chains bound to key versions: checked against the version's public key and in issuing
 * order before they are stored, audited, kept under the version row's integrity check, and per
 * version across rotation.
 */
class CertificateChainTest {
  private static final KeySpec STANDARD_EC =
      KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD);
  private static final CertificateSpec SPEC =
      CertificateSpec.subject("CN=signer.example, O=Example").withDnsNames("signer.example");

  @TempDir Path dir;
  private HsmClient hsm;
  private TestCa ca;

  @BeforeEach
  void open() throws Exception {
    hsm = TestStores.open(dir, "certs.db");
    ca = TestCa.create();
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  private AuditEntry lastEntry() {
    List<AuditEntry> entries = hsm.auditLog().entries(1, 1000);
    return entries.get(entries.size() - 1);
  }

  @Test
  void aSelfSignedCertificate_attachedToItsVersion_isReturned_auditedAndKeptAcrossReopen()
      throws Exception {
    KeyHandle key = hsm.createKey("signer", STANDARD_EC);
    X509Certificate certificate = Certificates.selfSigned(key, 1, SPEC);
    certificate.verify(certificate.getPublicKey());
    assertThat(certificate.getSubjectX500Principal().getName())
        .isEqualTo("CN=signer.example,O=Example");

    key.attachCertificateChain(1, List.of(certificate));

    assertThat(key.certificateChain(1)).containsExactly(certificate);
    AuditEntry entry = lastEntry();
    assertThat(entry.action()).isEqualTo("key.attach-certificate");
    assertThat(entry.version()).isEqualTo(1);
    assertThat(entry.outcome()).isEqualTo("ok");
    assertThat(entry.detail()).contains("CN=signer.example");
    hsm.close();
    hsm = TestStores.open(dir, "certs.db");
    assertThat(hsm.key("signer").certificateChain(1)).containsExactly(certificate);
    assertThat(hsm.auditLog().verify()).isPositive();
  }

  @Test
  void aCaIssuedChain_forOurRequest_isAccepted_leafFirst() throws Exception {
    KeyHandle key = hsm.createKey("signer", STANDARD_EC);
    List<X509Certificate> chain = ca.chainFor(Certificates.csr(key, 1, SPEC));

    key.attachCertificateChain(1, chain);

    assertThat(key.certificateChain(1)).containsExactlyElementsOf(chain);
  }

  @Test
  void anotherKeysCertificate_isRefusedWithCertificateMismatch_auditedAndNothingStored()
      throws Exception {
    KeyHandle key = hsm.createKey("signer", STANDARD_EC);
    KeyHandle other = hsm.createKey("other", STANDARD_EC);
    X509Certificate othersCertificate = Certificates.selfSigned(other, 1, SPEC);

    assertThatThrownBy(() -> key.attachCertificateChain(1, List.of(othersCertificate)))
        .isInstanceOf(CertificateMismatchException.class)
        .hasMessageContaining("key 'signer' version 1")
        .hasMessageContaining("carries another public key");
    assertThat(key.certificateChain(1)).isEmpty();
    assertThat(lastEntry().action()).isEqualTo("key.attach-certificate");
    assertThat(lastEntry().outcome()).isEqualTo("refused");
  }

  @Test
  void aChainOutOfIssuingOrder_isRefused() throws Exception {
    KeyHandle key = hsm.createKey("signer", STANDARD_EC);
    X509Certificate leaf = ca.issue(Certificates.csr(key, 1, SPEC));

    assertThatThrownBy(
            () -> key.attachCertificateChain(1, List.of(leaf, ca.root(), ca.intermediate())))
        .isInstanceOf(CertificateMismatchException.class)
        .hasMessageContaining("certificate 1 of the chain")
        .hasMessageContaining("leaf first");
    assertThat(key.certificateChain(1)).isEmpty();
  }

  @Test
  void afterRotation_theNewVersionHasNoCertificate_andNeedsItsOwn() throws Exception {
    KeyHandle key = hsm.createKey("signer", STANDARD_EC);
    List<X509Certificate> first = ca.chainFor(Certificates.csr(key, 1, SPEC));
    key.attachCertificateChain(1, first);

    int version = key.rotate();

    assertThat(key.certificateChain(version)).isEmpty();
    assertThat(key.certificateChain(1)).containsExactlyElementsOf(first);
    assertThatThrownBy(() -> key.attachCertificateChain(version, first))
        .isInstanceOf(CertificateMismatchException.class);
    List<X509Certificate> second = ca.chainFor(Certificates.csr(key, version, SPEC));
    key.attachCertificateChain(version, second);
    assertThat(key.certificateChain(version)).containsExactlyElementsOf(second);
    assertThat(key.certificateChain(1)).containsExactlyElementsOf(first);
  }

  @Test
  void anEditedOrRemovedChainInTheFile_failsTheKeysIntegrityCheck() throws Exception {
    KeyHandle key = hsm.createKey("signer", STANDARD_EC);
    key.attachCertificateChain(1, ca.chainFor(Certificates.csr(key, 1, SPEC)));
    KeyHandle other = hsm.createKey("other", STANDARD_EC);
    other.attachCertificateChain(1, List.of(Certificates.selfSigned(other, 1, SPEC)));
    hsm.close();
    Path db = dir.resolve("certs.db");
    byte[] othersChain =
        StoreFiles.queryBytes(
            db, "SELECT certificate_chain FROM key_version WHERE key_name = ?", "other");

    StoreFiles.update(
        db,
        "UPDATE key_version SET certificate_chain = ? WHERE key_name = ?",
        othersChain,
        "signer");
    hsm = TestStores.open(dir, "certs.db");
    assertThatThrownBy(() -> hsm.key("signer").certificateChain(1))
        .isInstanceOf(KeyIntegrityException.class);
    hsm.close();

    StoreFiles.update(
        db, "UPDATE key_version SET certificate_chain = NULL WHERE key_name = ?", "signer");
    hsm = TestStores.open(dir, "certs.db");
    assertThatThrownBy(() -> hsm.key("signer").signStandard(new byte[] {1}, 1))
        .isInstanceOf(KeyIntegrityException.class);
    assertThat(hsm.key("other").certificateChain(1)).hasSize(1);
  }

  @Test
  void badChains_areRefusedAsInvalidArguments_andSymmetricKeysHoldNone() throws Exception {
    KeyHandle key = hsm.createKey("signer", STANDARD_EC);
    X509Certificate certificate = Certificates.selfSigned(key, 1, SPEC);
    List<X509Certificate> withNull = new ArrayList<>();
    withNull.add(null);

    assertThatThrownBy(() -> key.attachCertificateChain(1, null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> key.attachCertificateChain(1, List.of()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> key.attachCertificateChain(1, withNull))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> key.attachCertificateChain(1, Collections.nCopies(11, certificate)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("11 certificates");
    assertThatThrownBy(() -> key.attachCertificateChain(2, List.of(certificate)))
        .isInstanceOf(KeyNotFoundException.class);
    assertThatThrownBy(() -> key.certificateChain(2)).isInstanceOf(KeyNotFoundException.class);
    KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
    assertThatThrownBy(() -> aes.attachCertificateChain(1, List.of(certificate)))
        .isInstanceOf(WrongKeyTypeException.class);
  }

  @Test
  void aKeyThatSignsEnvelopes_cannotSignCertificates() {
    KeyHandle key = hsm.createKey("envelopes", KeySpec.ecdsaP256());

    assertThatThrownBy(() -> Certificates.selfSigned(key, 1, SPEC))
        .isInstanceOf(OperationNotPermittedException.class)
        .hasMessageContaining("SIGN_STANDARD");
    KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
    assertThatThrownBy(() -> Certificates.csr(aes, 1, SPEC))
        .isInstanceOf(WrongKeyTypeException.class);
  }
}
