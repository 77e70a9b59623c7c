package dev.hsm.cli;

import dev.hsm.Algorithm;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyVersionInfo;
import dev.hsm.StandardSigner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPContentSigner;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyConverter;

/**
 * OpenPGP (RFC 4880, version 4 packets) on top of the key's standard signatures: the key's OpenPGP
 * public key, self-certified with a user ID so that {@code gpg --import} takes it, and detached
 * signatures that {@code gpg --verify} checks. Bouncy Castle's bcpg builds every packet; only the
 * signature value comes from the HSM, through a {@link PGPContentSigner} that feeds the hashed data
 * to a {@link StandardSigner} of the key.
 *
 * <p>The OpenPGP key's creation time is that of the key version, so its fingerprint stays the same
 * on every export. ECDSA and RSA PKCS#1 keys sign the hashed data as OpenPGP asks (the HSM's
 * standard signature hashes it with the algorithm's own hash, which is the signature's hash
 * algorithm); Ed25519 keys (OpenPGP's EdDSA, algorithm 22) sign the hash value, as OpenPGP asks.
 */
final class OpenPgp {
  private static final Provider BC = new BouncyCastleProvider();

  private final KeyHandle key;
  private final Algorithm algorithm;
  private final int version;
  private final PGPPublicKey publicKey;

  OpenPgp(KeyHandle key) throws PGPException {
    this.key = key;
    KeyInfo info = key.info();
    this.algorithm = info.algorithm();
    this.version = info.primaryVersion();
    Date created = Date.from(createdAt(info, version).truncatedTo(ChronoUnit.SECONDS));
    this.publicKey =
        new JcaPGPKeyConverter().getPGPPublicKey(keyAlgorithm(algorithm), jcaPublicKey(), created);
  }

  private static Instant createdAt(KeyInfo info, int version) {
    for (KeyVersionInfo v : info.versions()) {
      if (v.version() == version) {
        return v.createdAt();
      }
    }
    return info.createdAt();
  }

  private PublicKey jcaPublicKey() {
    String pem = key.publicKeyPem();
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    String jca;
    switch (keyAlgorithm(algorithm)) {
      case PublicKeyAlgorithmTags.ECDSA:
        jca = "EC";
        break;
      case PublicKeyAlgorithmTags.EDDSA_LEGACY:
        jca = "Ed25519";
        break;
      default:
        jca = "RSA";
    }
    try {
      // Bouncy Castle's key objects: its OpenPGP converter recognises an Ed25519 key by the
      // algorithm name "Ed25519", which the JDK's (named "EdDSA") lacks.
      return KeyFactory.getInstance(jca, BC).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the key's public key cannot be read", e);
    }
  }

  /** OpenPGP's public-key algorithm for the key, or a refusal naming what works. */
  static int keyAlgorithm(Algorithm algorithm) {
    switch (algorithm) {
      case ECDSA_P256_SHA256:
      case ECDSA_P384_SHA384:
      case ECDSA_P521_SHA512:
        return PublicKeyAlgorithmTags.ECDSA;
      case ED25519:
        return PublicKeyAlgorithmTags.EDDSA_LEGACY;
      case RSA_PKCS1_SHA256:
      case RSA_PKCS1_SHA384:
      case RSA_PKCS1_SHA512:
        return PublicKeyAlgorithmTags.RSA_GENERAL;
      default:
        throw new CliException(
            ExitCodes.REFUSED,
            algorithm
                + " keys cannot make OpenPGP signatures: use an ECDSA, Ed25519 or RSA PKCS#1 key"
                + " made with --operations SIGN_STANDARD");
    }
  }

  /** The OpenPGP hash algorithm: the key's own hash (SHA-256 for Ed25519). */
  private static int hashAlgorithm(Algorithm algorithm) {
    String name = algorithm.name();
    if (name.endsWith("SHA384")) {
      return HashAlgorithmTags.SHA384;
    }
    if (name.endsWith("SHA512")) {
      return HashAlgorithmTags.SHA512;
    }
    return HashAlgorithmTags.SHA256;
  }

  private static String jcaHash(int hashAlgorithm) {
    switch (hashAlgorithm) {
      case HashAlgorithmTags.SHA384:
        return "SHA-384";
      case HashAlgorithmTags.SHA512:
        return "SHA-512";
      default:
        return "SHA-256";
    }
  }

  /** The key's fingerprint, in upper-case hex, as gpg shows it. */
  String fingerprint() {
    return HexFormat.of().withUpperCase().formatHex(publicKey.getFingerprint());
  }

  int version() {
    return version;
  }

  /** The ASCII-armoured public key with {@code userId}, certified by the key itself. */
  byte[] armoredPublicKey(String userId) throws PGPException, IOException {
    PGPSignatureGenerator generator = generator(PGPSignature.POSITIVE_CERTIFICATION);
    PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
    hashed.setSignatureCreationTime(false, publicKey.getCreationTime());
    hashed.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
    hashed.setPreferredHashAlgorithms(false, new int[] {hashAlgorithm(algorithm)});
    hashed.setIssuerFingerprint(false, publicKey);
    generator.setHashedSubpackets(hashed.generate());
    PGPSignature certification = generator.generateCertification(userId, publicKey);
    PGPPublicKey certified = PGPPublicKey.addCertification(publicKey, userId, certification);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = new ArmoredOutputStream(bytes)) {
      certified.encode(armored);
    }
    return bytes.toByteArray();
  }

  /** A detached signature generator for binary data; feed it, then {@link #armored}. */
  PGPSignatureGenerator detachedSigner() throws PGPException {
    PGPSignatureGenerator generator = generator(PGPSignature.BINARY_DOCUMENT);
    PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
    hashed.setSignatureCreationTime(false, new Date());
    hashed.setIssuerFingerprint(false, publicKey);
    generator.setHashedSubpackets(hashed.generate());
    return generator;
  }

  static byte[] armored(PGPSignature signature) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = new ArmoredOutputStream(bytes)) {
      signature.encode(armored);
    }
    return bytes.toByteArray();
  }

  private PGPSignatureGenerator generator(int signatureType) throws PGPException {
    PGPSignatureGenerator generator = new PGPSignatureGenerator(new HsmSignerBuilder());
    // bcpg asks for a private key; the HSM holds it, so this one carries only the public part.
    generator.init(
        signatureType,
        new PGPPrivateKey(publicKey.getKeyID(), publicKey.getPublicKeyPacket(), null));
    return generator;
  }

  /** Builds content signers that hand the signing to the HSM key. */
  private final class HsmSignerBuilder implements PGPContentSignerBuilder {
    @Override
    public PGPContentSigner build(int signatureType, PGPPrivateKey unused) throws PGPException {
      int hash = hashAlgorithm(algorithm);
      MessageDigest digest;
      try {
        digest = MessageDigest.getInstance(jcaHash(hash));
      } catch (NoSuchAlgorithmException e) {
        throw new PGPException("no " + jcaHash(hash), e);
      }
      boolean signsDigest = algorithm == Algorithm.ED25519;
      StandardSigner signer = key.standardSigner();
      if (signer.version() != version) {
        throw new CliException(
            ExitCodes.FAILED, "the key rotated meanwhile: run the command again");
      }
      return new PGPContentSigner() {
        private byte[] digestValue;

        @Override
        public OutputStream getOutputStream() {
          return new OutputStream() {
            @Override
            public void write(int b) {
              write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
              digest.update(b, off, len);
              if (!signsDigest) {
                signer.update(b, off, len);
              }
            }
          };
        }

        @Override
        public byte[] getSignature() {
          byte[] value = getDigest();
          if (signsDigest) {
            signer.update(value);
          }
          byte[] signature = signer.sign();
          return Signatures.isEcdsa(algorithm) ? Signatures.p1363ToDer(signature) : signature;
        }

        @Override
        public byte[] getDigest() {
          if (digestValue == null) {
            digestValue = digest.digest();
          }
          return digestValue;
        }

        @Override
        public int getType() {
          return signatureType;
        }

        @Override
        public int getHashAlgorithm() {
          return hash;
        }

        @Override
        public int getKeyAlgorithm() {
          return keyAlgorithm(algorithm);
        }

        @Override
        public long getKeyID() {
          return publicKey.getKeyID();
        }
      };
    }
  }
}
