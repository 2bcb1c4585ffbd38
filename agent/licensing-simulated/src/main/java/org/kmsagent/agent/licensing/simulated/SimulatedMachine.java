package org.kmsagent.agent.licensing.simulated;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.UUID;
import org.kmsagent.agent.core.AddressText;
import org.kmsagent.agent.host.KmsRequest;
import org.kmsagent.agent.host.KmsResponse;
import org.kmsagent.agent.licensing.LicenseDetails;
import org.kmsagent.agent.renewal.DiagnosableStack;
import org.kmsagent.agent.renewal.Diagnosis;
import org.kmsagent.agent.renewal.Diagnosis.Cause;
import org.kmsagent.agent.renewal.LicenseStateFields;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KeyChannel;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.WindowsVersion;

/**
 * One simulated machine's licensing service: the products installed per service and application, each with its
 * key, channel, KMS client settings and license clock, plus the machine's CMID and clock offset.
 *
 * <p>It answers the {@link LicensingStack} calls the way Windows does, by asking the {@link SimulatedWorld}: a KMS
 * activation resolves a host (pinned, cached, or DNS SRV), checks reachability, sends a {@link KmsRequest} with the
 * machine's own (possibly skewed) clock and maps the host's answer to what the client reports. A MAK activation
 * goes to the simulated Microsoft service instead.
 *
 * <p>Not thread-safe: the scheduler's single thread drives it.
 */
public final class SimulatedMachine
        implements LicensingStack, DiagnosableStack, LicenseDetails, LicenseStateFields.Reader {
    /** A KMS activation is valid 180 days after the last success (docs/kms-rules.md §2.1). */
    public static final Duration KMS_VALIDITY = KmsRules.VALIDITY;
    /** Client default retry interval before any host answered (docs/kms-rules.md §2.1: 120 min). */
    public static final Duration DEFAULT_ACTIVATION_INTERVAL = KmsRules.ACTIVATION_INTERVAL;
    /** Client default renewal interval before any host answered (docs/kms-rules.md §2.1: 10,080 min). */
    public static final Duration DEFAULT_RENEWAL_INTERVAL = KmsRules.RENEWAL_INTERVAL;

    private static final long VALIDITY_MILLIS = KMS_VALIDITY.toMillis();
    private static final long PERMANENT = Long.MAX_VALUE;

    private final String name;
    private final String domain;
    private final WindowsVersion windows;
    private final UUID cmid;
    private final Duration clockOffset;
    private final SimulatedWorld world;
    private final SplittableRandom rng;
    // A machine holds one or two products: an array scanned by identity first is cheaper than a map (the SKU id the
    // loop passes is the catalog's own UUID instance), and keeps installation order. An array, not a list: every
    // licensing call starts here, and at a large fleet each object on the way to the slot is a cache miss.
    private Slot[] slots = NO_SLOTS;
    private static final Slot[] NO_SLOTS = new Slot[0];
    // slots[0], held in a field too: most machines hold one product, whose calls then reach their slot without
    // reading the array (one cache miss less per call at a large fleet).
    private Slot first;
    private boolean hostCaching = true;

    /** Per installed SKU: key, KMS client settings and license clock. */
    private static final class Slot {
        final SimulatedProduct product;
        /** The product's SKU id, held here: every call finds its slot by it, without reaching into the catalog. */
        final UUID skuId;
        /** The product's licensing service and grace length, held here for the same reason. */
        final LicensingService service;

        final long graceMillis;

        final long installedMillis;
        /** The installed key and its channel: set together ({@link #keyed}), null for no key. */
        ProductKey key;

        KeyChannel channel;
        /**
         * What {@link #installedProducts} reports for this slot, the world's one instance of that value
         * ({@link SimulatedWorld#shared}); null until asked after a key is installed. The renewal loop asks on every
         * run, and a record of its own per machine with its own texts was six objects per product for the
         * simulator's collector to copy and one more set of them per run.
         */
        InstalledProduct described;

        KmsEndpoint endpoint = KmsEndpoint.discovery();
        /**
         * The host that answered last (host caching, §2.5), tried first; null for none. The network's own entry, which
         * every machine that reached that host shares: at a large fleet an object of the slot's own, read on every
         * activation, was one more cache miss.
         */
        SimulatedNetwork.HostEntry cachedHost;
        /** The network's route to the host this slot reached last ({@link SimulatedNetwork#route}). */
        SimulatedNetwork.Route route;

        String hostInUse;
        Duration activationInterval = DEFAULT_ACTIVATION_INTERVAL;
        Duration renewalInterval = DEFAULT_RENEWAL_INTERVAL;
        /** End of the current activation, {@link #PERMANENT} for a MAK, 0 when never activated. */
        long validUntilMillis;

        ActivationResult lastResult;
        // The last result made from a host's answer (the world's shared one), and what it was made from, compared with
        // the next answer without a look-up (see sameAnswer).
        ActivationResult answer;
        HResult answerCode;
        String answerHost;
        int answerCount;
        int answerRequired;
        Diagnosis lastDiagnosis;

        // Whether the installed key is one of this edition's, as last looked up (keyMatchesEdition), for that key and
        // channel and the world's key generation: the look-up hashes the key's text, and at a large fleet that read
        // is a cache miss on every activation, for an answer that changes only when a key is installed or registered.
        ProductKey checkedKey;
        KeyChannel checkedChannel;
        long checkedGeneration = -1;
        boolean keyFits;

        void keyed(ProductKey key, KeyChannel channel) {
            this.key = key;
            this.channel = channel;
            this.described = null;
        }

        Slot(SimulatedProduct product, long installedMillis) {
            this.product = product;
            this.skuId = product.skuId();
            this.service = product.service();
            this.graceMillis = product.gracePeriod().toMillis();
            this.installedMillis = installedMillis;
        }
    }

    /**
     * A machine.
     *
     * @param name its name, as the host records it
     * @param domain its DNS domain, where it looks for SRV records by default
     * @param windows its Windows version
     * @param cmid its client machine id (clones of one image share it)
     * @param clockOffset how far its clock is ahead of true time (negative: behind)
     * @param world the shared simulated world
     * @param rng its random source (for the pick among SRV records), seeded by the lab
     */
    public SimulatedMachine(
            String name,
            String domain,
            WindowsVersion windows,
            UUID cmid,
            Duration clockOffset,
            SimulatedWorld world,
            SplittableRandom rng) {
        this.name = Objects.requireNonNull(name, "name");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.windows = Objects.requireNonNull(windows, "windows");
        this.cmid = Objects.requireNonNull(cmid, "cmid");
        this.clockOffset = Objects.requireNonNull(clockOffset, "clockOffset");
        this.world = Objects.requireNonNull(world, "world");
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    /**
     * Installs an edition now, with {@code key} as its product key (usually its GVLK, as volume media ship; empty
     * for none). Out-of-box grace starts now (docs/kms-rules.md §2.2).
     */
    public void install(SimulatedProduct product, Optional<ProductKey> key) {
        Slot s = new Slot(product, world.scheduler().nowMillis());
        key.ifPresent(k -> {
            s.keyed(k, world.microsoft().knows(k) ? KeyChannel.VOLUME_MAK : KeyChannel.VOLUME_GVLK);
        });
        put(s);
    }

    /**
     * What the licensing service keeps on disk about one installed product, so that a daemon driving this machine
     * resumes with the same keys, KMS settings and license clocks after a restart (on Windows the licensing store does
     * this). Times are epoch-based instants; a null {@code validUntil} means never activated.
     *
     * @param skuId the SKU
     * @param installedAt when it was installed (out-of-box grace counts from here)
     * @param key the installed key (a GVLK, or a key the administrator installed), or null for none
     * @param kms the KMS endpoint, as {@link KmsEndpoint#parse} reads it ({@code host:port}, {@code dns},
     *     {@code dns:domain})
     * @param activationIntervalMillis the retry interval in force
     * @param renewalIntervalMillis the renewal interval in force
     * @param validUntil when the current activation ends, or null if never activated
     * @param permanent whether it is activated for good (MAK)
     * @param hostInUse the host that answered last, or null
     * @param lastResult the last activation attempt's HRESULT, or null
     */
    public record StoredProduct(
            UUID skuId,
            Instant installedAt,
            String key,
            String kms,
            long activationIntervalMillis,
            long renewalIntervalMillis,
            Instant validUntil,
            boolean permanent,
            String hostInUse,
            Integer lastResult) {}

    /** The stored form of every installed product, in installation order. */
    public List<StoredProduct> stored() {
        List<StoredProduct> out = new ArrayList<>(slots.length);
        for (Slot s : slots) {
            String kms = s.endpoint instanceof KmsEndpoint.Discovery d
                    ? d.lookupDomain().map(x -> "dns:" + x).orElse("dns")
                    : s.endpoint.toString();
            out.add(new StoredProduct(
                    s.product.skuId(),
                    Instant.ofEpochMilli(s.installedMillis),
                    s.key == null ? null : s.key.value(),
                    kms,
                    s.activationInterval.toMillis(),
                    s.renewalInterval.toMillis(),
                    s.validUntilMillis > 0 && s.validUntilMillis != PERMANENT
                            ? Instant.ofEpochMilli(s.validUntilMillis)
                            : null,
                    s.validUntilMillis == PERMANENT,
                    s.hostInUse,
                    s.lastResult == null ? null : s.lastResult.hresult().code()));
        }
        return out;
    }

    /**
     * Installs an edition as it was stored (see {@link #stored()}), replacing any slot of the same SKU.
     *
     * @throws IllegalArgumentException the stored record is not of that product, or its key or endpoint is malformed
     */
    public void restore(SimulatedProduct product, StoredProduct stored) {
        if (!product.skuId().equals(stored.skuId())) {
            throw new IllegalArgumentException("stored product " + stored.skuId() + " is not "
                    + product.sku().name());
        }
        Slot s = new Slot(product, stored.installedAt().toEpochMilli());
        if (stored.key() != null) {
            ProductKey k = ProductKey.parse(stored.key());
            s.keyed(k, world.microsoft().knows(k) ? KeyChannel.VOLUME_MAK : KeyChannel.VOLUME_GVLK);
        }
        s.endpoint = KmsEndpoint.parse(stored.kms());
        s.activationInterval = Duration.ofMillis(stored.activationIntervalMillis());
        s.renewalInterval = Duration.ofMillis(stored.renewalIntervalMillis());
        s.validUntilMillis = stored.permanent()
                ? PERMANENT
                : stored.validUntil() == null ? 0 : stored.validUntil().toEpochMilli();
        s.hostInUse = stored.hostInUse();
        s.lastResult = stored.lastResult() == null ? null : ActivationResult.of(HResult.of(stored.lastResult()));
        put(s);
    }

    /** Adds the slot, replacing any of the same SKU (installation order kept for the others). */
    private void put(Slot s) {
        List<Slot> kept = new ArrayList<>(slots.length + 1);
        for (Slot x : slots) {
            if (!x.skuId.equals(s.skuId)) {
                kept.add(x);
            }
        }
        kept.add(s);
        slots = kept.toArray(NO_SLOTS);
        first = slots[0];
    }

    /** Turns KMS host caching on or off ({@code slmgr /skhc}, {@code /ckhc}; on by default, docs/kms-rules.md §2.5). */
    public void setHostCaching(boolean on) {
        this.hostCaching = on;
    }

    public UUID cmid() {
        return cmid;
    }

    /** The machine's own clock: the true (virtual) time plus its offset. */
    public Instant localTime() {
        return world.scheduler().now().plus(clockOffset);
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public String machineName() {
        return name;
    }

    @Override
    public WindowsVersion windowsVersion() {
        return windows;
    }

    @Override
    public List<InstalledProduct> installedProducts(LicensingService service, UUID applicationId) {
        List<InstalledProduct> out = new ArrayList<>(2);
        for (Slot s : slots) {
            if (s.product.service() == service && s.product.applicationId().equals(applicationId) && s.key != null) {
                out.add(describe(s));
            }
        }
        return out;
    }

    private InstalledProduct describe(Slot s) {
        InstalledProduct d = s.described;
        if (d == null) {
            String channelText = s.channel == KeyChannel.VOLUME_MAK ? "VOLUME_MAK channel" : "VOLUME_KMSCLIENT channel";
            d = world.shared(new InstalledProduct(
                    s.product.service(),
                    s.product.applicationId(),
                    s.product.skuId(),
                    s.product.sku().name(),
                    s.product.sku().product() + " edition, " + channelText,
                    s.channel,
                    Optional.of(s.key.lastFive())));
            s.described = d;
        }
        return d;
    }

    /**
     * The simulated machine's answers to {@code slmgr /dlv}: its CMID, the product's application id, an extended PID
     * made from the SKU and the installation day (shaped like Windows' but not one), host caching, the host and port
     * that answered last, its own clock as trusted time, and a fixed modelled rearm count ({@link #REARM_COUNT}).
     */
    @Override
    public Optional<Details> licenseDetails(InstalledProduct product) throws LicensingException {
        Slot s = slot(product.service(), product.skuId());
        LocalDate day =
                Instant.ofEpochMilli(s.installedMillis).atZone(ZoneOffset.UTC).toLocalDate();
        long h = Math.floorMod(s.skuId.getMostSignificantBits() ^ s.skuId.getLeastSignificantBits(), 1_000_000_000L);
        String extendedPid = String.format(
                Locale.ROOT,
                "%05d-%05d-%03d-%06d-03-1033-%d.0000-%03d%04d",
                h % 100_000,
                (h / 100_000) % 100_000,
                206,
                h % 1_000_000,
                windows.build(),
                day.getDayOfYear(),
                day.getYear());
        Optional<String> host =
                s.cachedHost == null ? Optional.ofNullable(s.hostInUse) : Optional.of(s.cachedHost.name());
        OptionalInt port = s.cachedHost == null ? OptionalInt.empty() : OptionalInt.of(s.cachedHost.port());
        return Optional.of(new Details(
                Optional.of(cmid.toString()),
                Optional.of(product.applicationId()),
                Optional.of(extendedPid),
                Optional.of(hostCaching),
                host,
                port,
                Optional.of(localTime()),
                OptionalInt.of(REARM_COUNT)));
    }

    /** The remaining rearm count the simulated machine reports: a modelled figure, never decremented. */
    static final int REARM_COUNT = 1000;

    @Override
    public LicenseState licenseState(LicensingService service, UUID skuId) throws LicensingException {
        Slot s = slot(service, skuId);
        LicenseStateFields f = new LicenseStateFields();
        fill(s, f);
        LicenseStatus status = f.status();
        HResult reason = switch (status) {
            case LICENSED -> HResult.S_OK;
            case ADDITIONAL_GRACE -> HResult.SL_I_OOT_GRACE_PERIOD;
            case INITIAL_GRACE -> HResult.SL_I_OOB_GRACE_PERIOD;
            default -> HResult.SL_E_GRACE_TIME_EXPIRED; // notification: the grace ran out (§2.2)
        };
        return new LicenseState(
                skuId,
                status,
                Duration.ofMillis(f.graceRemainingMillis()),
                reason,
                f.hasValidUntil() ? Optional.of(Instant.ofEpochMilli(f.validUntilMillis())) : Optional.empty(),
                s.endpoint,
                Optional.ofNullable(s.hostInUse),
                s.activationInterval,
                s.renewalInterval,
                Optional.ofNullable(s.lastResult));
    }

    /** What {@link #licenseState} reports, into the renewal loop's fields, without building the record. */
    @Override
    public void licenseState(LicensingService service, UUID skuId, LicenseStateFields into) throws LicensingException {
        fill(slot(service, skuId), into);
    }

    /** The slot's license state now: its status, the grace or validity left, and its intervals. */
    private void fill(Slot s, LicenseStateFields into) {
        long now = world.scheduler().nowMillis();
        LicenseStatus status;
        long remaining;
        long grace = s.graceMillis;
        if (s.validUntilMillis == PERMANENT || now < s.validUntilMillis) {
            status = LicenseStatus.LICENSED;
            remaining = s.validUntilMillis == PERMANENT ? 0 : s.validUntilMillis - now;
        } else if (s.validUntilMillis > 0) {
            // An activation lapsed after 180 days without renewal: out-of-tolerance grace, then notification
            // (docs/kms-rules.md §2.2, §2.3); modelled with the family's grace length.
            long end = s.validUntilMillis + grace;
            status = now < end ? LicenseStatus.ADDITIONAL_GRACE : LicenseStatus.NOTIFICATION;
            remaining = Math.max(0, end - now);
        } else {
            // Out-of-box grace counts down from installation; at its end the product is in notification (§2.2).
            long end = s.installedMillis + grace;
            status = now < end ? LicenseStatus.INITIAL_GRACE : LicenseStatus.NOTIFICATION;
            remaining = Math.max(0, end - now);
        }
        into.set(
                status,
                remaining,
                s.validUntilMillis > 0 && s.validUntilMillis != PERMANENT,
                s.validUntilMillis,
                s.activationInterval,
                s.renewalInterval);
    }

    /**
     * Installs a key: the licensing service recognises a GVLK by its SKU and a MAK through the activation service's
     * key data. Installing a MAK switches the product to the MAK channel; installing a GVLK back to KMS.
     */
    @Override
    public void installProductKey(LicensingService service, ProductKey key) throws LicensingException {
        Optional<UUID> gvlkSku = world.gvlkSku(key);
        for (Slot s : slots) {
            if (s.product.service() != service) {
                continue;
            }
            if (gvlkSku.isPresent() && gvlkSku.get().equals(s.product.skuId())) {
                s.keyed(key, KeyChannel.VOLUME_GVLK);
                s.lastDiagnosis = null;
                return;
            }
            if (world.microsoft().accepts(key, s.product.skuId())) {
                s.keyed(key, KeyChannel.VOLUME_MAK);
                s.lastDiagnosis = null;
                return;
            }
        }
        if (gvlkSku.isPresent() || world.microsoft().knows(key)) {
            throw new LicensingException(
                    HResult.SL_E_INVALID_PRODUCT_KEY, "key " + key + " is for an edition not installed on " + name);
        }
        throw new LicensingException(HResult.SL_E_INVALID_PRODUCT_KEY, "key " + key + " is not a valid product key");
    }

    @Override
    public void setKmsEndpoint(LicensingService service, UUID skuId, KmsEndpoint endpoint) throws LicensingException {
        Slot s = slot(service, skuId);
        s.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        s.cachedHost = null;
    }

    @Override
    public ActivationResult activate(LicensingService service, UUID skuId) throws LicensingException {
        Slot s = slot(service, skuId);
        ActivationResult r;
        if (s.key == null) {
            r = fail(s, HResult.SL_E_PKEY_NOT_INSTALLED, Diagnosis.of(Cause.NO_KEY_INSTALLED, "install a product key"));
        } else if (!keyMatchesEdition(s)) {
            r = fail(
                    s,
                    HResult.SL_E_INVALID_PRODUCT_KEY,
                    Diagnosis.of(
                            Cause.WRONG_KEY_FOR_EDITION,
                            "key " + s.key + " is not the key of "
                                    + s.product.sku().name()));
        } else if (s.channel == KeyChannel.VOLUME_MAK) {
            r = activateMak(s);
        } else {
            r = activateKms(s);
        }
        if (s.lastResult != r) { // stored only when it changes (see answered)
            s.lastResult = r;
        }
        return r;
    }

    @Override
    public Optional<Diagnosis> lastDiagnosis(UUID skuId) {
        Slot s = find(skuId);
        return s == null ? Optional.empty() : Optional.ofNullable(s.lastDiagnosis);
    }

    private boolean keyMatchesEdition(Slot s) {
        long generation = world.keyGeneration();
        if (s.checkedKey != s.key || s.checkedChannel != s.channel || s.checkedGeneration != generation) {
            s.keyFits = s.channel == KeyChannel.VOLUME_MAK
                    ? world.microsoft().accepts(s.key, s.product.skuId())
                    : world.gvlkSku(s.key).filter(s.product.skuId()::equals).isPresent();
            s.checkedKey = s.key;
            s.checkedChannel = s.channel;
            s.checkedGeneration = generation;
        }
        return s.keyFits;
    }

    private ActivationResult activateMak(Slot s) {
        HResult h = world.microsoft().activate(s.key, cmid);
        if (h.succeeded()) {
            s.validUntilMillis = PERMANENT;
            s.lastDiagnosis = null;
            return new ActivationResult(
                    h, Optional.of("Microsoft activation service"), OptionalInt.empty(), OptionalInt.empty());
        }
        return fail(s, h, Diagnosis.of(Cause.MAK_EXHAUSTED, "MAK " + s.key + " has no activations left"));
    }

    private ActivationResult activateKms(Slot s) {
        long now = world.scheduler().nowMillis();
        if (passedOver != null) { // written only when set (see answered)
            passedOver = null;
            passedOverHost = null;
        }
        ActivationResult r = null;
        if (s.endpoint instanceof KmsEndpoint.Pinned p) {
            r = ask(s, p.host(), p.port(), now);
        } else if (hostCaching && s.cachedHost != null) {
            // Host caching: the host that answered last first; DNS is asked again only if it fails (§2.5). Asked by
            // its name and port directly: a target list built for the one host was two objects per activation.
            r = ask(s, s.cachedHost.name(), s.cachedHost.port(), now);
        }
        if (r != null) {
            return r;
        }
        if (s.endpoint instanceof KmsEndpoint.Discovery d) {
            String zone = d.lookupDomain().orElse(domain);
            List<SrvRecord> records = world.dns().lookup(zone);
            if (records.isEmpty()) {
                // docs/kms-rules.md §5: no _vlmcs._tcp record → 0x8007232B "DNS name does not exist".
                s.hostInUse = null;
                return fail(
                        s,
                        HResult.DNS_ERROR_RCODE_NAME_ERROR,
                        Diagnosis.of(Cause.NO_SRV_RECORD, "no " + SimulatedDns.KMS_SRV_NAME + " record in " + zone));
            }
            for (Target t : order(records)) {
                r = ask(s, t.host, t.port, now);
                if (r != null) {
                    return r;
                }
            }
        }
        s.hostInUse = null;
        if (passedOver == null) {
            return fail(
                    s,
                    HResult.SL_E_VL_BINDING_SERVICE_UNAVAILABLE,
                    Diagnosis.of(Cause.HOST_UNREACHABLE, "no KMS host could be contacted"));
        }
        // The result names the host the failure concerns, as the diagnosis does (docs/simulate.md, "host").
        s.lastDiagnosis = passedOver;
        return world.concerning(HResult.SL_E_VL_BINDING_SERVICE_UNAVAILABLE, passedOverHost);
    }

    /**
     * Why the last host this activation tried was passed over (unreachable, or refused the machine's clock), told if
     * no host answers; null when none was. A field, not a result, so that asking a host that answers builds nothing.
     */
    private Diagnosis passedOver;
    /** The host {@link #passedOver} concerns: the one that did not answer, or refused the machine's clock. */
    private String passedOverHost;

    /**
     * Sends the request to one host: its answer, or null when the client goes on to the next host (the host is not
     * reachable, or refused the machine's time), with the reason in {@link #passedOver}.
     */
    private ActivationResult ask(Slot s, String hostName, int port, long now) {
        SimulatedNetwork.Route route = world.network().route(s.route, hostName, port);
        if (s.route != route) { // stored only when it changes (see answered)
            s.route = route;
        }
        Optional<SimulatedNetwork.HostEntry> reached = route.reach(now);
        if (reached.isEmpty()) {
            passedOver = Diagnosis.of(Cause.HOST_UNREACHABLE, AddressText.of(hostName, port) + " did not answer");
            passedOverHost = hostName;
            return null;
        }
        SimulatedNetwork.HostEntry host = reached.get();
        Instant hostNow = Instant.ofEpochMilli(now);
        KmsResponse resp = host.host().handle(request(s, hostNow, now), hostNow);
        if (resp.result().code() == HResult.SL_E_VL_INVALID_TIMESTAMP.code()) {
            // The host refuses a request whose time is more than 4 h off; the client then tries the next host and
            // finally reports 0xC004F074 (docs/kms-rules.md §2.4).
            passedOver = Diagnosis.of(
                    Cause.CLOCK_SKEW,
                    "clock " + describeOffset() + " against " + host.name() + " (limit "
                            + KmsRules.MAX_CLOCK_SKEW.toHours() + "h either way)");
            passedOverHost = host.name();
            return null;
        }
        return answered(s, host, resp, now);
    }

    private record Target(String host, int port) {}

    /** SRV records by priority, and within one priority a weighted random pick order (docs/kms-rules.md §2.5). */
    private List<Target> order(List<SrvRecord> records) {
        List<SrvRecord> left = new ArrayList<>(records);
        left.sort(Comparator.comparingInt(SrvRecord::priority));
        List<Target> out = new ArrayList<>(left.size());
        while (!left.isEmpty()) {
            int prio = left.get(0).priority();
            List<SrvRecord> same = new ArrayList<>();
            for (SrvRecord r : left) {
                if (r.priority() == prio) {
                    same.add(r);
                }
            }
            left.removeAll(same);
            while (!same.isEmpty()) {
                int total = 0;
                for (SrvRecord r : same) {
                    total += r.weight() + 1;
                }
                int pick = same.size() == 1 ? 0 : rng.nextInt(total);
                int i = 0;
                for (; i < same.size() - 1; i++) {
                    pick -= same.get(i).weight() + 1;
                    if (pick < 0) {
                        break;
                    }
                }
                SrvRecord r = same.remove(i);
                out.add(new Target(r.target(), r.port()));
            }
        }
        return out;
    }

    /** The request as the machine sends it: its own clock is the true time plus its offset (the same instant if none). */
    private KmsRequest request(Slot s, Instant hostNow, long now) {
        return new KmsRequest(
                hostNow.plus(clockOffset),
                cmid,
                name,
                s.product.familyId(),
                s.product.poolId(),
                s.product.applicationId(),
                s.product.sku().name(),
                s.product.sku().group(),
                s.product.sku().thresholdClass(),
                statusAt(s, now));
    }

    /** The status alone, as {@link #licenseState} computes it (for the request, without building the whole state). */
    private static LicenseStatus statusAt(Slot s, long now) {
        long grace = s.graceMillis;
        if (s.validUntilMillis == PERMANENT || now < s.validUntilMillis) {
            return LicenseStatus.LICENSED;
        }
        long end = s.validUntilMillis > 0 ? s.validUntilMillis + grace : s.installedMillis + grace;
        if (now >= end) {
            return LicenseStatus.NOTIFICATION;
        }
        return s.validUntilMillis > 0 ? LicenseStatus.ADDITIONAL_GRACE : LicenseStatus.INITIAL_GRACE;
    }

    /**
     * Whether the slot's last result is the one this answer makes. A renewal usually gets the same answer as the one
     * before (the same host, code and counts), and the slot then keeps the result it holds: a new one, stored in a
     * machine that lives for the whole run, would outlive the young generation and be copied into the old one, which
     * at a large fleet was most of what every young collection copied. Compared by the slot's own fields, by identity
     * where the host hands out the same objects. A result looked up anew when identity fails is still the right one.
     */
    private static boolean sameAnswer(Slot s, KmsResponse resp, String host) {
        return s.answer != null
                && s.lastResult == s.answer
                && s.answerCode == resp.result()
                && s.answerHost == host
                && s.answerCount == resp.count()
                && s.answerRequired == resp.requiredCount();
    }

    private ActivationResult answered(Slot s, SimulatedNetwork.HostEntry host, KmsResponse resp, long now) {
        // The client adopts the host's intervals after its first response (docs/kms-rules.md §2.1). Each reference is
        // stored only when it changes (a renewal usually changes none): a store into the slot, which lives for the
        // whole run, marks its card, and every young collection scans the marked cards of the old generation.
        if (s.activationInterval != resp.activationInterval()) {
            s.activationInterval = resp.activationInterval();
        }
        if (s.renewalInterval != resp.renewalInterval()) {
            s.renewalInterval = resp.renewalInterval();
        }
        if (s.hostInUse != host.name()) {
            s.hostInUse = host.name();
        }
        if (hostCaching && s.cachedHost != host) {
            s.cachedHost = host;
        }
        ActivationResult r;
        if (sameAnswer(s, resp, host.name())) {
            r = s.answer;
        } else {
            r = world.answer(resp.result(), host.name(), resp.count(), resp.requiredCount());
            s.answer = r;
            s.answerCode = resp.result();
            s.answerHost = host.name();
            s.answerCount = resp.count();
            s.answerRequired = resp.requiredCount();
        }
        if (resp.activated()) {
            // Each success restarts the 180 days (docs/kms-rules.md §2.1).
            s.validUntilMillis = now + VALIDITY_MILLIS;
            s.lastDiagnosis = null;
            return r;
        }
        Diagnosis d;
        if (resp.result().code() == HResult.SL_E_VL_NOT_ENOUGH_COUNT.code()) {
            d = Diagnosis.countBelow(resp.count(), resp.requiredCount());
        } else if (resp.result().code() == HResult.SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH.code()) {
            d = s.product
                    .licensePack()
                    .filter(p -> !host.licensePacks().contains(p))
                    .map(p -> Diagnosis.of(Cause.LICENSE_PACK_MISSING, host.name() + " lacks the " + p))
                    .or(() -> host.host()
                            .configuration()
                            .flatMap(c -> c.wrongClass(s.product.sku().group()))
                            .map(w -> Diagnosis.of(Cause.HOST_KEY_WRONG_CLASS, w)))
                    .orElseGet(() -> Diagnosis.of(
                            Cause.HOST_KEY_TOO_OLD,
                            // A host configured with none (every host.hostKeys name mistyped) has no key to be old.
                            host.host()
                                            .configuration()
                                            .filter(c -> c.hostKeys().isEmpty())
                                            .isPresent()
                                    ? host.name() + " holds no host key (host.hostKeys)"
                                    : host.name() + "'s host key does not activate "
                                            + s.product.sku().group().name()));
        } else {
            d = Diagnosis.fromResult(r);
        }
        s.lastDiagnosis = d;
        return r;
    }

    private ActivationResult fail(Slot s, HResult h, Diagnosis d) {
        s.lastDiagnosis = d;
        return ActivationResult.of(h);
    }

    /**
     * The machine's clock offset to the nanosecond, as scenario files write durations ({@code +4h 30s}, {@code -1d
     * 2h 0.5s}): one refused for being over the limit shows by how much, however little.
     */
    private String describeOffset() {
        Duration a = clockOffset.abs();
        StringBuilder b = new StringBuilder(clockOffset.isNegative() ? "-" : "+");
        if (a.toDays() > 0) {
            b.append(a.toDays()).append("d ");
        }
        if (a.toHoursPart() > 0) {
            b.append(a.toHoursPart()).append("h ");
        }
        if (a.toMinutesPart() > 0) {
            b.append(a.toMinutesPart()).append("m ");
        }
        if (a.toSecondsPart() > 0 || a.toNanosPart() > 0) {
            b.append(a.toSecondsPart());
            if (a.toNanosPart() > 0) {
                b.append('.')
                        .append(String.format(Locale.ROOT, "%09d", a.toNanosPart())
                                .replaceAll("0+$", ""));
            }
            b.append("s ");
        }
        return a.isZero() ? "+0" : b.toString().strip();
    }

    private Slot find(UUID skuId) {
        Slot f = first;
        if (f != null && (f.skuId == skuId || f.skuId.equals(skuId))) {
            return f;
        }
        for (Slot s : slots) {
            UUID id = s.skuId;
            if (id == skuId || id.equals(skuId)) {
                return s;
            }
        }
        return null;
    }

    private Slot slot(LicensingService service, UUID skuId) throws LicensingException {
        Slot s = find(skuId);
        if (s == null || s.service != service) {
            throw new LicensingException(
                    HResult.SL_E_PRODUCT_SKU_NOT_INSTALLED, "SKU " + skuId + " is not installed on " + name);
        }
        return s;
    }
}
