package dev.hsm.jca;

import dev.hsm.InvalidArgumentException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * What a certificate request or a self-signed certificate says about a key ({@link Certificates}):
 * the subject's distinguished name, subject alternative names, key usage and extended key usage,
 * and for a self-signed certificate its validity. Immutable; each {@code with...} returns a copy.
 *
 * <pre>
 * CertificateSpec.subject("CN=api.example.com, O=Example")
 *     .withDnsNames("api.example.com")
 *     .withExtendedKeyUsage(CertificateSpec.Purpose.SERVER_AUTH)
 * </pre>
 *
 * Key usage defaults to {@link Usage#DIGITAL_SIGNATURE}; validity to a year from now.
 */
public final class CertificateSpec {
  /** The X.509 key usage bits (RFC 5280, 4.2.1.3) a certificate may carry. */
  public enum Usage {
    /** Signatures other than on certificates and CRLs: TLS, code, documents. */
    DIGITAL_SIGNATURE,
    /** Signatures meant as commitment (also called content commitment). */
    NON_REPUDIATION,
    /** Encrypting keys (RSA key transport). */
    KEY_ENCIPHERMENT,
    /** Encrypting data directly with the public key. */
    DATA_ENCIPHERMENT,
    /** Key agreement. */
    KEY_AGREEMENT,
    /** Signing certificates (a CA). */
    KEY_CERT_SIGN,
    /** Signing revocation lists. */
    CRL_SIGN
  }

  /** The extended key usages (RFC 5280, 4.2.1.12) a certificate may carry. */
  public enum Purpose {
    /** TLS server. */
    SERVER_AUTH,
    /** TLS client. */
    CLIENT_AUTH,
    /** Code signing (JAR signing). */
    CODE_SIGNING,
    /** S/MIME. */
    EMAIL_PROTECTION,
    /** Time-stamping authority. */
    TIME_STAMPING
  }

  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final X500Principal subject;
  private final List<String> dnsNames;
  private final List<String> ipAddresses;
  private final List<String> emails;
  private final Set<Usage> usages;
  private final Set<Purpose> purposes;
  private final Instant notBefore;
  private final Duration validity;

  private CertificateSpec(
      X500Principal subject,
      List<String> dnsNames,
      List<String> ipAddresses,
      List<String> emails,
      Set<Usage> usages,
      Set<Purpose> purposes,
      Instant notBefore,
      Duration validity) {
    this.subject = subject;
    this.dnsNames = List.copyOf(dnsNames);
    this.ipAddresses = List.copyOf(ipAddresses);
    this.emails = List.copyOf(emails);
    this.usages =
        Collections.unmodifiableSet(
            usages.isEmpty() ? EnumSet.noneOf(Usage.class) : EnumSet.copyOf(usages));
    this.purposes =
        Collections.unmodifiableSet(
            purposes.isEmpty() ? EnumSet.noneOf(Purpose.class) : EnumSet.copyOf(purposes));
    this.notBefore = notBefore;
    this.validity = validity;
  }

  /**
   * A spec for the subject {@code distinguishedName} (RFC 2253 form, e.g. {@code CN=signer,
   * O=Example}), with digital signature as key usage and a year's validity from now.
   *
   * @throws InvalidArgumentException if the name is {@code null}, empty or not a distinguished name
   */
  public static CertificateSpec subject(String distinguishedName) {
    InvalidArgumentException.requireNonNull(distinguishedName, "distinguishedName");
    X500Principal subject;
    try {
      subject = new X500Principal(distinguishedName);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(
          "'" + distinguishedName + "' is not a distinguished name: " + e.getMessage());
    }
    if (subject.getEncoded().length <= 2) {
      throw new InvalidArgumentException("the subject's distinguished name is empty");
    }
    return new CertificateSpec(
        subject,
        List.of(),
        List.of(),
        List.of(),
        EnumSet.of(Usage.DIGITAL_SIGNATURE),
        EnumSet.noneOf(Purpose.class),
        null,
        Duration.ofDays(365));
  }

  /** A copy with these DNS names as subject alternative names (added to any before). */
  public CertificateSpec withDnsNames(String... names) {
    List<String> all = new ArrayList<>(dnsNames);
    for (String name : checked(names, "DNS name")) {
      if (!DNS_NAME.matcher(name).matches() || name.length() > 253) {
        throw new InvalidArgumentException("'" + name + "' is not a DNS name");
      }
      all.add(name);
    }
    return new CertificateSpec(
        subject, all, ipAddresses, emails, usages, purposes, notBefore, validity);
  }

  /** A copy with these IP addresses (literals, v4 or v6) as subject alternative names. */
  public CertificateSpec withIpAddresses(String... addresses) {
    List<String> all = new ArrayList<>(ipAddresses);
    for (String address : checked(addresses, "IP address")) {
      try {
        // Only literals reach getByName, which then parses and never looks a name up.
        if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
          throw new UnknownHostException(address);
        }
        all.add(InetAddress.getByName(address).getHostAddress());
      } catch (UnknownHostException e) {
        throw new InvalidArgumentException("'" + address + "' is not an IP address literal");
      }
    }
    return new CertificateSpec(
        subject, dnsNames, all, emails, usages, purposes, notBefore, validity);
  }

  /** A copy with these e-mail addresses (RFC 822 names) as subject alternative names. */
  public CertificateSpec withEmails(String... addresses) {
    List<String> all = new ArrayList<>(emails);
    for (String address : checked(addresses, "e-mail address")) {
      if (address.indexOf('@') <= 0 || address.indexOf('@') == address.length() - 1) {
        throw new InvalidArgumentException("'" + address + "' is not an e-mail address");
      }
      all.add(address);
    }
    return new CertificateSpec(
        subject, dnsNames, ipAddresses, all, usages, purposes, notBefore, validity);
  }

  /** A copy with exactly these key usages (replacing the default digital signature). */
  public CertificateSpec withKeyUsage(Usage first, Usage... more) {
    InvalidArgumentException.requireNonNull(first, "usage");
    InvalidArgumentException.requireNonNull(more, "usages");
    for (Usage usage : more) {
      InvalidArgumentException.requireNonNull(usage, "usage");
    }
    return new CertificateSpec(
        subject,
        dnsNames,
        ipAddresses,
        emails,
        EnumSet.of(first, more),
        purposes,
        notBefore,
        validity);
  }

  /** A copy with these extended key usages (added to any before). */
  public CertificateSpec withExtendedKeyUsage(Purpose first, Purpose... more) {
    InvalidArgumentException.requireNonNull(first, "purpose");
    InvalidArgumentException.requireNonNull(more, "purposes");
    Set<Purpose> all = EnumSet.noneOf(Purpose.class);
    all.addAll(purposes);
    all.add(first);
    for (Purpose purpose : more) {
      InvalidArgumentException.requireNonNull(purpose, "purpose");
      all.add(purpose);
    }
    return new CertificateSpec(
        subject, dnsNames, ipAddresses, emails, usages, all, notBefore, validity);
  }

  /**
   * A copy whose self-signed certificate is valid from {@code notBefore} for {@code validity} (a
   * request carries no validity: the CA sets it).
   */
  public CertificateSpec withValidity(Instant notBefore, Duration validity) {
    InvalidArgumentException.requireNonNull(notBefore, "notBefore");
    InvalidArgumentException.requireNonNull(validity, "validity");
    if (validity.isNegative() || validity.isZero() || validity.toDays() > 365L * 100) {
      throw new InvalidArgumentException(
          "validity " + validity + " must be positive and at most 100 years");
    }
    return new CertificateSpec(
        subject, dnsNames, ipAddresses, emails, usages, purposes, notBefore, validity);
  }

  /** The subject's distinguished name. */
  public X500Principal subjectName() {
    return subject;
  }

  /** The DNS subject alternative names. */
  public List<String> dnsNames() {
    return dnsNames;
  }

  /** The IP address subject alternative names. */
  public List<String> ipAddresses() {
    return ipAddresses;
  }

  /** The e-mail subject alternative names. */
  public List<String> emails() {
    return emails;
  }

  /** The key usages. */
  public Set<Usage> keyUsage() {
    return usages;
  }

  /** The extended key usages (possibly none). */
  public Set<Purpose> extendedKeyUsage() {
    return purposes;
  }

  /** When a self-signed certificate starts to be valid; {@code null}: when it is made. */
  public Instant notBefore() {
    return notBefore;
  }

  /** How long a self-signed certificate is valid. */
  public Duration validity() {
    return validity;
  }

  private static List<String> checked(String[] values, String what) {
    InvalidArgumentException.requireNonNull(values, what + "s");
    List<String> list = new ArrayList<>();
    for (String value : values) {
      InvalidArgumentException.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new InvalidArgumentException("a " + what + " is empty");
      }
      list.add(value.trim());
    }
    return list;
  }

  @Override
  public String toString() {
    return "CertificateSpec["
        + subject.getName()
        + " dns="
        + dnsNames
        + " ip="
        + ipAddresses
        + " email="
        + emails
        + " usage="
        + usages
        + " purposes="
        + purposes
        + " validity="
        + validity
        + "]";
  }
}
