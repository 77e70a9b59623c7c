package dev.hsm.micronaut.data;

import dev.hsm.HsmClient;
import dev.hsm.contract.EncryptedEntityContract;
import dev.hsm.micronaut.TestHsm;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.TestInstance;

/**
 * hsm-core's {@code @Encrypted} entity cases through Micronaut Data JDBC on a real SQLite file: a
 * mutable and an immutable (record) entity, the copy-a-row attack, and the limits of deterministic
 * and opted-out fields. Each test runs in a transaction that is rolled back, so plain JDBC uses the
 * transaction's connection.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MicronautEncryptedEntityTest extends EncryptedEntityContract implements TestPropertyProvider {
  private Path dir;

  @Inject HsmClient hsm;
  @Inject ContactRepository contacts;
  @Inject MemoRepository memos;
  @Inject DataSource dataSource;

  @Override
  public Map<String, String> getProperties() {
    dir = TestHsm.newDirectory();
    String url = "jdbc:sqlite:" + dir.resolve("app.db") + "?journal_mode=WAL&busy_timeout=5000";
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE contact (id TEXT PRIMARY KEY, name TEXT, email TEXT, address TEXT,"
              + " phone TEXT)");
      statement.execute("CREATE TABLE memo (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT)");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> properties = new HashMap<>();
    TestHsm.properties(dir).forEach((k, v) -> properties.put(k, v.toString()));
    properties.put("datasources.default.url", url);
    properties.put("datasources.default.driver-class-name", "org.sqlite.JDBC");
    properties.put("datasources.default.dialect", "ANSI");
    properties.put("datasources.default.schema-generate", "NONE");
    return properties;
  }

  @Override
  protected HsmClient hsm() {
    return hsm;
  }

  @Override
  protected ContactData insert(ContactData contact) {
    return data(contacts.save(entity(contact)));
  }

  @Override
  protected List<ContactData> insertAll(List<ContactData> values) {
    List<ContactData> saved = new ArrayList<>();
    contacts
        .saveAll(values.stream().map(MicronautEncryptedEntityTest::entity).toList())
        .forEach(contact -> saved.add(data(contact)));
    return saved;
  }

  @Override
  protected void update(ContactData contact) {
    contacts.update(entity(contact));
  }

  @Override
  protected Optional<ContactData> findById(String id) {
    return contacts.findById(id).map(MicronautEncryptedEntityTest::data);
  }

  @Override
  protected Optional<ContactData> findByEmail(String email) {
    return contacts.findByEmail(email).map(MicronautEncryptedEntityTest::data);
  }

  @Override
  protected long insertMemo(String body) {
    Memo memo = new Memo();
    memo.setBody(body);
    return memos.save(memo).getId();
  }

  @Override
  protected Optional<String> findMemoBody(long id) {
    return memos.findById(id).map(Memo::getBody);
  }

  @Override
  protected void execute(String sql, Object... arguments) {
    try (PreparedStatement statement = prepare(sql, arguments)) {
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected Object queryValue(String sql, Object... arguments) {
    try (PreparedStatement statement = prepare(sql, arguments);
        ResultSet row = statement.executeQuery()) {
      return row.next() ? row.getObject(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A statement on the test transaction's connection (which the transaction closes). */
  private PreparedStatement prepare(String sql, Object... arguments) throws SQLException {
    PreparedStatement statement = dataSource.getConnection().prepareStatement(sql);
    for (int i = 0; i < arguments.length; i++) {
      statement.setObject(i + 1, arguments[i]);
    }
    return statement;
  }

  private static Contact entity(ContactData contact) {
    return new Contact(
        contact.id(), contact.name(), contact.email(), contact.address(), contact.phone());
  }

  private static ContactData data(Contact contact) {
    return new ContactData(
        contact.id(), contact.name(), contact.email(), contact.address(), contact.phone());
  }
}
