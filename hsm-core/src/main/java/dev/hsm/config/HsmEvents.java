package dev.hsm.config;

import dev.hsm.AuditEntry;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.observe.HsmObserver;
import dev.hsm.observe.KeyOverview;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The starters' events, free of framework types: every audit entry the client writes becomes an
 * {@link HsmAuditEvent} and one JSON line, and {@link #checkDue()} turns rotations and destructions
 * due within a lead time into {@link HsmDueWarning}s and warning lines. Each starter hands in its
 * framework's event publisher and a logger named {@code dev.hsm.audit}, and calls {@link
 * #checkDue()} on a schedule.
 *
 * <p>Events are published on the thread that wrote the entry, after its write committed: a slow
 * listener slows that write's caller, and what a listener throws is logged and dropped.
 */
public final class HsmEvents implements HsmObserver, HsmConfigCustomizer, AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.hsm");

  private final Consumer<Object> publisher;
  private final Consumer<String> auditLine;
  private final Consumer<String> warningLine;
  private final List<Duration> warnBefore;
  private final Supplier<HsmClient> client;
  private final Duration checkEvery;
  private volatile Clock clock = Clock.systemUTC();
  private ScheduledExecutorService schedule;

  /** Due changes warned of, per lead time: each is warned of once per process. */
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /**
   * Events through {@code publisher}; lines to {@code auditLine} (entries, at info level) and
   * {@code warningLine} (due warnings, at warning level), either {@code null} for none.
   *
   * @param warnBefore the lead times before a due rotation or destruction at which to warn
   * @param checkEvery how often to {@link #checkDue()} once the client opens; zero for never
   */
  public HsmEvents(
      Consumer<Object> publisher,
      Consumer<String> auditLine,
      Consumer<String> warningLine,
      List<Duration> warnBefore,
      Supplier<HsmClient> client,
      Duration checkEvery) {
    this.publisher = publisher;
    this.auditLine = auditLine;
    this.warningLine = warningLine;
    List<Duration> leads = new ArrayList<>(warnBefore);
    leads.sort(Comparator.naturalOrder());
    this.warnBefore = List.copyOf(leads);
    this.client = client;
    this.checkEvery = checkEvery;
  }

  /**
   * Adds these events to the client's config, takes its clock for due dates, and starts the due
   * check, whose first run comes one interval later (the client is open by then).
   */
  @Override
  public synchronized HsmConfig customize(HsmConfig config) {
    clock = config.clock();
    if (schedule == null && !checkEvery.isZero() && !warnBefore.isEmpty()) {
      schedule =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "hsm-due-warnings");
                thread.setDaemon(true);
                return thread;
              });
      long millis = checkEvery.toMillis();
      schedule.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
    return config.observe(this);
  }

  private void checkQuietly() {
    try {
      checkDue();
    } catch (RuntimeException e) { // NOPMD: the next run tries again
      LOG.log(System.Logger.Level.WARNING, "checking for due rotations and destructions failed", e);
    }
  }

  /** Stops the due check. */
  @Override
  public synchronized void close() {
    if (schedule != null) {
      schedule.shutdownNow();
      schedule = null;
    }
  }

  /** Events hear audit entries only: handles stay unwrapped. */
  @Override
  public boolean observesOperations() {
    return false;
  }

  @Override
  public void audited(AuditEntry entry, String hash) {
    HsmAuditEvent event = new HsmAuditEvent(entry, hash);
    if (auditLine != null) {
      auditLine.accept(event.toJson());
    }
    publisher.accept(event);
  }

  /**
   * Warns of each rotation or destruction due within a lead time that was not warned of before: for
   * each due change, the shortest lead time reached (so a change already close is not warned of
   * once per longer lead time too). Reads the client's key list once.
   *
   * @return the warnings published
   */
  public List<HsmDueWarning> checkDue() {
    Instant now = clock.instant();
    List<HsmDueWarning> published = new ArrayList<>();
    for (KeyOverview.Due due : KeyOverview.of(client.get().listKeys()).due()) {
      Duration reached = null;
      for (Duration lead : warnBefore) { // shortest first
        if (!now.isBefore(due.at().minus(lead))) {
          reached = lead;
          break;
        }
      }
      if (reached == null) {
        continue;
      }
      boolean first = false;
      for (Duration lead : warnBefore) {
        if (lead.compareTo(reached) >= 0) {
          first |= warned.add(id(due, lead)) && lead.equals(reached);
        }
      }
      if (first) {
        HsmDueWarning warning = new HsmDueWarning(due, reached);
        if (warningLine != null) {
          warningLine.accept(warning.toJson());
        }
        publisher.accept(warning);
        published.add(warning);
      }
    }
    return published;
  }

  private static String id(KeyOverview.Due due, Duration lead) {
    return due.keyName()
        + '\0'
        + due.version()
        + '\0'
        + due.change()
        + '\0'
        + due.at()
        + '\0'
        + lead;
  }
}
