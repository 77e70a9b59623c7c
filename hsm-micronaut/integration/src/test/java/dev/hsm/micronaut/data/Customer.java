package dev.hsm.micronaut.data;

import dev.hsm.annotation.Encrypted;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/** An entity with a searchable (deterministic) and two randomized encrypted fields. */
@MappedEntity("customer")
public class Customer {
  @Id @GeneratedValue private Long id;

  private String name;

  @Encrypted(key = "pii-search", deterministic = true, context = "customer.email")
  private String email;

  @Encrypted(key = "pii", context = "customer.note")
  private String note;

  @Encrypted(key = "pii", context = "customer.document")
  private byte[] document;

  public Long getId() {
    return id;
  }

  public void setId(Long id) {
    this.id = id;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getEmail() {
    return email;
  }

  public void setEmail(String email) {
    this.email = email;
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
