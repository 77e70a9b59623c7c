package dev.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSC's {@code pkcs11-tool}, run as a process on the same token, sees what the custody made:
 * keys listed under the library's labels and ids, sensitive and never extractable, and usable by
 * any PKCS#11 application (here its signature checks with OpenSSL). The other way round, a key pair
 * {@code pkcs11-tool} made is adopted into the store and signs through it.
 */
class Pkcs11ToolTest {
  private static final byte[] DATA = "release 1.0".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private HsmClient hsm;

  @BeforeAll
  static void tools() {
    SoftHsm.assumePkcs11Tool();
  }

  @BeforeEach
  void open() throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.write(dir.resolve("hsm.key"), key);
    hsm =
        HsmClient.open(
            HsmConfig.sqlite(dir.resolve("hsm.db"))
                .keyFile(dir.resolve("hsm.key"))
                .custody(SoftHsm.custody()));
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  @Test
  void keysMadeByTheCustody_areListedSensitiveAndNeverExtractable() throws Exception {
    hsm.createKey("listed-ec", KeySpec.ecdsaP256());
    hsm.createKey("listed-aes", KeySpec.aes256Gcm());
    String ecAlias = alias("listed-ec");
    String aesAlias = alias("listed-aes");

    String privateKeys =
        SoftHsm.pkcs11Tool("--login", "--pin", SoftHsm.PIN, "--list-objects", "--type", "privkey");
    String entry = objectListing(privateKeys, "ID:", hex(ecAlias));
    assertThat(entry).contains("EC").contains("always sensitive").contains("never extractable");
    // CKA_EXTRACTABLE would print as a bare "extractable".
    assertThat(entry.replace("never extractable", "")).doesNotContain("extractable");
    assertThat(field(entry, "Usage:")).isEqualTo("sign"); // no decrypt, unwrap or derive

    String secretKeys =
        SoftHsm.pkcs11Tool("--login", "--pin", SoftHsm.PIN, "--list-objects", "--type", "secrkey");
    String secret = objectListing(secretKeys, "label:", aesAlias);
    assertThat(secret).contains("AES").contains("always sensitive").contains("never extractable");
    assertThat(secret.replace("never extractable", "")).doesNotContain("extractable");
    assertThat(field(secret, "Usage:")).isEqualTo("encrypt, decrypt");

    // The token refuses to hand out the value (pkcs11-tool reads no private keys at all).
    assertThatThrownBy(
            () ->
                SoftHsm.pkcs11Tool(
                    "--login",
                    "--pin",
                    SoftHsm.PIN,
                    "--read-object",
                    "--type",
                    "secrkey",
                    "--label",
                    aesAlias,
                    "--output-file",
                    dir.resolve("value").toString()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("CKR_ATTRIBUTE_SENSITIVE");
    assertThat(dir.resolve("value")).doesNotExist();
  }

  @Test
  void aKeyMadeByTheCustody_signsThroughPkcs11Tool_andOpensslVerifies() throws Exception {
    KeyHandle key = hsm.createKey("release", KeySpec.ecdsaP256());
    Path data = Files.write(dir.resolve("data"), DATA);
    Path hash = Files.write(dir.resolve("hash"), MessageDigest.getInstance("SHA-256").digest(DATA));
    Path signature = dir.resolve("signature.der");
    SoftHsm.pkcs11Tool(
        "--login",
        "--pin",
        SoftHsm.PIN,
        "--sign",
        "--mechanism",
        "ECDSA",
        "--id",
        hex(alias("release")),
        "--signature-format",
        "openssl",
        "--input-file",
        hash.toString(),
        "--output-file",
        signature.toString());
    Path pem = Files.writeString(dir.resolve("public.pem"), key.publicKeyPem());
    String verified =
        SoftHsm.run(
            List.of(
                "openssl",
                "dgst",
                "-sha256",
                "-verify",
                pem.toString(),
                "-signature",
                signature.toString(),
                data.toString()));
    assertThat(verified).contains("Verified OK");
  }

  @Test
  void aKeyPairMadeByPkcs11Tool_isAdopted_andSignsThroughTheStore() throws Exception {
    String id = HexFormat.of().formatHex(random(8));
    String label = "ext-" + id;
    SoftHsm.pkcs11Tool(
        "--login",
        "--pin",
        SoftHsm.PIN,
        "--keypairgen",
        "--key-type",
        "EC:prime256v1",
        "--id",
        id,
        "--label",
        label,
        "--usage-sign",
        "--sensitive");
    // The JDK's PKCS#11 key store lists a private key beside a certificate with its CKA_ID: write
    // one for the public key, as any JDK application of this token needs.
    Path publicDer = dir.resolve("public.der");
    SoftHsm.pkcs11Tool(
        "--read-object", "--type", "pubkey", "--id", id, "--output-file", publicDer.toString());
    PublicKey publicKey =
        KeyFactory.getInstance("EC")
            .generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicDer)));
    Path certificate = Files.write(dir.resolve("cert.der"), certificate(label, publicKey));
    SoftHsm.pkcs11Tool(
        "--login",
        "--pin",
        SoftHsm.PIN,
        "--write-object",
        certificate.toString(),
        "--type",
        "cert",
        "--id",
        id,
        "--label",
        label);

    KeyHandle adopted =
        hsm.admin().importKey("adopted", KeySpec.ecdsaP256(), KeyMaterial.tokenObject(label));
    assertThat(adopted.info().imported()).isTrue();
    byte[] signature = adopted.sign(DATA);
    adopted.verify(DATA, signature);
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
    jdk.initVerify(publicKey); // the key pkcs11-tool made, read from the token by pkcs11-tool
    jdk.update(signature, 0, 5);
    jdk.update(DATA);
    assertThat(jdk.verify(signature, 5, signature.length - 5)).isTrue();
    assertThat(adopted.rotate()).isEqualTo(2); // later versions are made in the token as usual
  }

  @Test
  void adoptingWhatIsNotThere_orDoesNotFit_isRefused() {
    assertThatThrownBy(
            () ->
                hsm.admin()
                    .importKey(
                        "none", KeySpec.ecdsaP256(), KeyMaterial.tokenObject("no-such-label")))
        .isInstanceOf(InvalidKeyMaterialException.class)
        .hasMessageContaining("no-such-label");
    assertThatThrownBy(
            () ->
                hsm.admin()
                    .importKey("aes", KeySpec.aes256Gcm(), KeyMaterial.tokenObject("some-label")))
        .isInstanceOf(UnsupportedByTokenException.class);
    assertThat(hsm.findKey("none")).isEmpty();
  }

  // ---------------------------------------------------------------- helpers

  /** The lines pkcs11-tool prints for the object whose {@code field} line holds {@code value}. */
  private static String objectListing(String listing, String field, String value) {
    for (String object : listing.split("\n(?=\\S)")) {
      for (String line : object.split("\n")) {
        if (line.trim().startsWith(field)
            && line.trim().substring(field.length()).trim().equals(value)) {
          return object;
        }
      }
    }
    throw new AssertionError("no object with " + field + " " + value + " in:\n" + listing);
  }

  /** The value of a {@code field} line of one object's listing. */
  private static String field(String object, String field) {
    for (String line : object.split("\n")) {
      if (line.trim().startsWith(field)) {
        return line.trim().substring(field.length()).trim();
      }
    }
    throw new AssertionError("no " + field + " in:\n" + object);
  }

  private String alias(String key) throws Exception {
    try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("hsm.db"));
        PreparedStatement query =
            sqlite.prepareStatement(
                "SELECT wrapped_material FROM key_version WHERE key_name = ? AND version = 1")) {
      query.setString(1, key);
      try (ResultSet rows = query.executeQuery()) {
        assertThat(rows.next()).isTrue();
        ByteBuffer in = ByteBuffer.wrap(rows.getBytes(1));
        in.position(4);
        byte[] alias = new byte[in.getShort()];
        in.get(alias);
        return new String(alias, StandardCharsets.UTF_8);
      }
    }
  }

  private static String hex(String alias) {
    return HexFormat.of().formatHex(alias.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] certificate(String label, PublicKey publicKey) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    X500Name name = new X500Name("CN=" + label);
    return new JcaX509v3CertificateBuilder(
            name,
            BigInteger.ONE,
            new Date(),
            new Date(System.currentTimeMillis() + 86_400_000L),
            name,
            publicKey)
        .build(
            new JcaContentSignerBuilder("SHA256withECDSA")
                .build(generator.generateKeyPair().getPrivate()))
        .getEncoded();
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
