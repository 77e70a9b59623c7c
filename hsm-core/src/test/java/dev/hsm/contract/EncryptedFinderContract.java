package dev.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmException;
import dev.hsm.annotation.InvalidAnnotationException;
import org.junit.jupiter.api.Test;

/**
 * What both starters do, when the application starts, with repository methods that compare an
 * {@code @Encrypted} entity field with an argument: a deterministic field can be compared (equal
 * values give equal ciphertexts), a randomized one never matches, so such a method fails start-up
 * naming the method, the field and the key, instead of always returning nothing.
 *
 * <p>A starter's test extends this class and, for each {@link Finder}, starts an application with
 * {@link EncryptedEntityContract}'s two entities ({@code contact} and {@code memo}, the same
 * annotations) and one repository declaring exactly the methods that case names, on a real SQLite
 * database. The store declares {@code pii} (AES_256_GCM) and {@code pii-search} (AES_256_GCM_SIV).
 */
public abstract class EncryptedFinderContract {

  /** The repository a case adds; each declares only the methods named here. */
  public enum Finder {
    /**
     * On {@code contact}: {@code findByEmail(String email)} and {@code countByEmail(String email)};
     * the e-mail is deterministic.
     */
    DETERMINISTIC_FIELD,
    /**
     * On {@code contact}: {@code findByAddress(String address)}; the address is randomized and
     * bound to its row.
     */
    ROW_BOUND_FIELD,
    /**
     * On {@code memo}: {@code findByBody(String body)}; the body is randomized and opted out of row
     * binding, which does not make it comparable.
     */
    RANDOMIZED_FIELD_NOT_BOUND_TO_ITS_ROW
  }

  /**
   * Starts the starter's application with the repository {@code finder} names and returns what
   * start-up threw, as the framework threw it; {@code null} if it started, after stopping it.
   */
  protected abstract Throwable startupFailure(Finder finder);

  /** The library's exception that stopped start-up: the outermost HsmException in the chain. */
  private HsmException failure(Finder finder) {
    Throwable thrown = startupFailure(finder);
    assertThat(thrown).as("start-up must fail").isNotNull();
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof HsmException hsm) {
        return hsm;
      }
    }
    throw new AssertionError("no HsmException in the cause chain", thrown);
  }

  @Test
  void findersOnADeterministicField_start() {
    assertThat(startupFailure(Finder.DETERMINISTIC_FIELD)).isNull();
  }

  @Test
  void finderOnARowBoundField_failsStartup_namingMethodFieldAndKey() {
    assertThat(failure(Finder.ROW_BOUND_FIELD))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("@Encrypted(key = \"pii\") on ")
        .hasMessageContaining("Contact.address (field)")
        .hasMessageContaining(".findByAddress compares it with an argument")
        .hasMessageContaining("deterministic = false")
        .hasMessageContaining("no query can match it");
  }

  @Test
  void finderOnARandomizedFieldOptedOutOfRowBinding_failsStartup_too() {
    assertThat(failure(Finder.RANDOMIZED_FIELD_NOT_BOUND_TO_ITS_ROW))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("@Encrypted(key = \"pii\") on ")
        .hasMessageContaining("Memo.body (field)")
        .hasMessageContaining(".findByBody compares it with an argument")
        .hasMessageContaining("no query can match it");
  }
}
