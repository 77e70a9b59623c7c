package dev.hsm.contract;

/**
 * What a framework starter's test service implements, with the annotations on its own methods
 * exactly as in {@link AnnotatedServiceContract}'s javadoc, so both starters run one set of
 * behavioural cases.
 */
public interface ContractService {
  /** {@code @Signed(key = "receipts")}: returns {@code "paid " + order}. */
  String receipt(String order);

  /** {@code @Signed(key = "receipts")}: returns {@code payload}. */
  byte[] receiptBytes(byte[] payload);

  /** Parameter {@code @Signed(key = "receipts")}: returns what the body received. */
  String acceptSigned(String order);

  /** {@code @Encrypted(key = "pii", context = "customer.email")}: returns {@code email}. */
  String encryptEmail(String email);

  /** Parameter {@code @Encrypted(key = "pii", context = "customer.email")}: returns it. */
  String acceptEncrypted(String email);

  /** Parameter {@code @Encrypted(key = "pii", context = "blob")} on {@code byte[]}: returns it. */
  byte[] acceptEncryptedBytes(byte[] blob);

  /** {@code @Signed(key = "pq-receipts")} (ML-DSA-65): returns {@code "paid " + order}. */
  String pqReceipt(String order);

  /**
   * {@code @Encrypted(key = "pq-pii", context = "customer.card")} (X-Wing): returns {@code card}.
   */
  String pqEncrypt(String card);

  /** Parameter {@code @Encrypted(key = "pq-pii", context = "customer.card")}: returns it. */
  String acceptPqEncrypted(String card);

  /** How often a method body ran, to prove bad input is refused before it. */
  int bodyRuns();
}
