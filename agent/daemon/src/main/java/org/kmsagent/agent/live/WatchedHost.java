package org.kmsagent.agent.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.core.text.Guids;
import org.kmsagent.agent.host.GenuineHostView;
import org.kmsagent.agent.host.H2ActivationLedger;
import org.kmsagent.agent.licensing.eventlog.KmsEventWatcher;
import org.kmsagent.agent.licensing.kmshost.GenuineHostServiceReader;
import org.kmsagent.agent.licensing.slc.KmsHostCounters;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host role in {@code watch} mode: follows the genuine Windows KMS host service on this machine. Every minute
 * its "Key Management Service" event log is read into the durable ledger ({@link KmsEventWatcher}); the view joins
 * the requests of the last 30 days with the service's own counters read through SLC, and its settings, host keys and
 * license packs ({@link GenuineHostServiceReader}). Nothing listens on a port and nothing is changed on the host. Runs on the agent's machine context (one poll at a time).
 */
final class WatchedHost implements AutoCloseable {
    static final Duration POLL = Duration.ofMinutes(1);
    /** Right after a poll that stopped at its batch limit. */
    static final Duration CATCH_UP = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(WatchedHost.class);
    private static final List<UUID> APPLICATIONS = List.of(
            KmsRules.WINDOWS_APPLICATION, KmsRules.OFFICE_2013_AND_LATER_APPLICATION, KmsRules.OFFICE_2010_APPLICATION);

    private final String name;
    private final H2ActivationLedger ledger;
    private final KmsEventWatcher watcher;
    private final String watcherError;
    private final SlcLicensingStack slc;
    private final GenuineHostServiceReader service;
    private final Scheduler scheduler;
    private final EventPublisher events;
    /** The loaded families, whose catalogs say which application each logged product counts in. */
    private List<LoadedFamily> families = List.of();

    private Scheduler.Timer next;
    private Instant lastRead;
    private String eventLogError;
    private boolean closed;

    /**
     * @param watcher the event log reader, or null if the Event Log API could not be loaded ({@code watcherError} says
     *     why)
     * @param slc the licensing stack for the service's counters, or null off Windows
     * @param service the reader of the service's settings, host keys and license packs
     */
    WatchedHost(
            String name,
            H2ActivationLedger ledger,
            KmsEventWatcher watcher,
            String watcherError,
            SlcLicensingStack slc,
            GenuineHostServiceReader service,
            Scheduler scheduler,
            EventPublisher events) {
        this.name = name;
        this.ledger = ledger;
        this.watcher = watcher;
        this.watcherError = watcherError;
        this.slc = slc;
        this.service = service;
        this.scheduler = scheduler;
        this.events = events;
        this.eventLogError = watcherError;
    }

    String name() {
        return name;
    }

    /** The loaded families changed. */
    void families(List<LoadedFamily> loaded) {
        families = List.copyOf(loaded);
    }

    /** The application whose table a logged product (a SKU id) is counted in, by the loaded families' catalogs. */
    private Optional<String> applicationOf(String skuId) {
        Optional<UUID> sku = Guids.parse(Guids.bare(skuId));
        if (sku.isEmpty()) {
            return Optional.empty();
        }
        for (LoadedFamily f : families) {
            if (f.catalog().bySkuId(sku.get()).isPresent()) {
                return Optional.of(f.applicationId().toString());
            }
        }
        return Optional.empty();
    }

    /** Reads the log now, then every {@link #POLL}. */
    void start() {
        next = scheduler.scheduleAfter(Duration.ZERO, this::poll);
    }

    /** One read of the log; publishes the view when it brought new requests. */
    void poll() {
        if (closed) {
            return;
        }
        Duration after = POLL;
        if (watcher != null) {
            try {
                KmsEventWatcher.Poll p = watcher.poll();
                lastRead = scheduler.now();
                eventLogError = null;
                if (p.more()) {
                    after = CATCH_UP;
                }
                if (p.stored() > 0) {
                    events.publish(EventPublisher.WATCHED_HOST, view(scheduler.now()));
                }
            } catch (Exception e) {
                eventLogError = e.getMessage();
                LOG.warn("host.mode watch: the Key Management Service log could not be read: {}", e.getMessage());
            }
        }
        next = scheduler.scheduleAfter(after, this::poll);
    }

    /** The host as the log and the service's counters show it now. */
    GenuineHostView view(Instant now) {
        List<GenuineHostView.Counters> counters = new ArrayList<>();
        String countersError = null;
        if (slc == null) {
            countersError = "the service's counters are read through Windows' licensing service (SLC), absent here";
        } else {
            for (UUID app : APPLICATIONS) {
                try {
                    KmsHostCounters c = slc.kmsHostCounters(LicensingService.SPP, app);
                    if (c.keyManagementService()) {
                        counters.add(new GenuineHostView.Counters(
                                app.toString(),
                                c.currentCount(),
                                c.totalRequests(),
                                c.failedRequests(),
                                c.requestsByClientStatus()));
                    }
                } catch (LicensingException e) {
                    countersError = "application " + app + ": " + e.getMessage();
                }
            }
        }
        Instant from = GenuineHostView.windowStart(now);
        GenuineHostView view = GenuineHostView.of(
                name,
                now,
                ledger.clientsSince(from),
                ledger.countedSince(from),
                this::applicationOf,
                counters,
                countersError,
                ledger.observedCount(),
                watcher == null ? 0 : watcher.malformedTotal(),
                lastRead,
                eventLogError != null ? eventLogError : watcherError);
        if (!service.available()) {
            return view.withService(null, service.unavailableReason());
        }
        try {
            return view.withService(service.read(APPLICATIONS), null);
        } catch (RuntimeException e) {
            // A reader fault must not cost the view the log and the counters.
            LOG.warn("host.mode watch: the service's settings could not be read: {}", e.toString());
            return view.withService(null, "the service's settings could not be read: " + e);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (next != null) {
            scheduler.cancel(next);
        }
        ledger.close();
    }
}
