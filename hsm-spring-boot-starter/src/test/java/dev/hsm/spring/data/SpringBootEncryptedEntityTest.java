package dev.hsm.spring.data;

import dev.hsm.HsmClient;
import dev.hsm.contract.EncryptedEntityContract;
import dev.hsm.spring.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * hsm-core's {@code @Encrypted} entity cases through Spring Data JDBC on a real SQLite file: the
 * copy-a-row attack, and the limits of deterministic and opted-out fields. A contact with an id the
 * application chose is inserted with {@link JdbcAggregateTemplate#insert} (a repository's {@code
 * save} would update a row with that id), and changed with the repository's {@code save}.
 */
@SpringBootTest(classes = DataApplication.class)
class SpringBootEncryptedEntityTest extends EncryptedEntityContract {
  private static final Path DIR = createDir();

  @Autowired HsmClient hsm;
  @Autowired ContactRepository contacts;
  @Autowired MemoRepository memos;
  @Autowired JdbcAggregateTemplate aggregates;
  @Autowired JdbcTemplate jdbc;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    for (String property : TestStores.storeIn(DIR)) {
      String[] nameValue = property.split("=", 2);
      registry.add(nameValue[0], () -> nameValue[1]);
    }
    registry.add("hsm.keys.pii.algorithm", () -> "AES_256_GCM");
    registry.add("hsm.keys.pii-search.algorithm", () -> "AES_256_GCM_SIV");
    registry.add("hsm.keys.lookup.algorithm", () -> "AES_256_GCM_SIV");
    registry.add(
        "spring.datasource.url",
        () -> "jdbc:sqlite:" + DIR.resolve("app.db") + "?journal_mode=WAL&busy_timeout=5000");
    registry.add("spring.sql.init.mode", () -> "always");
  }

  @Override
  protected HsmClient hsm() {
    return hsm;
  }

  @Override
  protected ContactData insert(ContactData contact) {
    return data(aggregates.insert(entity(contact)));
  }

  @Override
  protected List<ContactData> insertAll(List<ContactData> values) {
    return aggregates
        .insertAll(values.stream().map(SpringBootEncryptedEntityTest::entity).toList())
        .stream()
        .map(SpringBootEncryptedEntityTest::data)
        .toList();
  }

  @Override
  protected void update(ContactData contact) {
    contacts.save(entity(contact));
  }

  @Override
  protected Optional<ContactData> findById(String id) {
    return contacts.findById(id).map(SpringBootEncryptedEntityTest::data);
  }

  @Override
  protected Optional<ContactData> findByEmail(String email) {
    return contacts.findByEmail(email).map(SpringBootEncryptedEntityTest::data);
  }

  @Override
  protected long insertMemo(String body) {
    return memos.save(new Memo(null, body)).id();
  }

  @Override
  protected Optional<String> findMemoBody(long id) {
    return memos.findById(id).map(Memo::body);
  }

  @Override
  protected void execute(String sql, Object... arguments) {
    jdbc.update(sql, arguments);
  }

  @Override
  protected Object queryValue(String sql, Object... arguments) {
    return jdbc.queryForObject(sql, Object.class, arguments);
  }

  private static Contact entity(ContactData contact) {
    return new Contact(
        contact.id(), contact.name(), contact.email(), contact.address(), contact.phone());
  }

  private static ContactData data(Contact contact) {
    return new ContactData(
        contact.id(), contact.name(), contact.email(), contact.address(), contact.phone());
  }

  private static Path createDir() {
    try {
      return Files.createTempDirectory("hsm-spring-entities");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
