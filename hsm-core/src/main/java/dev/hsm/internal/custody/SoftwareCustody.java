package dev.hsm.internal.custody;

import dev.hsm.Algorithm;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.internal.crypto.CryptoEngines;
import dev.hsm.internal.crypto.Keys;
import dev.hsm.internal.protection.AesGcm;
import dev.hsm.internal.protection.MasterKey;
import dev.hsm.internal.protection.Secrets;
import dev.hsm.spi.CustodyContext;
import dev.hsm.spi.CustodyRecord;
import dev.hsm.spi.KeyCustody;
import dev.hsm.spi.KeyOperations;
import dev.hsm.spi.VersionBinding;
import java.security.GeneralSecurityException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The built-in custody: material is generated with the library's CSPRNG, kept in the store wrapped
 * with AES-256-GCM under a key derived from the master key (the version's {@link
 * VersionBinding#associatedData()} bound as associated data), and unwrapped into this JVM's heap
 * when its key is loaded. Operations run on the providers {@link CryptoEngines} picks (pure Java,
 * or the optional native provider).
 */
public final class SoftwareCustody implements KeyCustody {
  private static final String DESCRIPTION = "software custody";

  private final byte[] wrappingKey;
  private final CryptoEngines engines;

  private SoftwareCustody(byte[] wrappingKey, CryptoEngines engines) {
    this.wrappingKey = wrappingKey;
    this.engines = engines;
  }

  /** The factory every config uses unless it names another custody. */
  public static KeyCustody.Factory factory() {
    return new KeyCustody.Factory() {
      @Override
      public KeyCustody open(CustodyContext context) {
        return new SoftwareCustody(
            context.deriveKey(MasterKey.WRAPPING_PURPOSE),
            CryptoEngines.select(context.config().nativeCrypto()));
      }

      @Override
      public String description() {
        return DESCRIPTION;
      }

      @Override
      public String toString() {
        return DESCRIPTION;
      }
    };
  }

  @Override
  public String description() {
    return DESCRIPTION;
  }

  @Override
  public CustodyRecord generate(VersionBinding version) {
    return wrapped(version, Keys.generate(spec(version)));
  }

  @Override
  public CustodyRecord importMaterial(VersionBinding version, KeyMaterial material) {
    if (material.form() == KeyMaterial.Form.TOKEN_OBJECT) {
      throw new InvalidKeyMaterialException(
          "software custody holds no token objects: a key in a PKCS#11 token is adopted by a"
              + " store whose custody is that token");
    }
    return wrapped(
        version, Keys.validateImport(spec(version), material.form(), material.encoded()));
  }

  @Override
  public KeyOperations open(VersionBinding version, CustodyRecord record) {
    byte[] material = unwrap(version, record);
    try {
      return Keys.load(engines, version.algorithm(), version.form(), material, record.publicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyIntegrityException(
          version.describe() + ": stored material cannot be read as " + version.algorithm());
    } finally {
      Secrets.wipe(material);
    }
  }

  @Override
  public byte[] exportMaterial(VersionBinding version, CustodyRecord record) {
    return unwrap(version, record);
  }

  @Override
  public CustodyRecord rewrap(VersionBinding version, CustodyRecord record, KeyCustody previous) {
    byte[] material = ((SoftwareCustody) previous).unwrap(version, record);
    try {
      return new CustodyRecord(seal(version, material), record.publicKey());
    } finally {
      Secrets.wipe(material);
    }
  }

  @Override
  public String provider(Algorithm algorithm) {
    return engines.describe(algorithm);
  }

  /** Wipes the wrapping key; keys opened before keep working (they hold their own objects). */
  @Override
  public void close() {
    Secrets.wipe(wrappingKey);
  }

  private static KeySpec spec(VersionBinding version) {
    return version.algorithm().isRsa()
        ? KeySpec.rsa(version.algorithm(), version.rsaModulusBits())
        : KeySpec.of(version.algorithm());
  }

  /** The record for fresh material, whose clear bytes are wiped. */
  private CustodyRecord wrapped(VersionBinding version, Keys.Material material) {
    try {
      return new CustodyRecord(seal(version, material.encoded()), material.publicKeySpki());
    } finally {
      Secrets.wipe(material.encoded());
    }
  }

  private byte[] seal(VersionBinding version, byte[] material) {
    return AesGcm.seal(new SecretKeySpec(wrappingKey, "AES"), material, version.associatedData());
  }

  /**
   * @throws KeyIntegrityException if the wrapped material does not authenticate for {@code version}
   */
  private byte[] unwrap(VersionBinding version, CustodyRecord record) {
    try {
      return AesGcm.open(
          new SecretKeySpec(wrappingKey, "AES"), record.material(), version.associatedData());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyIntegrityException(
          version.describe()
              + ": wrapped key material fails its integrity check (edited, moved or corrupted)");
    }
  }
}
