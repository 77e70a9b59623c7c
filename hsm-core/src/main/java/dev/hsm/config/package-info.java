/**
 * The {@code hsm.*} configuration both framework starters read, written once and free of framework
 * imports (the shape of resilience4j's {@code resilience4j-framework-common}).
 *
 * <ul>
 *   <li>{@link dev.hsm.config.CommonHsmProperties}: the properties model (store: SQLite file or
 *       PostgreSQL, unlock, cache, refresh interval, native crypto, declared keys) with its
 *       defaults, its checks and its messages, which name the property ({@code
 *       hsm.unlock.key-file}, {@code hsm.keys.<name>.algorithm}). Each starter subclasses it thinly
 *       to bind it: Spring Boot with {@code @ConfigurationProperties("hsm")}, Micronaut with
 *       {@code @ConfigurationProperties} and {@code @EachProperty("hsm.keys")}.
 *   <li>{@link dev.hsm.config.StarterContext}: what a starter adds to the properties: the property
 *       names it sees (an unknown {@code hsm.store.*} one fails start-up), the application's
 *       DataSources ({@code hsm.store.data-source}) and the class loader in which the optional
 *       {@code hsm-postgresql} module is looked for, by name, so that no starter depends on it.
 *   <li>{@link dev.hsm.config.HsmConfigCustomizer}: the callback through which an application
 *       adjusts the {@link dev.hsm.HsmConfig} a starter builds, instead of replacing its {@code
 *       HsmClient} bean.
 *   <li>{@link dev.hsm.config.DeclaredKeys}: the declared keys, ensured against the store when the
 *       application starts.
 *   <li>{@link dev.hsm.config.InvalidHsmPropertyException}: what a wrong setting fails start-up
 *       with, naming the property.
 * </ul>
 */
package dev.hsm.config;
