package org.kmsagent.agent.live;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.MakFallback;
import org.kmsagent.agent.daemon.AgentState;
import org.kmsagent.agent.daemon.ProductSchedule;
import org.kmsagent.agent.plugin.FamilyRegistry;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginFailure;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.renewal.Faults;
import org.kmsagent.agent.renewal.MakFallbackPolicy;
import org.kmsagent.agent.renewal.RenewalEvent;
import org.kmsagent.agent.renewal.RenewalLoop;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.ThresholdClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Product tracking: one {@link RenewalLoop} per installed product of every loaded family, kept in line with the
 * family registry as plugins come and go; a stored schedule is resumed ({@link RenewalLoop#resume}). After every loop
 * run and every change, each product's schedule (next attempt, validity, last result) and the simulated machine's
 * store are saved ({@link #persist}) and changed product views published as {@code state-changed}. Every loop event
 * is published as {@value EventPublisher#RENEWAL}. Machine thread only, except {@link #reconcile}, which hands itself
 * to it.
 */
final class ProductTracker {
    // The daemon's log lines keep the name they always had (docs/windows.md shows them).
    private static final Logger LOG = LoggerFactory.getLogger(LiveAgent.class);

    private final AgentConfig config;
    private final EventPublisher events;
    private final Scheduler scheduler;
    private final StatePersistence persistence;
    private final MachineLicensing licensing;
    private final HostRoleRunner hosts;
    private final MachineAccess machine;
    private final StartBanner banner;
    private final Provider<PluginHost> pluginHost;

    private final Map<String, Integer> familyRetries = new HashMap<>();
    // The families whose products were found (by identity: a family reloaded is another object).
    private final Set<LoadedFamily> found = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private final Map<String, ProductView> published = new HashMap<>();
    private PluginHost plugins;
    private Instant startedAt;
    private boolean stopping;

    /** One product's loop and what the agent remembers of it. */
    private static final class Tracked {
        final LoadedFamily family;
        final UUID skuId;
        /** The edition's name as the licensing service reports it (editions may share a SKU id, docs/kms-rules.md §4). */
        final String name;

        RenewalLoop loop;
        RenewalEvent lastAttempt;
        Instant lastAttemptAt;
        // The last licensing call other than an attempt that failed (reading the product's state), for an
        // administrator's activate that could not attempt: what stopped it, the plugin or the licensing service.
        RenewalEvent lastCallFailure;
        Instant graceEnd;

        Tracked(LoadedFamily family, UUID skuId, String name) {
            this.family = family;
            this.skuId = skuId;
            this.name = name;
        }
    }

    @Inject
    ProductTracker(
            AgentConfig config,
            EventPublisher events,
            Scheduler scheduler,
            StatePersistence persistence,
            MachineLicensing licensing,
            HostRoleRunner hosts,
            MachineAccess machine,
            StartBanner banner,
            Provider<PluginHost> pluginHost) {
        this.pluginHost = pluginHost;
        this.config = config;
        this.events = events;
        this.scheduler = scheduler;
        this.persistence = persistence;
        this.licensing = licensing;
        this.hosts = hosts;
        this.machine = machine;
        this.banner = banner;
    }

    /** Notes the start time (the start-up window of transient faults counts from it). */
    void markStarted() {
        startedAt = scheduler.now();
    }

    /** Says what the renewal settings cannot do in this build. */
    void reportSettings() {
        if (config.renewal().makFallback() != MakFallback.NEVER
                || config.renewal().families().values().stream()
                        .anyMatch(f -> f != null && f.makFallback() != null && f.makFallback() != MakFallback.NEVER)) {
            // The configuration has no key for a MAK yet, and the agent never installs a MAK it was not given.
            banner.add(
                    "kms-agent: renewal.makFallback: no MAK can be configured in this build; the fallback stays off");
        }
    }

    /** Follows the plugin host's registry from now on, and tracks the families it has after a scan. */
    void follow() {
        this.plugins = pluginHost.get();
        // The first scan's families are reconciled once, after it: followed during the scan, each family admitted
        // would save the state file and publish the views again (eight saves at every start, each through Jackson).
        // What changes once the listener is on is the listener's; what changed before it, the reconcile below sees.
        plugins.rescan();
        plugins.registry().onChange(this::reconcile);
        reconcile(plugins.registry());
        lookAgainEvery(KmsRules.ACTIVATION_INTERVAL);
    }

    /** After start: overrides for families not loaded, and where each loop starts. */
    void reportStart(List<String> ids) {
        for (String line : config.renewal().unknownFamilies(Set.copyOf(ids))) {
            banner.add("kms-agent: " + line + "; the override applies to nothing");
        }
    }

    /** After start: whether each product's loop resumed or starts now. */
    void reportLoops() {
        for (Tracked t : tracked.values()) {
            ProductSchedule s = persistence.state().products().get(key(t));
            banner.add("kms-agent: renewal " + t.family.id() + " " + name(t) + ": "
                    + (s != null && s.nextDue() != null
                            ? "resumed, next attempt " + s.nextDue()
                            : "first attempt now"));
        }
    }

    // ---- families come and go ----

    /** Brings the loops in line with the registry: loops for admitted families, none for removed ones. */
    void reconcile(FamilyRegistry registry) {
        if (stopping) {
            return; // the plugins are closing at shutdown: the loops are already stopped and their state saved
        }
        if (!machine.onMachineThread()) {
            machine.onMachine(() -> {
                reconcile(registry);
                return null;
            });
            return;
        }
        List<LoadedFamily> families = registry.families();
        Set<String> ids = new HashSet<>(families.stream().map(LoadedFamily::id).toList());
        for (var it = tracked.entrySet().iterator(); it.hasNext(); ) {
            Tracked t = it.next().getValue();
            if (!ids.contains(t.family.id()) || registry.family(t.family.id()).orElse(null) != t.family) {
                t.loop.stop();
                it.remove();
                LOG.info("renewal of {} {} stopped: its plugin was unloaded", t.family.id(), t.skuId);
            }
        }
        found.removeIf(f -> families.stream().noneMatch(g -> g == f)); // unloaded or replaced
        hosts.families(families);
        for (LoadedFamily f : families) {
            if (tracked.values().stream().noneMatch(t -> t.family == f)) {
                startFamily(f);
            }
        }
        persist();
    }

    private void startFamily(LoadedFamily f) {
        List<InstalledProduct> installed;
        SimulatedSite site = licensing.site();
        try {
            if (site != null) {
                site.install(f);
            }
            installed = f.findInstalled(licensing.stack());
            for (InstalledProduct p : installed) {
                pointAtConfiguredHost(f, p);
            }
        } catch (LicensingException | PluginFailure e) {
            retryFamily(f, e);
            return;
        }
        familyRetries.remove(f.id());
        found.add(f);
        for (InstalledProduct p : installed) {
            startProduct(f, p);
        }
    }

    /** Points the product at the KMS host the configuration names for its family, if it names one. */
    private void pointAtConfiguredHost(LoadedFamily f, InstalledProduct p) throws LicensingException {
        String kms = config.renewal().kmsFor(f.id());
        if (!kms.isEmpty()) {
            KmsEndpoint endpoint = KmsEndpoint.parse(kms);
            f.call((ext, h) -> {
                h.pointAt(licensing.stack(), p, endpoint);
                return null;
            });
        }
    }

    private void startProduct(LoadedFamily f, InstalledProduct p) {
        Tracked t = new Tracked(f, p.skuId(), p.name());
        // docs/kms-rules.md §2.3: each product follows its own schedule; the MAK fallback needs a MAK the administrator
        // gave, which this build has no key for yet, so it stays off.
        t.loop = new RenewalLoop(
                scheduler, f, licensing.stack(), p.skuId(), p.name(), MakFallbackPolicy.OFF, e -> onEvent(t, e));
        tracked.put(key(t), t);
        ProductSchedule stored = persistence.state().products().get(key(t));
        if (stored != null && stored.nextDue() != null) {
            t.lastAttemptAt = stored.lastAttempt();
            t.loop.resume(stored.nextDue());
        } else {
            t.loop.start();
        }
    }

    /**
     * Looks for the loaded families' products again, every activation interval: one installed since the start
     * (Office added to a machine, an edition upgraded to another SKU) gets a loop, and so does one whose loop ended
     * because the licensing service once said it was not installed (an Office repair). Before, either waited for the
     * agent's restart, the product in grace and then in notification.
     */
    void lookAgainEvery(Duration interval) {
        scheduler.scheduleAfter(interval, () -> {
            if (stopping) {
                return;
            }
            lookAgain();
            lookAgainEvery(interval);
        });
    }

    void lookAgain() {
        boolean followed = false;
        // Only families whose first look went through: one still retried, or whose reconcile is still on its way to
        // the machine thread, is that look's to start (and to point at its host).
        for (LoadedFamily f : List.copyOf(found)) {
            for (InstalledProduct p : find(f)) {
                Tracked t = tracked.get(AgentState.key(f.id(), p.skuId().toString()));
                if (t != null && !t.loop.finished()) {
                    continue;
                }
                try {
                    pointAtConfiguredHost(f, p); // as at the start: an Office repair also resets its KMS host
                } catch (LicensingException | PluginFailure e) {
                    LOG.warn(
                            "renewal of {} {}: not pointed at its configured KMS host: {}",
                            f.id(),
                            p.name(),
                            e.getMessage());
                }
                LOG.info(
                        "renewal of {} {}: {}",
                        f.id(),
                        p.name(),
                        t == null ? "installed since the start, followed" : "installed again, followed again");
                startProduct(f, p);
                followed = true;
            }
        }
        if (followed) {
            persist();
        }
    }

    /**
     * The family's products could not be read: asked again later, as the renewal loop would (soon for a transient
     * failure, at the activation interval otherwise), so a licensing service restarting at boot loses no product.
     */
    private void retryFamily(LoadedFamily f, Exception e) {
        int n = familyRetries.merge(f.id(), 1, Integer::sum);
        boolean transientFault = e instanceof LicensingException le
                && Faults.classify(
                                le, Duration.between(startedAt, scheduler.now()).compareTo(Faults.STARTUP_WINDOW) < 0)
                        == Faults.FaultClass.TRANSIENT;
        Duration wait = transientFault ? Faults.backoff(n, KmsRules.ACTIVATION_INTERVAL) : KmsRules.ACTIVATION_INTERVAL;
        LOG.warn(
                "family {}: its installed products could not be read ({}); trying again in {} min",
                f.id(),
                e.getMessage(),
                wait.toMinutes());
        scheduler.scheduleAfter(wait, () -> {
            if (stopping
                    || plugins.registry().family(f.id()).orElse(null) != f
                    || tracked.values().stream().anyMatch(t -> t.family == f)) {
                return; // unloaded, replaced or started meanwhile
            }
            startFamily(f);
        });
    }

    private void onEvent(Tracked t, RenewalEvent e) {
        if (e.kind() == RenewalEvent.Kind.STOPPED) {
            return;
        }
        if (e.hresult().isPresent() && RenewalEvents.isAttempt(e.kind())) {
            t.lastAttempt = e;
            t.lastAttemptAt = e.time();
        } else if (e.kind() == RenewalEvent.Kind.CALL_FAILED || e.kind() == RenewalEvent.Kind.CALL_TIMED_OUT) {
            t.lastCallFailure = e;
        }
        InstalledProduct p = t.loop.product();
        // A success starts a new validity, which the loop reads only after the event; a failure leaves it as read.
        Optional<Instant> validUntil = switch (e.kind()) {
            case ACTIVATED, RENEWED -> Optional.of(e.time().plus(KmsRules.VALIDITY));
            case MAK_ACTIVATED -> Optional.empty();
            default -> t.loop.validUntil();
        };
        events.publish(
                EventPublisher.RENEWAL,
                RenewalEvents.renewalJson(
                        e, t.skuId, p == null ? Optional.empty() : p.partialProductKey(), validUntil));
        if (e.kind() == RenewalEvent.Kind.CALL_TIMED_OUT) {
            LOG.warn(
                    "{} {}: a licensing call did not return in time and was abandoned; {}",
                    e.family(),
                    e.sku(),
                    licensing.licensingCalls());
        }
        String detail = e.diagnosis()
                .map(d -> " (" + e.hresult().map(HResult::hex).orElse("") + " " + d + ")")
                .orElse("");
        if (RenewalEvents.isFailure(e.kind())) {
            LOG.warn("{} {}: {}{}", e.family(), e.sku(), e.kind(), detail);
        } else {
            LOG.info("{} {}: {}{}", e.family(), e.sku(), e.kind(), detail);
        }
    }

    // ---- administrator actions on the loops ----

    /** Attempts every tracked product of {@code chosen} now, one result each. */
    List<ActionResult> activate(List<LoadedFamily> chosen) {
        List<ActionResult> out = new ArrayList<>();
        for (Tracked t : List.copyOf(tracked.values())) {
            if (!chosen.contains(t.family)) {
                continue;
            }
            t.lastAttempt = null;
            t.lastCallFailure = null;
            boolean tried = t.loop.attemptNow();
            RenewalEvent e = t.lastAttempt;
            if (!tried || e == null) {
                // A loop that has not stopped could not read the product: it says what stopped it (the licensing
                // service, or the family's plugin throwing, which is no fault of Windows) and when it tries again,
                // rather than that it stopped.
                RenewalEvent why = t.lastCallFailure;
                out.add(new ActionResult(
                        t.family.id(),
                        name(t),
                        false,
                        why == null ? null : why.hresult().map(HResult::hex).orElse(null),
                        t.loop.finished()
                                ? "not attempted: the renewal loop has stopped (see the agent's log)"
                                : "not attempted: "
                                        + (why != null && why.diagnosis().isPresent()
                                                ? why.diagnosis().get().toString()
                                                : "the licensing service could not be asked")
                                        + " (see the agent's log); the renewal loop tries again at "
                                        + t.loop.nextAttempt().truncatedTo(ChronoUnit.SECONDS)));
            } else {
                out.add(new ActionResult(
                        t.family.id(),
                        e.sku(),
                        RenewalEvents.succeeded(e.kind()),
                        e.hresult().map(HResult::hex).orElse(null),
                        e.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                                + e.diagnosis().map(d -> ": " + d).orElse("")));
            }
        }
        return out;
    }

    /**
     * An administrator installed a key in each of {@code products} ({@link AgentState#key}): they are read again now,
     * so one put back on its GVLK is activated at once rather than at its next read (up to a renewal interval), and
     * one whose key moved it to another SKU (an edition's key) is followed under that SKU. Products whose key did not
     * change keep their schedule.
     */
    void keyInstalled(List<String> products) {
        for (String key : products) {
            Tracked t = tracked.get(key);
            if (t == null) {
                continue;
            }
            try {
                t.loop.keyChanged();
            } catch (RuntimeException e) {
                // The loop re-armed itself (RenewalLoop.run); the key is installed and the reply says so.
                LOG.warn(
                        "renewal of {} {}: reading it after its new key failed: {}",
                        t.family.id(),
                        name(t),
                        e.toString());
            }
        }
        lookAgain();
    }

    // ---- persistence ----

    /** Saves the schedules and the simulated machine when they changed, and publishes changed product views. */
    void persist() {
        AgentState state = persistence.state();
        if (state == null) {
            return;
        }
        AgentState next = state;
        for (Tracked t : tracked.values()) {
            if (t.loop.product() == null) {
                continue; // not looked up yet (its first run is pending) or not installed: keep what is stored
            }
            Optional<LicenseState> ls = licenseState(t);
            Instant validUntil = ls.flatMap(LicenseState::validUntil).orElse(null);
            String last = t.lastAttempt != null
                    ? RenewalEvents.resultText(t.lastAttempt)
                    : Optional.ofNullable(state.products().get(key(t)))
                            .map(ProductSchedule::lastResult)
                            .orElse(null);
            next = next.with(key(t), new ProductSchedule(t.loop.nextAttempt(), validUntil, t.lastAttemptAt, last));
        }
        if (licensing.site() != null) {
            next = next.withMachine(licensing.site().store());
        }
        persistence.saveIfChanged(next);
        for (ProductView v : productViews()) {
            String k = v.family() + "/" + v.skuId();
            if (!v.equals(published.put(k, v))) {
                events.publish(EventPublisher.STATE_CHANGED, v);
            }
        }
    }

    private Optional<LicenseState> licenseState(Tracked t) {
        InstalledProduct p = t.loop.product();
        if (p == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(t.family.status(licensing.stack(), p));
        } catch (LicensingException | PluginFailure e) {
            return Optional.empty();
        }
    }

    // ---- views ----

    /**
     * {@code server} when a tracked product is a Windows Server edition (its SKU's threshold class, whichever family
     * declares it), {@code client} when one is a client edition, else empty (Office alone says nothing of the
     * machine).
     */
    Optional<String> osClass() {
        boolean client = false;
        for (Tracked t : tracked.values()) {
            Optional<String> c = t.family
                    .catalog()
                    .bySkuId(t.skuId)
                    .map(s -> s.thresholdClass().name());
            if (c.filter(ThresholdClass.SERVER.name()::equals).isPresent()) {
                return Optional.of(ThresholdClass.SERVER.name());
            }
            client |= c.filter(ThresholdClass.CLIENT.name()::equals).isPresent();
        }
        return client ? Optional.of(ThresholdClass.CLIENT.name()) : Optional.empty();
    }

    /** Every tracked product as the control API shows it. */
    List<ProductView> productViews() {
        List<ProductView> out = new ArrayList<>();
        Instant now = scheduler.now();
        Map<String, List<InstalledProduct>> installed = new HashMap<>();
        for (Tracked t : tracked.values()) {
            InstalledProduct p = installed.computeIfAbsent(t.family.id(), id -> find(t.family)).stream()
                    .filter(i -> i.skuId().equals(t.skuId))
                    .findFirst()
                    .orElse(t.loop.product());
            ProductSchedule s = persistence.state().products().get(key(t));
            Optional<LicenseState> ls = Optional.empty();
            if (p != null) {
                try {
                    ls = Optional.of(t.family.status(licensing.stack(), p));
                } catch (LicensingException | PluginFailure e) {
                    ls = Optional.empty();
                }
            }
            Instant validUntil = ls.flatMap(x -> x.validUntil().isPresent()
                            ? x.validUntil()
                            : x.status().isGrace()
                                    ? Optional.of(graceEnd(t, now.plus(x.graceRemaining())))
                                    : Optional.empty())
                    .orElse(null);
            out.add(new ProductView(
                    t.family.id(),
                    p != null ? p.name() : name(t),
                    t.skuId.toString(),
                    p == null ? null : p.partialProductKey().orElse(null),
                    ls.map(x -> x.status().name()).orElse("UNKNOWN"),
                    ls.map(x -> x.kmsEndpoint().toString()).orElse(null),
                    validUntil,
                    t.loop.finished() ? null : t.loop.nextAttempt(),
                    t.lastAttempt != null
                            ? RenewalEvents.resultText(t.lastAttempt)
                            : s == null ? null : s.lastResult()));
        }
        return out;
    }

    /**
     * The end of a grace period, which the licensing service reports only as time remaining: kept from one reading to
     * the next while it agrees within a few seconds, so that reading the status twice shows the same instant.
     */
    private static Instant graceEnd(Tracked t, Instant computed) {
        if (t.graceEnd == null || Duration.between(t.graceEnd, computed).abs().compareTo(Duration.ofSeconds(5)) > 0) {
            t.graceEnd = computed.truncatedTo(ChronoUnit.SECONDS);
        }
        return t.graceEnd;
    }

    /** The family's installed products, none when they cannot be read. */
    List<InstalledProduct> find(LoadedFamily f) {
        try {
            return f.findInstalled(licensing.stack());
        } catch (LicensingException | PluginFailure e) {
            return List.of();
        }
    }

    /** Saves the state and stops every loop; families that change from now on are ignored. */
    void stop() {
        persist();
        stopping = true;
        for (Tracked t : tracked.values()) {
            t.loop.stop();
        }
        tracked.clear();
    }

    private static String key(Tracked t) {
        return AgentState.key(t.family.id(), t.skuId.toString());
    }

    private static String name(Tracked t) {
        return t.name;
    }
}
