package dev.hsm.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a certificate request or certificate says: checked when it is set, immutable. */
class CertificateSpecTest {
  @Test
  void aSpec_keepsWhatItWasGiven_andEachWithMakesACopy() {
    CertificateSpec base = CertificateSpec.subject("CN=api.example.com, O=Example");
    CertificateSpec full =
        base.withDnsNames("api.example.com", "*.example.com")
            .withIpAddresses("127.0.0.1", "::1")
            .withEmails("ops@example.com")
            .withKeyUsage(
                CertificateSpec.Usage.DIGITAL_SIGNATURE, CertificateSpec.Usage.KEY_ENCIPHERMENT)
            .withExtendedKeyUsage(CertificateSpec.Purpose.SERVER_AUTH)
            .withValidity(Instant.parse("2030-01-01T00:00:00Z"), Duration.ofDays(90));

    assertThat(base.dnsNames()).isEmpty();
    assertThat(base.keyUsage()).containsExactly(CertificateSpec.Usage.DIGITAL_SIGNATURE);
    assertThat(full.subjectName().getName()).isEqualTo("CN=api.example.com,O=Example");
    assertThat(full.dnsNames()).containsExactly("api.example.com", "*.example.com");
    assertThat(full.ipAddresses()).containsExactly("127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(full.emails()).containsExactly("ops@example.com");
    assertThat(full.keyUsage())
        .containsExactly(
            CertificateSpec.Usage.DIGITAL_SIGNATURE, CertificateSpec.Usage.KEY_ENCIPHERMENT);
    assertThat(full.extendedKeyUsage()).containsExactly(CertificateSpec.Purpose.SERVER_AUTH);
    assertThat(full.validity()).isEqualTo(Duration.ofDays(90));
    assertThat(full.toString()).contains("CN=api.example.com");
  }

  @Test
  void badValues_areRefusedAsInvalidArguments_namingTheValue() {
    CertificateSpec spec = CertificateSpec.subject("CN=x");

    assertThatThrownBy(() -> CertificateSpec.subject(null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> CertificateSpec.subject("not a name"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'not a name' is not a distinguished name");
    assertThatThrownBy(() -> CertificateSpec.subject(""))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> spec.withDnsNames("bad name"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'bad name' is not a DNS name");
    assertThatThrownBy(() -> spec.withDnsNames((String) null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> spec.withIpAddresses("999.1.1.1"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not an IP address literal");
    assertThatThrownBy(() -> spec.withIpAddresses("example.com"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> spec.withEmails("nobody"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not an e-mail address");
    assertThatThrownBy(() -> spec.withKeyUsage(null)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> spec.withValidity(Instant.now(), Duration.ZERO))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> spec.withValidity(Instant.now(), Duration.ofDays(365L * 101)))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
