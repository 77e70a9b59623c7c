package dev.hsm.cli;

import dev.hsm.AdminAuthenticationException;
import dev.hsm.AuditLogIntegrityException;
import dev.hsm.CertificateMismatchException;
import dev.hsm.InvalidArgumentException;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyNotExtractableException;
import dev.hsm.KeyNotFoundException;
import dev.hsm.KeyVersionDestroyedException;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.StandardSignatureNotAllowedException;
import dev.hsm.StoreException;
import dev.hsm.UnlockFailedException;
import dev.hsm.VerificationFailedException;
import dev.hsm.VersionBelowMinimumException;
import dev.hsm.WrongKeyTypeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * The exit codes of every command (docs/CLI.md lists them; {@code hsm --help} too), and what to
 * tell the user for each failure: one line naming what failed and what to do.
 */
final class ExitCodes {
  /** Done. */
  static final int OK = 0;

  /** Something the tool did not anticipate: run again with --verbose for the stack trace. */
  static final int FAILED = 1;

  /** Wrong use: unknown command or option, missing argument, no store or unlock secret given. */
  static final int USAGE = 2;

  /** The passphrase or key file does not unlock the store, or the admin credential is wrong. */
  static final int AUTHENTICATION = 3;

  /** No such key, key version, certificate, store, or input file. */
  static final int NOT_FOUND = 4;

  /** The key's policy or state refuses the operation (the refusal is in the audit log). */
  static final int REFUSED = 5;

  /**
   * A signature, JWS or ciphertext does not verify; the audit log or a key fails its check; a
   * certificate chain does not fit the key version it is attached to.
   */
  static final int INVALID = 6;

  /** What would be created exists already: a key, a store, an output file. */
  static final int EXISTS = 7;

  /** The store file cannot be used (I/O error, not a key store, damaged). */
  static final int STORE = 8;

  private ExitCodes() {}

  /** The exit code for {@code failure}. */
  static int of(Throwable failure) {
    if (failure instanceof CliException cli) {
      return cli.exitCode();
    }
    if (failure instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    if (failure instanceof UnlockFailedException
        || failure instanceof AdminAuthenticationException) {
      return AUTHENTICATION;
    }
    if (failure instanceof KeyNotFoundException || failure instanceof NoSuchFileException) {
      return NOT_FOUND;
    }
    if (failure instanceof OperationNotPermittedException
        || failure instanceof KeyDisabledException
        || failure instanceof KeyVersionDestroyedException
        || failure instanceof VersionBelowMinimumException
        || failure instanceof WrongKeyTypeException
        || failure instanceof KeyNotExtractableException) {
      return REFUSED;
    }
    if (failure instanceof VerificationFailedException
        || failure instanceof InvalidCiphertextException
        || failure instanceof AuditLogIntegrityException
        || failure instanceof KeyIntegrityException
        || failure instanceof CertificateMismatchException) {
      return INVALID;
    }
    if (failure instanceof KeyAlreadyExistsException
        || failure instanceof FileAlreadyExistsException) {
      return EXISTS;
    }
    if (failure instanceof InvalidArgumentException
        || failure instanceof InvalidKeyMaterialException) {
      return USAGE;
    }
    if (failure instanceof StoreException) {
      return STORE;
    }
    if (failure instanceof UncheckedIOException io) {
      return of(io.getCause());
    }
    return FAILED;
  }

  /** What to do about {@code failure}, or empty if its message says it all. */
  static String advice(Throwable failure) {
    if (failure instanceof UnlockFailedException) {
      return "check HSM_PASSPHRASE (or --passphrase-file), or the key file (--key-file,"
          + " HSM_KEY_FILE)";
    }
    if (failure instanceof AdminAuthenticationException) {
      return "give the admin credential in HSM_ADMIN_PASSPHRASE or --admin-passphrase-file, or"
          + " type it at the prompt";
    }
    if (failure instanceof StandardSignatureNotAllowedException) {
      return "sign files with a key made for it: hsm key create NAME --algorithm"
          + " ECDSA_P256_SHA256 --operations SIGN_STANDARD";
    }
    if (failure instanceof CertificateMismatchException) {
      return "attach the chain a CA issued for this version: its request comes from hsm cert csr"
          + " NAME --version N, and the file lists the version's certificate first";
    }
    if (failure instanceof KeyNotFoundException) {
      return "hsm key list shows the store's keys";
    }
    if (failure instanceof NoSuchFileException) {
      return "check the path";
    }
    if (failure instanceof FileAlreadyExistsException) {
      return "choose another path or remove the file first";
    }
    if (failure instanceof IOException || failure instanceof UncheckedIOException) {
      return "check the path and its permissions";
    }
    return "";
  }

  /** The message of {@code failure}, for one line: never a stack trace. */
  static String message(Throwable failure) {
    Throwable shown = failure instanceof UncheckedIOException ? failure.getCause() : failure;
    if (shown instanceof NoSuchFileException missing) {
      return "no such file: " + missing.getFile();
    }
    if (shown instanceof FileAlreadyExistsException exists) {
      return "file exists already: " + exists.getFile();
    }
    String message = shown.getMessage();
    return message == null || message.isBlank() ? shown.getClass().getSimpleName() : message;
  }
}
