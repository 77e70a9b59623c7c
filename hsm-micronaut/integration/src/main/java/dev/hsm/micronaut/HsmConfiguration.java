package dev.hsm.micronaut;

import dev.hsm.HsmConfig;
import dev.hsm.NativeCrypto;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code hsm.*} settings: where the store is, how to unlock it, and the client's cache. The
 * same names as in the Spring Boot starter.
 *
 * <pre>
 * hsm.store.path=hsm.db                  # default, relative to the working directory
 * hsm.unlock.passphrase-env=HSM_PASSPHRASE   # exactly one of passphrase, passphrase-env, key-file
 * hsm.cache-size=10000
 * hsm.refresh-interval=1s
 * hsm.native-crypto=AUTO                 # AUTO, OFF or REQUIRED; see dev.hsm.NativeCrypto
 * </pre>
 */
@ConfigurationProperties("hsm")
public class HsmConfiguration {
  private int cacheSize = HsmConfig.DEFAULT_CACHE_SIZE;
  private Duration refreshInterval = HsmConfig.DEFAULT_REFRESH_INTERVAL;
  private NativeCrypto nativeCrypto = NativeCrypto.AUTO;
  private final Store store;
  private final Unlock unlock;

  /** Created by Micronaut with the nested settings. */
  public HsmConfiguration(Store store, Unlock unlock) {
    this.store = store;
    this.unlock = unlock;
  }

  /** {@code hsm.cache-size}: how many unwrapped keys to keep in memory (default 10000). */
  public int getCacheSize() {
    return cacheSize;
  }

  /** Sets {@code hsm.cache-size}. */
  public void setCacheSize(int cacheSize) {
    this.cacheSize = cacheSize;
  }

  /** {@code hsm.refresh-interval}: how often to notice other processes' changes (default 1s). */
  public Duration getRefreshInterval() {
    return refreshInterval;
  }

  /** Sets {@code hsm.refresh-interval}. */
  public void setRefreshInterval(Duration refreshInterval) {
    this.refreshInterval = refreshInterval;
  }

  /**
   * {@code hsm.native-crypto}: whether operations may run on the optional native provider (default
   * AUTO: when it is on the classpath; OFF: never; REQUIRED: start-up fails without it).
   */
  public NativeCrypto getNativeCrypto() {
    return nativeCrypto;
  }

  /** Sets {@code hsm.native-crypto}. */
  public void setNativeCrypto(NativeCrypto nativeCrypto) {
    this.nativeCrypto = nativeCrypto;
  }

  /** {@code hsm.store.*}. */
  public Store getStore() {
    return store;
  }

  /** {@code hsm.unlock.*}. */
  public Unlock getUnlock() {
    return unlock;
  }

  /** The core configuration these settings describe. */
  public HsmConfig toHsmConfig() {
    HsmConfig config = HsmConfig.sqlite(store.getPath());
    config = unlock.applyTo(config);
    return config.cacheSize(cacheSize).refreshInterval(refreshInterval).nativeCrypto(nativeCrypto);
  }

  @Override
  public String toString() {
    return "HsmConfiguration[store="
        + store.getPath()
        + ", unlock="
        + unlock
        + ", cacheSize="
        + cacheSize
        + ", refreshInterval="
        + refreshInterval
        + ", nativeCrypto="
        + nativeCrypto
        + "]";
  }

  /** {@code hsm.store.*}: the SQLite file. */
  @ConfigurationProperties("store")
  public static class Store {
    private Path path = Path.of("hsm.db");

    /** {@code hsm.store.path}: the store's SQLite file (default {@code hsm.db}). */
    public Path getPath() {
      return path;
    }

    /** Sets {@code hsm.store.path}. */
    public void setPath(Path path) {
      this.path = path;
    }
  }

  /**
   * {@code hsm.unlock.*}: exactly one of {@code passphrase}, {@code passphrase-env} (the name of an
   * environment variable holding the passphrase) and {@code key-file}.
   */
  @ConfigurationProperties("unlock")
  public static class Unlock {
    private String passphrase;
    private String passphraseEnv;
    private Path keyFile;

    /** {@code hsm.unlock.passphrase}. Prefer {@code passphrase-env} or {@code key-file}. */
    public String getPassphrase() {
      return passphrase;
    }

    /** Sets {@code hsm.unlock.passphrase}. */
    public void setPassphrase(String passphrase) {
      this.passphrase = passphrase;
    }

    /** {@code hsm.unlock.passphrase-env}: the environment variable holding the passphrase. */
    public String getPassphraseEnv() {
      return passphraseEnv;
    }

    /** Sets {@code hsm.unlock.passphrase-env}. */
    public void setPassphraseEnv(String passphraseEnv) {
      this.passphraseEnv = passphraseEnv;
    }

    /** {@code hsm.unlock.key-file}: a file of at least 32 random bytes. */
    public Path getKeyFile() {
      return keyFile;
    }

    /** Sets {@code hsm.unlock.key-file}. */
    public void setKeyFile(Path keyFile) {
      this.keyFile = keyFile;
    }

    HsmConfig applyTo(HsmConfig config) {
      List<String> set = new ArrayList<>();
      if (passphrase != null) {
        set.add("hsm.unlock.passphrase");
      }
      if (passphraseEnv != null) {
        set.add("hsm.unlock.passphrase-env");
      }
      if (keyFile != null) {
        set.add("hsm.unlock.key-file");
      }
      if (set.size() != 1) {
        throw new ConfigurationException(
            (set.isEmpty()
                    ? "no unlock secret: set"
                    : String.join(" and ", set) + " are set; set only")
                + " one of hsm.unlock.passphrase, hsm.unlock.passphrase-env, hsm.unlock.key-file");
      }
      if (passphrase != null) {
        return config.passphrase(passphrase);
      }
      if (passphraseEnv != null) {
        return config.passphraseFromEnv(passphraseEnv);
      }
      return config.keyFile(keyFile);
    }

    @Override
    public String toString() {
      if (passphrase != null) {
        return "passphrase=<masked>";
      }
      if (passphraseEnv != null) {
        return "passphrase-env=" + passphraseEnv;
      }
      return keyFile != null ? "key-file=" + keyFile : "none";
    }
  }
}
