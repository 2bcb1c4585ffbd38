package org.kmsagent.agent.renewal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginFailure;
import org.kmsagent.agent.renewal.Diagnosis.Cause;
import org.kmsagent.agent.renewal.Faults.FaultClass;
import org.kmsagent.agent.renewal.RenewalEvent.Kind;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KeyChannel;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.ProductFamily;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.WindowsVersion;

/**
 * The schedule Windows follows for one installed product on one machine (docs/kms-rules.md §2.3), driven through the
 * product family's activation handler only ({@link LoadedFamily#call}); it never looks at which family it serves.
 *
 * <ul>
 *   <li>Not activated: try at once, then every activation interval, in grace and after it (notification).
 *   <li>Activated: renew every renewal interval; each success restarts the 180 days (the licensing stack keeps
 *       that clock). A failed renewal keeps the old validity and retries every activation interval (§2.1, 2 h by
 *       default).
 *   <li>The intervals are the ones the stack reports, i.e. the host's once one answered (§2.1).
 *   <li>180 days without renewal: the loop reports the lapse at that exact moment, and the end of each grace.
 *   <li>Optional MAK fallback ({@link MakFallbackPolicy}).
 *   <li>A licensing call that fails is sorted by {@link Faults}: a transient failure (service restarting, WMI busy,
 *       a call abandoned at its deadline) is retried with a backoff capped at the activation interval; any other
 *       is reported and retried at the activation interval. The loop ends only when the product is gone from the
 *       machine, when it is stopped, or after a permanent MAK activation.
 * </ul>
 *
 * <p>One timer is pending per loop at any time: the earlier of the next attempt and the next license-state
 * boundary. Runs on the scheduler's thread; handler calls may block, so a live loop runs on a worker context.
 */
public final class RenewalLoop implements Runnable {
    private static final HResult PLUGIN_FAILED = HResult.of(0x80004005);

    private final Scheduler scheduler;
    private final LoadedFamily family;
    private final LicensingStack stack;
    private final UUID skuId;
    private String skuName;
    private final MakFallbackPolicy makPolicy;
    private final RenewalListener listener;
    // Per-SKU facts resolved once (not per event): the family and pool ids the events carry, and whether the
    // handler's status/activate/renew are the API's defaults (then no plugin code runs in them, and the loop calls
    // the licensing stack directly instead of through LoadedFamily.call and its class-loader switch).
    private final String familyId;
    private final String poolId;
    private final HandlerShape shape;
    private final ActivationHandler handler;
    private final Sku sku;
    // The license state as of the last read, filled in place on every run (read twice per run: before and after the
    // attempt), straight from the stack where it can (LicenseStateFields.Reader), else from the record it returns.
    private final LicenseStateFields state = new LicenseStateFields();
    private final LicenseStateFields.Reader stateReader;

    private InstalledProduct product;
    // The product's service and SKU id as of `keysOf` (the product they were read from): every run passes them to the
    // licensing stack twice or three times, and reading them through the product record costs a cache miss per run
    // at a large fleet. Compared by reference, so a product the loop finds again is read once more.
    private InstalledProduct keysOf;
    private LicensingService productService;
    private UUID productSku;
    private LicenseStatus lastStatus;
    private long nextAttemptMillis;
    private long countRefusedSinceMillis = -1;
    private boolean makTried;
    private boolean finished;
    // Set while attemptNow runs the loop: the attempt is made whatever the product's state.
    private boolean asked;
    // The loop's timer, pending while `armed`; once it has run or was cancelled it is handed back to the scheduler to
    // re-arm (Scheduler#reschedule), so a loop keeps one timer for its whole life.
    private Scheduler.Timer timer;
    private boolean armed;
    private int attempts;
    private long startedMillis;
    private int transientFailures;
    private boolean restoreGvlk;
    private Duration activationInterval = KmsRules.ACTIVATION_INTERVAL;

    /** What one activation or renewal attempt came to. */
    private enum Outcome {
        SUCCEEDED,
        REFUSED,
        TRANSIENT
    }

    public RenewalLoop(
            Scheduler scheduler,
            LoadedFamily family,
            LicensingStack stack,
            UUID skuId,
            MakFallbackPolicy makPolicy,
            RenewalListener listener) {
        this(scheduler, family, stack, skuId, null, makPolicy, listener);
    }

    /**
     * @param edition the edition's name as the machine reports it, or null: editions may share a SKU id (Windows 10
     *     and 11 Enterprise do), and the catalog's first of them named a Windows 11 machine "Windows 10 Enterprise" in
     *     every event until its product was first found
     */
    public RenewalLoop(
            Scheduler scheduler,
            LoadedFamily family,
            LicensingStack stack,
            UUID skuId,
            String edition,
            MakFallbackPolicy makPolicy,
            RenewalListener listener) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.family = Objects.requireNonNull(family, "family");
        this.stack = Objects.requireNonNull(stack, "stack");
        this.skuId = Objects.requireNonNull(skuId, "skuId");
        this.makPolicy = Objects.requireNonNull(makPolicy, "makPolicy");
        this.listener = Objects.requireNonNull(listener, "listener");
        Sku first = family.catalog().bySkuId(skuId).orElse(null);
        // Searched again only when the edition is another of that SKU id's (a simulated fleet starts a million loops).
        this.sku = first == null || edition == null || first.name().equals(edition)
                ? first
                : family.catalog().skus().stream()
                        .filter(s -> s.name().equals(edition)
                                && s.skuId().filter(skuId::equals).isPresent())
                        .findFirst()
                        .orElse(first);
        this.skuName = edition != null ? edition : sku != null ? sku.name() : skuId.toString();
        this.familyId = family.id();
        this.poolId = family.countPool().id();
        this.handler = handlerOf(family);
        this.shape = HandlerShape.of(handler);
        this.stateReader = stack instanceof LicenseStateFields.Reader r ? r : null;
    }

    /**
     * Which of the handler's per-attempt methods are the {@link ActivationHandler} defaults, looked up once per handler
     * class. A default method only forwards to the licensing stack, so calling the stack directly is the same call
     * without entering plugin code.
     */
    record HandlerShape(boolean defaultStatus, boolean defaultActivate, boolean defaultRenew, boolean defaultSetUp) {
        private static final HandlerShape PLUGIN_CODE = new HandlerShape(false, false, false, false);
        private static final ClassValue<HandlerShape> BY_CLASS = new ClassValue<>() {
            @Override
            protected HandlerShape computeValue(Class<?> type) {
                boolean activate = isDefault(type, "activate");
                boolean setUp = isDefault(type, "findInstalled")
                        && isDefault(type, "installGvlk")
                        && isDefault(type, "installKey");
                return new HandlerShape(
                        isDefault(type, "status"), activate, activate && isDefault(type, "renew"), setUp);
            }
        };

        static HandlerShape of(ActivationHandler h) {
            return h == null ? PLUGIN_CODE : BY_CLASS.get(h.getClass());
        }

        /**
         * Whether {@code type} keeps every {@link ActivationHandler} method of that name as the interface declares it.
         * The parameter types are the interface's own, read from it: a signature written out here went stale once
         * already (findInstalled lost a parameter and the direct set-up was never taken), so a name the interface does
         * not declare is an error, not a quiet "plugin code".
         */
        private static boolean isDefault(Class<?> type, String method) {
            boolean declared = false;
            for (var m : ActivationHandler.class.getMethods()) {
                if (!m.getName().equals(method)) {
                    continue;
                }
                declared = true;
                try {
                    if (type.getMethod(method, m.getParameterTypes()).getDeclaringClass() != ActivationHandler.class) {
                        return false;
                    }
                } catch (NoSuchMethodException | SecurityException e) {
                    return false;
                }
            }
            if (!declared) {
                throw new IllegalStateException("ActivationHandler declares no method " + method);
            }
            return true;
        }
    }

    /** Starts the loop: the first attempt is due now. */
    public void start() {
        nextAttemptMillis = scheduler.nowMillis();
        startedMillis = nextAttemptMillis;
        wakeAt(startedMillis);
    }

    /**
     * Starts the loop where a stored schedule left it (a restarted agent): the product is looked up and watched at
     * once, but its next activation or renewal attempt is at {@code nextAttempt}, not now. A time already past is due
     * at once, as a missed attempt would be.
     */
    public void resume(Instant nextAttempt) {
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        nextAttemptMillis = nextAttempt.toEpochMilli();
        startedMillis = scheduler.nowMillis();
        wakeAt(startedMillis);
    }

    /**
     * Attempts now (an administrator's "activate now"), whatever the schedule said, then schedules from the result as
     * any attempt does. Call on the scheduler's thread.
     *
     * @return whether an attempt was made (false when the loop has finished)
     */
    public boolean attemptNow() {
        if (finished) {
            return false;
        }
        if (armed) {
            scheduler.cancel(timer);
            armed = false;
        }
        int before = attempts;
        nextAttemptMillis = scheduler.nowMillis();
        asked = true; // an administrator's request is made even for a product licensed for good, as slmgr /ato is
        try {
            run();
        } finally {
            asked = false;
        }
        return attempts > before;
    }

    /**
     * The product's key changed under the loop (an administrator installed one): its state is read now and, unless it
     * is licensed for good, an activation is attempted at once, the {@code slmgr /ato} an administrator types after
     * {@code slmgr /ipk}; from its result the loop schedules as any attempt does (docs/kms-rules.md §2.3). Without this
     * a product put back on its GVLK waited for the next read, up to a renewal interval. Call on the scheduler's
     * thread.
     */
    public void keyChanged() {
        if (finished) {
            return;
        }
        if (armed) {
            scheduler.cancel(timer);
            armed = false;
        }
        nextAttemptMillis = scheduler.nowMillis();
        run();
    }

    /** When the next activation or renewal attempt is due (meaningful once started). */
    public Instant nextAttempt() {
        return Instant.ofEpochMilli(nextAttemptMillis);
    }

    /**
     * When the product's KMS activation runs out, as the loop last read its license state (before and after each
     * attempt); empty before the first read, and for a product not licensed or licensed for good (MAK, retail).
     */
    public Optional<Instant> validUntil() {
        return state.status() == LicenseStatus.LICENSED && state.hasValidUntil()
                ? Optional.of(Instant.ofEpochMilli(state.validUntilMillis()))
                : Optional.empty();
    }

    /** The installed product the loop drives, once it has found it (null before its first run or if missing). */
    public InstalledProduct product() {
        return product;
    }

    /** The SKU id the loop drives. */
    public UUID skuId() {
        return skuId;
    }

    /** Stops the loop (the machine left); no attempt runs after this. */
    public void stop() {
        if (finished) {
            return;
        }
        finished = true;
        if (armed) {
            scheduler.cancel(timer);
            armed = false;
        }
        emit(Kind.STOPPED, Optional.empty(), ActivationResult.of(HResult.S_OK), Optional.empty());
    }

    /** How many activation or renewal attempts the loop has made. */
    public int attempts() {
        return attempts;
    }

    /** How many transient failures in a row the loop has met (0 once a run went through). */
    public int transientFailures() {
        return transientFailures;
    }

    /** Whether the loop has nothing more to do (stopped, the product gone, or activated permanently by MAK). */
    public boolean finished() {
        return finished;
    }

    @Override
    public void run() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            // Something past the loop threw (a listener, the step that saves the schedule): the timer that ran is
            // spent,
            // so the loop re-arms before the failure goes on to be logged. One failure never ends a product's renewals.
            if (!finished && !armed) {
                wakeAt(scheduler.nowMillis() + retryCap().toMillis());
            }
            throw e;
        }
    }

    private void runOnce() {
        armed = false; // the timer that ran
        if (finished) {
            return;
        }
        long now = scheduler.nowMillis();
        if (product == null && !setUp()) {
            return;
        }
        if (restoreGvlk && !restoreGvlk()) {
            return;
        }
        if (!readState()) {
            return;
        }
        // Reference fields are written only when they change, here and below (see wakeAt: each store marks a card).
        keepActivationInterval();
        reportTransition(state.status());
        // Never further ahead than one interval (kms-rules §2.1): a schedule saved while the clock ran ahead, or a
        // clock set back since, would otherwise wait out the whole difference while the activation lapsed.
        long furthest = now
                + (state.status() == LicenseStatus.LICENSED ? state.renewalInterval() : state.activationInterval())
                        .toMillis();
        if (nextAttemptMillis > furthest) {
            nextAttemptMillis = furthest;
        }
        if (now >= nextAttemptMillis && (asked || !licensedForGood())) {
            Outcome outcome = attempt(state.status() == LicenseStatus.LICENSED);
            if (finished) {
                return;
            }
            // A success schedules the renewal; a refusal (a failed renewal included) retries at the activation interval
            // (kms-rules §2.1 "failed renewal retry every 2 h"); a transient failure retries sooner, with a backoff.
            nextAttemptMillis = switch (outcome) {
                case SUCCEEDED -> now + state.renewalInterval().toMillis();
                case REFUSED -> now + state.activationInterval().toMillis();
                case TRANSIENT ->
                    now + Faults.backoff(transientFailures, retryCap()).toMillis();
            };
            if (!readState()) {
                return;
            }
            if (lastStatus != state.status()) {
                lastStatus = state.status();
            }
            keepActivationInterval();
            // The intervals the host just gave, if one answered (kms-rules §2.1).
            if (outcome == Outcome.SUCCEEDED) {
                nextAttemptMillis = now + state.renewalInterval().toMillis();
            } else if (outcome == Outcome.REFUSED) {
                nextAttemptMillis = now + state.activationInterval().toMillis();
            }
            if (outcome != Outcome.TRANSIENT) {
                transientFailures = 0;
            }
        } else {
            transientFailures = 0;
        }
        scheduleNext(now);
    }

    private boolean setUp() {
        try {
            product = shape.defaultSetUp()
                    ? setUpDirect()
                    : family.call((f, h) -> {
                        List<InstalledProduct> installed = h.findInstalled(stack, family.catalog());
                        InstalledProduct p = installed.stream()
                                .filter(i -> i.skuId().equals(skuId))
                                .findFirst()
                                .orElse(null);
                        if (p != null
                                && p.channel() != KeyChannel.VOLUME_MAK
                                && h.installGvlk(stack, p, family.catalog())) {
                            emit(
                                    Kind.GVLK_INSTALLED,
                                    Optional.empty(),
                                    ActivationResult.of(HResult.S_OK),
                                    Optional.empty());
                            p = refind(h, f);
                        }
                        return p;
                    });
        } catch (LicensingException | PluginFailure e) {
            callFailed(e, "finding " + skuName);
            return false;
        }
        if (product == null) {
            gone(new LicensingException(HResult.SL_E_PRODUCT_SKU_NOT_INSTALLED, skuName + " is not installed"));
            return false;
        }
        // The name the licensing service reports: editions that share a SKU id (Windows 11 reuses Windows 10's,
        // docs/kms-rules.md §4) are told apart by it.
        skuName = product.name();
        return true;
    }

    /**
     * What {@link #setUp} asks of the handler when its findInstalled, installGvlk and installKey are the API's
     * defaults, done here against the SKU resolved at construction instead of scanning the catalog per call: find the
     * product, and install its GVLK unless it holds it already (or a MAK). The one plugin call left, which licensing
     * service holds the family, is made once per handler and Windows version.
     */
    private LicensingService service;

    private InstalledProduct setUpDirect() throws LicensingException {
        if (sku == null) {
            return null; // not in the family's catalog: the default findInstalled finds nothing either
        }
        LicensingService service = serviceOf(family, stack.windowsVersion());
        InstalledProduct p = direct(() -> findDirect(service));
        if (p != null && p.channel() != KeyChannel.VOLUME_MAK) {
            ProductKey gvlk = sku.gvlk();
            boolean holdsIt = p.channel() == KeyChannel.VOLUME_GVLK
                    && p.partialProductKey().filter(gvlk.lastFive()::equals).isPresent();
            if (!holdsIt) {
                InstalledProduct target = p;
                direct(() -> {
                    stack.installProductKey(target.service(), gvlk);
                    return null;
                });
                emit(Kind.GVLK_INSTALLED, Optional.empty(), ActivationResult.of(HResult.S_OK), Optional.empty());
                p = direct(() -> findDirect(service));
            }
        }
        return p;
    }

    private InstalledProduct findDirect(LicensingService service) throws LicensingException {
        for (InstalledProduct i : stack.installedProducts(service, family.applicationId())) {
            if (i.skuId().equals(skuId)) {
                return i;
            }
        }
        return null;
    }

    /** The family's handler, or null when the plugin fails to give one (then every call goes through call()). */
    private static ActivationHandler handlerOf(LoadedFamily family) {
        try {
            return family.call((f, h) -> h);
        } catch (LicensingException | PluginFailure e) {
            return null; // LoadedFamily.call reports the plugin's failure on the loop's first call
        }
    }

    /**
     * Which licensing service holds the family on this machine's Windows version: a fact of the family's catalog (which
     * the handler may override), asked once per loop, since a loop serves one product on one machine.
     */
    private LicensingService serviceOf(LoadedFamily family, WindowsVersion windows) throws LicensingException {
        if (service == null) {
            service = family.licensingService(windows);
        }
        return service;
    }

    private InstalledProduct refind(ActivationHandler h, ProductFamily f) throws LicensingException {
        return h.findInstalled(stack, family.catalog()).stream()
                .filter(i -> i.skuId().equals(skuId))
                .findFirst()
                .orElse(null);
    }

    /**
     * Reads the product's license state into {@link #state}; false when there is none to go by (the call failed and
     * was reported, or the handler returned none), and the run ends there.
     */
    private boolean readState() {
        try {
            LicenseState read;
            if (shape.defaultStatus()) {
                // What direct() does, written out: this runs twice per run, and a lambda would be an object per call.
                try {
                    readKeys(); // inside: a product gone null fails as the call through it did
                    if (stateReader != null) {
                        stateReader.licenseState(productService, productSku, state);
                        return true;
                    }
                    read = stack.licenseState(productService, productSku);
                } catch (RuntimeException | LinkageError e) {
                    throw new PluginFailure(familyId, e);
                }
            } else {
                read = family.status(stack, product);
            }
            state.set(read);
            return true;
        } catch (LicensingException | PluginFailure e) {
            callFailed(e, "reading the license state of " + skuName);
            return false;
        }
    }

    /** Reads the product's service and SKU id again if the product changed since they were read. */
    private void readKeys() {
        InstalledProduct p = product;
        if (p != keysOf) {
            keysOf = p;
            productService = p.service();
            productSku = p.skuId();
        }
    }

    /** A licensing-stack call made without {@link LoadedFamily#call}. */
    @FunctionalInterface
    private interface StackCall<T> {
        T call() throws LicensingException;
    }

    /**
     * Runs a stack call the way {@link LoadedFamily#call} would have run the handler's default method around it: a
     * {@link LicensingException} passes, anything else thrown becomes a {@link PluginFailure} of the family, so the
     * loop fails the same way whichever path it took.
     */
    private <T> T direct(StackCall<T> call) throws LicensingException {
        try {
            return call.call();
        } catch (RuntimeException | LinkageError e) {
            throw new PluginFailure(familyId, e);
        }
    }

    /** Puts the edition's GVLK back after a failed MAK fallback whose first try to do so failed. */
    private boolean restoreGvlk() {
        try {
            product = family.call((f, h) -> {
                h.installGvlk(stack, product, family.catalog());
                return refind(h, f);
            });
        } catch (LicensingException | PluginFailure e) {
            callFailed(e, "reinstalling the GVLK of " + skuName);
            return false;
        }
        restoreGvlk = false;
        if (product == null) {
            gone(new LicensingException(HResult.SL_E_PRODUCT_SKU_NOT_INSTALLED, skuName + " is not installed"));
            return false;
        }
        return true;
    }

    /** Reports the lapse of an activation (§2.3) and the end of a grace period (§2.2) when the clock crosses them. */
    private void reportTransition(LicenseStatus status) {
        if (lastStatus != null && status != lastStatus) {
            if (lastStatus == LicenseStatus.LICENSED && status != LicenseStatus.LICENSED) {
                emit(
                        Kind.EXPIRED,
                        Optional.of(
                                status == LicenseStatus.NOTIFICATION
                                        ? HResult.SL_E_GRACE_TIME_EXPIRED
                                        : HResult.SL_I_OOT_GRACE_PERIOD),
                        ActivationResult.of(HResult.S_OK),
                        Optional.empty());
            }
            if (status == LicenseStatus.NOTIFICATION) {
                emit(
                        Kind.GRACE_EXPIRED,
                        Optional.of(HResult.SL_E_GRACE_TIME_EXPIRED),
                        ActivationResult.of(HResult.S_OK),
                        Optional.empty());
            }
        }
        if (lastStatus != status) {
            lastStatus = status;
        }
    }

    private void keepActivationInterval() {
        Duration d = state.activationInterval();
        if (activationInterval != d) {
            activationInterval = d;
        }
    }

    private Outcome attempt(boolean licensed) {
        attempts++;
        ActivationResult r;
        Kind failed = licensed ? Kind.RENEWAL_FAILED : Kind.ACTIVATION_FAILED;
        boolean callFailed = false; // the call itself failed: the stack's last diagnosis is not about this attempt
        try {
            if (licensed ? shape.defaultRenew() : shape.defaultActivate()) {
                try { // direct(), written out as in readState()
                    readKeys();
                    r = stack.activate(productService, productSku); // what the defaults do
                } catch (RuntimeException | LinkageError e) {
                    throw new PluginFailure(familyId, e);
                }
            } else {
                r = family.call((f, h) -> licensed ? h.renew(stack, product) : h.activate(stack, product));
            }
        } catch (LicensingException e) {
            FaultClass c = Faults.classify(e, startingUp());
            if (c == FaultClass.TRANSIENT) {
                transientFailures++;
                boolean late = Faults.timedOut(e.hresult());
                emit(
                        late ? Kind.CALL_TIMED_OUT : failed,
                        Optional.of(e.hresult()),
                        ActivationResult.of(e.hresult()),
                        Optional.of(Diagnosis.of(
                                late ? Cause.CALL_TIMED_OUT : Cause.LICENSING_UNAVAILABLE, e.getMessage())));
                return Outcome.TRANSIENT;
            }
            if (c == FaultClass.GONE) {
                gone(e);
                return Outcome.REFUSED;
            }
            r = ActivationResult.of(e.hresult());
            callFailed = true;
        } catch (PluginFailure e) {
            emit(
                    failed,
                    Optional.of(PLUGIN_FAILED),
                    ActivationResult.of(PLUGIN_FAILED),
                    Optional.of(Diagnosis.of(Cause.PLUGIN_FAILED, e.getMessage())));
            return Outcome.REFUSED;
        }
        if (r.activated()) {
            countRefusedSinceMillis = -1;
            emit(licensed ? Kind.RENEWED : Kind.ACTIVATED, Optional.of(r.hresult()), r, Optional.empty());
            return Outcome.SUCCEEDED;
        }
        Diagnosis d = callFailed ? Diagnosis.fromResult(r) : diagnose(r);
        emit(failed, Optional.of(r.hresult()), r, Optional.of(d));
        long now = scheduler.nowMillis();
        if (d.cause() == Cause.COUNT_BELOW_THRESHOLD) {
            if (countRefusedSinceMillis < 0) {
                countRefusedSinceMillis = now;
            }
        } else if (countRefusedSinceMillis >= 0) {
            // The MAK fallback is for a site too small for its host: count refusals that lasted, not one refusal
            // and then a host that could not be reached. Another failure starts the wait again.
            countRefusedSinceMillis = -1;
        }
        if (!licensed
                && makPolicy.enabled()
                && !makTried
                && countRefusedSinceMillis >= 0
                && now - countRefusedSinceMillis >= makPolicy.after().toMillis()) {
            return fallBackToMak() ? Outcome.SUCCEEDED : Outcome.REFUSED;
        }
        return Outcome.REFUSED;
    }

    /** Installs the administrator's MAK and activates it online; on failure goes back to the GVLK and KMS. */
    private boolean fallBackToMak() {
        makTried = true;
        ActivationResult r;
        try {
            r = family.call((f, h) -> {
                h.installKey(stack, product, makPolicy.mak().orElseThrow());
                product = refind(h, f);
                return h.activate(stack, product);
            });
        } catch (LicensingException e) {
            if (Faults.classify(e, startingUp()) == FaultClass.TRANSIENT) {
                makTried = false; // the service was not there: the fallback is still owed a real try
            }
            r = ActivationResult.of(e.hresult());
        } catch (PluginFailure e) {
            emit(
                    Kind.MAK_FAILED,
                    Optional.of(PLUGIN_FAILED),
                    ActivationResult.of(PLUGIN_FAILED),
                    Optional.of(Diagnosis.of(Cause.PLUGIN_FAILED, e.getMessage())));
            return false;
        }
        if (r.activated()) {
            emit(Kind.MAK_ACTIVATED, Optional.of(r.hresult()), r, Optional.empty());
            // A MAK activation is permanent: nothing left to renew.
            finished = true;
            lastStatus = LicenseStatus.LICENSED;
            return true;
        }
        emit(Kind.MAK_FAILED, Optional.of(r.hresult()), r, Optional.of(diagnose(r)));
        try {
            family.call((f, h) -> {
                h.installGvlk(stack, product, family.catalog());
                product = refind(h, f);
                return null;
            });
        } catch (LicensingException | PluginFailure e) {
            // Left with the MAK installed and not activated: put the GVLK back on the next run.
            restoreGvlk = true;
            callFailed(e, "reinstalling the GVLK of " + skuName);
        }
        return false;
    }

    private Diagnosis diagnose(ActivationResult r) {
        if (stack instanceof DiagnosableStack d) {
            Optional<Diagnosis> known = d.lastDiagnosis(skuId);
            if (known.isPresent()) {
                return known.get();
            }
        }
        return Diagnosis.fromResult(r);
    }

    private void scheduleNext(long now) {
        if (armed) {
            scheduler.cancel(timer); // a retry a failed call in this run asked for: this schedule supersedes it
            armed = false;
        }
        long wake = nextAttemptMillis;
        long boundary = -1;
        if (state.status() == LicenseStatus.LICENSED && state.hasValidUntil()) {
            boundary = state.validUntilMillis();
        } else if (state.status().isGrace()) {
            boundary = now + state.graceRemainingMillis();
        } else if (licensedForGood()) {
            // Nothing to renew, but the state is read again every renewal interval: a product moved back to KMS
            // (ctl install-gvlk) or whose licence went is then activated, where it used to wait for a restart.
            // Never sooner than the shortest interval a host may set: a plugin's state may say zero.
            nextAttemptMillis = now
                    + Math.max(
                            state.renewalInterval().toMillis(),
                            Duration.ofMinutes(KmsRules.MIN_INTERVAL_MINUTES).toMillis());
            wake = nextAttemptMillis;
        }
        if (boundary > now && boundary < wake) {
            wake = boundary;
        }
        wakeAt(wake);
    }

    /**
     * Arms the loop's one timer for {@code atMillis}, re-arming the one it has where the scheduler can. The field is
     * written only when the scheduler hands back another timer: at a large simulated fleet every reference stored into
     * a long-lived object marks its card, and the next young collection scans it.
     */
    /** Licensed with no end (a MAK, a retail key): there is nothing to activate or renew. */
    private boolean licensedForGood() {
        return state.status() == LicenseStatus.LICENSED && !state.hasValidUntil();
    }

    private void wakeAt(long atMillis) {
        Scheduler.Timer t = scheduler.reschedule(timer, atMillis, this);
        if (t != timer) {
            timer = t;
        }
        armed = true;
    }

    private boolean startingUp() {
        return scheduler.nowMillis() - startedMillis < Faults.STARTUP_WINDOW.toMillis();
    }

    /** Transient retries never wait longer than the activation interval (the host's, or the default 2 h). */
    private Duration retryCap() {
        return activationInterval.compareTo(KmsRules.ACTIVATION_INTERVAL) < 0
                ? activationInterval
                : KmsRules.ACTIVATION_INTERVAL;
    }

    /**
     * A licensing call other than the attempt failed: reports it with its class ({@link Faults}; docs/troubleshooting.md
     * "How the agent treats licensing failures") and schedules the retry; only a product gone ends the loop.
     */
    private void callFailed(Exception e, String what) {
        if (armed) {
            scheduler.cancel(timer);
            armed = false;
        }
        long now = scheduler.nowMillis();
        if (e instanceof PluginFailure) {
            emit(
                    Kind.CALL_FAILED,
                    Optional.of(PLUGIN_FAILED),
                    ActivationResult.of(PLUGIN_FAILED),
                    Optional.of(Diagnosis.of(Cause.PLUGIN_FAILED, what + ": " + e.getMessage())));
            retryAt(now, now + activationInterval.toMillis());
            return;
        }
        LicensingException le = (LicensingException) e;
        HResult h = le.hresult();
        FaultClass c = Faults.classify(le, startingUp());
        switch (c) {
            case GONE -> gone(le);
            case TRANSIENT -> {
                transientFailures++;
                boolean late = Faults.timedOut(h);
                emit(
                        late ? Kind.CALL_TIMED_OUT : Kind.CALL_FAILED,
                        Optional.of(h),
                        ActivationResult.of(h),
                        Optional.of(Diagnosis.of(
                                late ? Cause.CALL_TIMED_OUT : Cause.LICENSING_UNAVAILABLE,
                                what + ": " + e.getMessage())));
                retryAt(now, now + Faults.backoff(transientFailures, retryCap()).toMillis());
            }
            case PERMANENT -> {
                emit(
                        Kind.CALL_FAILED,
                        Optional.of(h),
                        ActivationResult.of(h),
                        Optional.of(Diagnosis.of(
                                Diagnosis.fromResult(ActivationResult.of(h)).cause(), what + ": " + e.getMessage())));
                retryAt(now, now + activationInterval.toMillis());
            }
            default -> throw new IllegalStateException(c.name());
        }
    }

    /**
     * Arms the retry of a failed call; an attempt that was due is then due at the retry, so the next attempt shown
     * (ctl status, ctl activate's answer, the state file) is when it will be made, not a time already past.
     */
    private void retryAt(long now, long at) {
        if (nextAttemptMillis <= now) {
            nextAttemptMillis = at;
        }
        wakeAt(at);
    }

    /** The product is no longer on the machine: the one failure that ends the loop. */
    private void gone(LicensingException e) {
        finished = true; // first: a listener that throws on the event must not find the loop still running
        emit(
                Kind.PRODUCT_GONE,
                Optional.of(e.hresult()),
                ActivationResult.of(e.hresult()),
                Optional.of(Diagnosis.of(Cause.PRODUCT_GONE, e.getMessage())));
        if (armed) {
            scheduler.cancel(timer);
            armed = false;
        }
    }

    private void emit(Kind kind, Optional<HResult> h, ActivationResult r, Optional<Diagnosis> d) {
        OptionalInt required = r.requiredCount();
        if (required.isEmpty() && d.isPresent()) {
            required = d.get().required();
        }
        listener.onEvent(new RenewalEvent(
                scheduler.now(),
                stack.machineName(),
                familyId,
                skuName,
                kind,
                h,
                poolId,
                r.reportedCount(),
                required,
                r.kmsHost(),
                d));
    }
}
