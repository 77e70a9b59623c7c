/**
 * Watching a client from outside, with no framework: {@link dev.hsm.observe.HsmObserver} set on
 * {@link dev.hsm.HsmConfig#observe} hears every key operation through a handle (its key, {@link
 * dev.hsm.observe.KeyOperation}, {@link dev.hsm.observe.Outcome} and duration), every audit entry
 * the client writes (with its chain position), and key cache hits and misses; {@link
 * dev.hsm.observe.KeyOverview} summarises keys by state and the next due rotation and destruction.
 * The Spring Boot and Micronaut starters build their metrics, events and management endpoint on
 * these. Nothing here ever carries key material.
 */
package dev.hsm.observe;
