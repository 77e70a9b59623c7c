package dev.hsm.micronaut.data;

import dev.hsm.annotation.Encrypted;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/**
 * A mutable entity with a searchable (deterministic) and two randomized encrypted fields, bound to
 * their row: its id is assigned by the application.
 */
@MappedEntity("customer")
public class Customer {
  @Id private String id;

  private String name;

  @Encrypted(key = "pii-search", deterministic = true, context = "customer.login")
  private String login;

  @Encrypted(key = "pii", context = "customer.note")
  private String note;

  @Encrypted(key = "pii", context = "customer.document")
  private byte[] document;

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getLogin() {
    return login;
  }

  public void setLogin(String login) {
    this.login = login;
  }

  public String getNote() {
    return note;
  }

  public void setNote(String note) {
    this.note = note;
  }

  public byte[] getDocument() {
    return document;
  }

  public void setDocument(byte[] document) {
    this.document = document;
  }
}
