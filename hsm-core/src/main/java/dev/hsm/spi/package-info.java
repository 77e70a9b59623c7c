/**
 * What a storage backend implements. The engine keeps every secret wrapped (encrypted and
 * authenticated) before it reaches a backend, so a backend stores opaque rows and needs no
 * cryptography of its own. The SQLite file store is the built-in backend; a shared database is
 * meant to implement the same interface.
 */
package dev.hsm.spi;
