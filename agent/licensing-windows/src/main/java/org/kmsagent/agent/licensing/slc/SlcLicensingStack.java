package org.kmsagent.agent.licensing.slc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.kmsagent.agent.core.AddressText;
import org.kmsagent.agent.licensing.LicenseDetails;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KeyChannel;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.WindowsVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The licensing stack of a real Windows machine: reads through SLC (or OSPP's {@code osppc}, which exports the
 * same calls) and writes through a {@link LicensingWriter} (WMI on Windows).
 *
 * <p>Each operation opens its own SLC session and closes it before returning, so a failed call never leaves a
 * handle open. Calls block (native and COM); the core makes them off the event loop.
 */
public final class SlcLicensingStack implements LicensingStack, LicenseDetails {
    private static final Logger LOG = LoggerFactory.getLogger(SlcLicensingStack.class);

    /** KMS client defaults when the service reports none: 120 min retry, 7 days renewal (docs/kms-rules.md §2.1). */
    static final Duration DEFAULT_ACTIVATION_INTERVAL = KmsRules.ACTIVATION_INTERVAL;

    static final Duration DEFAULT_RENEWAL_INTERVAL = KmsRules.RENEWAL_INTERVAL;

    /** Refusals that mean the call could not be made at all: thrown, not returned as a result (LicensingStack). */
    private static final List<HResult> NOT_A_REFUSAL = List.of(
            HResult.E_ACCESSDENIED,
            HResult.SL_E_LUA_ACCESSDENIED,
            HResult.SL_E_PRODUCT_SKU_NOT_INSTALLED,
            HResult.SL_E_SKU_NOT_FOUND,
            HResult.RPC_X_BAD_STUB_DATA,
            HResult.ERROR_SERVICE_DISABLED,
            HResult.ERROR_SERVICE_NOT_ACTIVE);

    private static final List<String> REQUEST_COUNTERS =
            List.of("Unlicensed", "Licensed", "OOBGrace", "OOTGrace", "NonGenuineGrace", "Notification");

    private final Function<LicensingService, SlcClient> clients;
    private final LicensingWriter writer;
    private final String machineName;
    private final WindowsVersion windowsVersion;
    private final Function<LicensingService, Optional<Boolean>> hostCaching;
    private final Map<UUID, ActivationResult> lastResults = new ConcurrentHashMap<>();

    /**
     * @param clients the client library for each service ({@link SlcClient#forService})
     * @param writer the write path
     * @param machineName this machine's name
     * @param windowsVersion this machine's Windows version
     */
    public SlcLicensingStack(
            Function<LicensingService, SlcClient> clients,
            LicensingWriter writer,
            String machineName,
            WindowsVersion windowsVersion) {
        this(clients, writer, machineName, windowsVersion, service -> Optional.empty());
    }

    /**
     * As above, reading whether KMS host caching is on with {@code hostCaching} ({@link HostCachingSetting}: SLC has
     * no value name for it).
     */
    public SlcLicensingStack(
            Function<LicensingService, SlcClient> clients,
            LicensingWriter writer,
            String machineName,
            WindowsVersion windowsVersion,
            Function<LicensingService, Optional<Boolean>> hostCaching) {
        this.hostCaching = Objects.requireNonNull(hostCaching, "hostCaching");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.machineName = Objects.requireNonNull(machineName, "machineName");
        this.windowsVersion = Objects.requireNonNull(windowsVersion, "windowsVersion");
    }

    @Override
    public String name() {
        return "slc";
    }

    @Override
    public String machineName() {
        return machineName;
    }

    @Override
    public WindowsVersion windowsVersion() {
        return windowsVersion;
    }

    /** A session on the library that licenses {@code service}. */
    public SlcSession open(LicensingService service) throws LicensingException {
        return clients.apply(service).open();
    }

    @Override
    public List<InstalledProduct> installedProducts(LicensingService service, UUID applicationId)
            throws LicensingException {
        List<InstalledProduct> products = new ArrayList<>();
        try (SlcSession s = open(service)) {
            for (UUID sku : s.skuIds(applicationId)) {
                List<UUID> keys = installedKeys(s, sku);
                if (keys.isEmpty()) {
                    continue; // most SKUs of an application are keyless licences (docs/kms-rules.md §8.1)
                }
                UUID pkey = keys.get(0);
                String name = text(s.skuInformation(sku, "Name"));
                String description = SlcSession.ifPresent(() -> s.skuInformation(sku, "Description"))
                        .map(SlcLicensingStack::text)
                        .orElse("");
                Optional<String> partial = SlcSession.ifPresent(() -> s.pkeyInformation(pkey, "PartialProductKey"))
                        .map(SlcLicensingStack::text)
                        .filter(t -> !t.isEmpty());
                KeyChannel channel = SlcSession.ifPresent(() -> s.pkeyInformation(pkey, "Channel"))
                        .map(v -> KeyChannel.fromSlcName(text(v)))
                        .orElse(KeyChannel.UNKNOWN);
                products.add(new InstalledProduct(service, applicationId, sku, name, description, channel, partial));
            }
        }
        return List.copyOf(products);
    }

    private static List<UUID> installedKeys(SlcSession s, UUID sku) throws LicensingException {
        try {
            return s.installedProductKeyIds(sku);
        } catch (LicensingException e) {
            if (e.hresult().code() == HResult.SL_E_PKEY_NOT_INSTALLED.code()) {
                return List.of();
            }
            throw e;
        }
    }

    @Override
    public LicenseState licenseState(LicensingService service, UUID skuId) throws LicensingException {
        try (SlcSession s = open(service)) {
            // Several records may come back; match the SKU rather than taking the last (docs/kms-rules.md §8.6 pitfall
            // 5).
            SlLicensingStatus rec = s.licensingStatus(null, skuId).stream()
                    .filter(r -> r.skuId().equals(skuId))
                    .reduce((first, second) -> second)
                    .orElseThrow(() -> SlcSession.malformed(
                            s.library(),
                            "SLGetLicensingStatusInformation(sku " + skuId + ")",
                            "no status record for the SKU asked about"));
            Optional<String> pinnedHost = optionalText(s, skuId, "KeyManagementServiceName");
            int port = optionalInt(s, skuId, "KeyManagementServicePort").orElse(0);
            // Not asked where the service has none (Windows 7's SPP, OSPP): an error there would stop the whole read.
            Optional<String> lookupDomain = hasLookupDomain(service)
                    ? optionalText(s, skuId, "KeyManagementServiceLookupDomain")
                    : Optional.empty();
            KmsEndpoint endpoint = pinnedHost
                    .<KmsEndpoint>map(h -> KmsEndpoint.host(h, port == 0 ? KmsEndpoint.DEFAULT_PORT : port))
                    .orElseGet(() -> new KmsEndpoint.Discovery(lookupDomain));
            Optional<String> discovered = optionalText(s, skuId, "DiscoveredKeyManagementServiceName");
            int discoveredPort =
                    optionalInt(s, skuId, "DiscoveredKeyManagementServicePort").orElse(0);
            Optional<String> hostInUse = discovered.isPresent()
                    ? discovered.map(
                            h -> AddressText.of(h, discoveredPort == 0 ? KmsEndpoint.DEFAULT_PORT : discoveredPort))
                    : pinnedHost.map(h -> endpoint.toString());
            Duration activationInterval =
                    interval(optionalInt(s, skuId, "VLActivationInterval"), DEFAULT_ACTIVATION_INTERVAL);
            Duration renewalInterval = interval(optionalInt(s, skuId, "VLRenewalInterval"), DEFAULT_RENEWAL_INTERVAL);
            return new LicenseState(
                    skuId,
                    SlStatusMapping.toLicenseStatus(rec.status(), rec.reason()),
                    Duration.ofMinutes(rec.graceMinutes()),
                    HResult.of(rec.reason()),
                    rec.validUntil(Instant.now()),
                    endpoint,
                    hostInUse,
                    activationInterval,
                    renewalInterval,
                    lastResultIfReadable(s, skuId));
        }
    }

    /** {@link #lastResult}, or none when the service will not say: it informs, and must not stop the state's read. */
    private Optional<ActivationResult> lastResultIfReadable(SlcSession s, UUID skuId) {
        try {
            return lastResult(s, skuId);
        } catch (LicensingException e) {
            LOG.debug("last activation attempt of {} not read: {}", skuId, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The last activation result: the one this process made, else the service's {@code SL_LAST_ACT_ATTEMPT_HRESULT}
     * (which records attempts made by anyone, slmgr included).
     */
    private Optional<ActivationResult> lastResult(SlcSession s, UUID skuId) throws LicensingException {
        ActivationResult mine = lastResults.get(skuId);
        if (mine != null) {
            return Optional.of(mine);
        }
        Optional<SlValue> v;
        try {
            v = SlcSession.ifPresent(() -> s.genuineInformation(skuId, "SL_LAST_ACT_ATTEMPT_HRESULT"));
        } catch (UnsatisfiedLinkError e) {
            return Optional.empty(); // a client library without SLGetGenuineInformation: nothing recorded to show
        }
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.get() instanceof SlValue.Dword d) {
            return Optional.of(ActivationResult.of(HResult.of(d.value())));
        }
        byte[] b = v.get() instanceof SlValue.Binary bin ? bin.bytes() : new byte[0];
        if (b.length != 4) {
            throw SlcSession.malformed(
                    s.library(),
                    "SLGetGenuineInformation(" + skuId + ", SL_LAST_ACT_ATTEMPT_HRESULT)",
                    "expected a 4-byte HRESULT, got " + v.get().getClass().getSimpleName() + " of " + b.length
                            + " bytes");
        }
        int code = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
        return Optional.of(ActivationResult.of(HResult.of(code)));
    }

    /** The KMS host counters of an application on this machine ({@code slmgr /dli} on a host). */
    public KmsHostCounters kmsHostCounters(LicensingService service, UUID applicationId) throws LicensingException {
        try (SlcSession s = open(service)) {
            boolean host = appCounter(s, applicationId, "IsKeyManagementService") == 1;
            Map<String, Long> byStatus = new LinkedHashMap<>();
            for (String kind : REQUEST_COUNTERS) {
                byStatus.put(kind, appCounter(s, applicationId, "KeyManagementService" + kind + "Requests"));
            }
            long current = appCounter(s, applicationId, "KeyManagementServiceCurrentCount");
            return new KmsHostCounters(
                    host,
                    current == 0xFFFF_FFFFL ? -1 : current,
                    appCounter(s, applicationId, "KeyManagementServiceRequiredClientCount"),
                    appCounter(s, applicationId, "KeyManagementServiceTotalRequests"),
                    appCounter(s, applicationId, "KeyManagementServiceFailedRequests"),
                    byStatus);
        }
    }

    /**
     * What {@code slmgr /dlv} shows beside the state (or {@code ospp.vbs /dstatus}, for a product of OSPP: the session
     * is on the product's own client library). Value names per docs/kms-rules.md §8.1 and §8.2: the CMID and host
     * caching from the service, the host last used, trusted time and rearm count from the SKU (then the application,
     * then the service), the extended PID from the installed key's {@code DigitalPID}. A name the service does not
     * hold answers empty.
     */
    @Override
    public Optional<Details> licenseDetails(InstalledProduct product) throws LicensingException {
        UUID sku = product.skuId();
        try (SlcSession s = open(product.service())) {
            Optional<String> cmid = SlcSession.ifPresent(() -> s.serviceInformation("ClientMachineID"))
                    .map(SlcLicensingStack::text)
                    .filter(t -> !t.isBlank());
            Optional<Boolean> caching = hostCaching.apply(product.service());
            Optional<String> host = optionalText(s, sku, "DiscoveredKeyManagementServiceMachineName");
            if (host.isEmpty()) {
                host = optionalText(s, sku, "DiscoveredKeyManagementServiceName");
            }
            OptionalInt port = optionalInt(s, sku, "DiscoveredKeyManagementServicePort");
            Optional<String> extendedPid = Optional.empty();
            List<UUID> keys = installedKeys(s, sku);
            if (!keys.isEmpty()) {
                extendedPid = SlcSession.ifPresent(() -> s.pkeyInformation(keys.get(0), "DigitalPID"))
                        .map(SlcLicensingStack::text)
                        .filter(t -> !t.isBlank());
            }
            Optional<SlValue> trusted = SlcSession.ifPresent(() -> s.skuInformation(sku, "TrustedTime"));
            if (trusted.isEmpty()) {
                trusted = SlcSession.ifPresent(() -> s.serviceInformation("TrustedTime"));
            }
            Optional<Instant> trustedTime =
                    trusted.isEmpty() ? Optional.empty() : Optional.of(filetime(s, trusted.get()));
            OptionalInt rearm = optionalInt(s, sku, "RemainingRearmCount");
            if (rearm.isEmpty()) {
                Optional<SlValue> app = SlcSession.ifPresent(
                        () -> s.applicationInformation(product.applicationId(), "RemainingRearmCount"));
                rearm = app.isPresent() && app.get() instanceof SlValue.Dword d
                        ? OptionalInt.of(d.value())
                        : OptionalInt.empty();
            }
            return Optional.of(new Details(
                    cmid,
                    Optional.of(product.applicationId()),
                    extendedPid,
                    caching,
                    host,
                    port.isPresent() && port.getAsInt() == 0 ? OptionalInt.of(KmsEndpoint.DEFAULT_PORT) : port,
                    trustedTime,
                    rearm));
        }
    }

    /** {@code TrustedTime}: an 8-byte FILETIME, 100 ns since 1601-01-01 UTC (docs/kms-rules.md §8.5). */
    private static Instant filetime(SlcSession s, SlValue v) throws LicensingException {
        byte[] b = v instanceof SlValue.Binary bin ? bin.bytes() : new byte[0];
        if (b.length != 8) {
            throw SlcSession.malformed(
                    s.library(),
                    "TrustedTime",
                    "expected an 8-byte FILETIME, got " + v.getClass().getSimpleName() + " of " + b.length + " bytes");
        }
        long ticks = 0;
        for (int i = 7; i >= 0; i--) {
            ticks = ticks << 8 | (b[i] & 0xff);
        }
        long sinceUnix = ticks - 116_444_736_000_000_000L; // 1601-01-01 to 1970-01-01 in 100 ns
        return Instant.ofEpochSecond(
                Math.floorDiv(sinceUnix, 10_000_000L), Math.floorMod(sinceUnix, 10_000_000L) * 100);
    }

    @Override
    public void installProductKey(LicensingService service, ProductKey key) throws LicensingException {
        writer.installProductKey(service, key);
        refreshAfter(service, "the key's installation"); // as slmgr /ipk does (docs/kms-rules.md §8.1)
    }

    @Override
    public void setKmsEndpoint(LicensingService service, UUID skuId, KmsEndpoint endpoint) throws LicensingException {
        if (endpoint instanceof KmsEndpoint.Pinned p) {
            // slmgr /skms host:port = set the machine, then set the port or clear it back to 1688 (docs/kms-rules.md
            // §8.1)
            writer.setKmsMachine(service, skuId, p.host());
            if (p.port() == KmsEndpoint.DEFAULT_PORT) {
                writer.clearKmsPort(service, skuId);
            } else {
                writer.setKmsPort(service, skuId, p.port());
            }
        } else if (endpoint instanceof KmsEndpoint.Discovery d) {
            writer.clearKmsMachine(service, skuId);
            writer.clearKmsPort(service, skuId);
            if (!hasLookupDomain(service)) {
                // Such a client looks for its host in the machine's own domain; calling the missing method would fail
                // and leave the product unfollowed.
                d.lookupDomain()
                        .ifPresent(domain -> LOG.warn(
                                "KMS host lookup domain {} not set for {}: {} on Windows {} has no lookup domain"
                                        + " (Windows 8 and later only); it looks for its host by DNS in the"
                                        + " machine's own domain",
                                domain,
                                skuId,
                                service.displayName(),
                                windowsVersion));
            } else if (d.lookupDomain().isPresent()) {
                writer.setKmsLookupDomain(service, skuId, d.lookupDomain().get());
            } else {
                writer.clearKmsLookupDomain(service, skuId);
            }
        }
    }

    /**
     * Whether the service has the lookup-domain methods: Windows' SPP from Windows 8 on; neither Windows 7's nor the
     * Office Software Protection Platform (docs/kms-rules.md §8.1).
     */
    private boolean hasLookupDomain(LicensingService service) {
        return service == LicensingService.SPP && !windowsVersion.isWindows7OrOlder();
    }

    /** Turns KMS host caching on or off for the service ({@code slmgr /ckhc}, {@code /skhc}). */
    public void setKmsHostCaching(LicensingService service, boolean enabled) throws LicensingException {
        writer.setKmsHostCaching(service, enabled);
    }

    @Override
    public ActivationResult activate(LicensingService service, UUID skuId) throws LicensingException {
        ActivationResult result;
        try {
            writer.activate(service, skuId);
            result = null;
        } catch (LicensingException e) {
            boolean skuCode = e.hresult().code() == HResult.SL_E_PRODUCT_SKU_NOT_INSTALLED.code()
                    || e.hresult().code() == HResult.SL_E_SKU_NOT_FOUND.code();
            // A KMS host without the client's product licence answers with the SKU codes too (docs/kms-rules.md §5):
            // a refusal while the SKU is still here, the product gone only when it is not.
            if (NOT_A_REFUSAL.stream().anyMatch(h -> h.code() == e.hresult().code())
                    && !(skuCode && installed(service, skuId))) {
                throw e;
            }
            result = ActivationResult.of(e.hresult());
        }
        if (result == null) {
            // Read after the fact, as the refresh below: neither undoes an activation that worked.
            result = new ActivationResult(
                    HResult.S_OK, hostInUse(service, skuId), OptionalInt.empty(), OptionalInt.empty());
        }
        lastResults.put(skuId, result);
        refreshAfter(service, "the activation"); // as slmgr /ato does (docs/kms-rules.md §8.1)
        return result;
    }

    /**
     * {@code RefreshLicenseStatus} after a write that worked, as slmgr does; its failure is logged, not thrown, so the
     * write stands. Not asked of OSPP, which OSPP.VBS never asks it of (docs/kms-rules.md §8.1).
     */
    private void refreshAfter(LicensingService service, String what) {
        if (service == LicensingService.OSPP) {
            return;
        }
        try {
            writer.refreshLicenseStatus(service);
        } catch (LicensingException e) {
            LOG.warn(
                    "{}: RefreshLicenseStatus after {} failed ({}); {} stands",
                    service.displayName(),
                    what,
                    e.getMessage(),
                    what);
        }
    }

    /** Whether the service still lists the SKU (its name reads). */
    private boolean installed(LicensingService service, UUID skuId) {
        try (SlcSession s = open(service)) {
            s.skuInformation(skuId, "Name");
            return true;
        } catch (LicensingException | RuntimeException e) {
            return false;
        }
    }

    /** The host that answered, best-effort: a read that fails after an activation that worked leaves it unknown. */
    private Optional<String> hostInUse(LicensingService service, UUID skuId) {
        try (SlcSession s = open(service)) {
            Optional<String> discovered = optionalText(s, skuId, "DiscoveredKeyManagementServiceName");
            return discovered.isPresent() ? discovered : optionalText(s, skuId, "KeyManagementServiceName");
        } catch (LicensingException e) {
            LOG.debug("{}: host in use for {} not read: {}", service.displayName(), skuId, e.getMessage());
            return Optional.empty();
        }
    }

    private static long appCounter(SlcSession s, UUID app, String name) throws LicensingException {
        return SlcSession.ifPresent(() -> s.applicationInformation(app, name))
                .map(v -> v instanceof SlValue.Dword d ? d.unsigned() : -1L)
                .orElse(-1L);
    }

    private static Optional<String> optionalText(SlcSession s, UUID sku, String name) throws LicensingException {
        return SlcSession.ifPresent(() -> s.skuInformation(sku, name))
                .map(SlcLicensingStack::text)
                .filter(t -> !t.isBlank());
    }

    /**
     * An interval the service reports, or {@code otherwise} where it reports none or one no KMS host can give (a host
     * sets 15 to 43,200 minutes, docs/kms-rules.md §2.1). A client that is not activated may report anything there
     * (§8.6 pitfall 7), and the renewal loop schedules its next attempt that far ahead: a zero would have it ask the
     * host again at once, without end.
     */
    static Duration interval(OptionalInt minutes, Duration otherwise) {
        return minutes.isPresent()
                        && minutes.getAsInt() >= KmsRules.MIN_INTERVAL_MINUTES
                        && minutes.getAsInt() <= KmsRules.MAX_INTERVAL_MINUTES
                ? Duration.ofMinutes(minutes.getAsInt())
                : otherwise;
    }

    private static OptionalInt optionalInt(SlcSession s, UUID sku, String name) throws LicensingException {
        Optional<SlValue> v = SlcSession.ifPresent(() -> s.skuInformation(sku, name));
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        if (v.get() instanceof SlValue.Dword d) {
            return OptionalInt.of(d.value());
        }
        String t = text(v.get()).strip();
        try {
            return t.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw SlcSession.malformed(
                    s.library(),
                    "SLGetProductSkuInformation(" + sku + ", " + name + ")",
                    "expected a number, got '" + t + "'");
        }
    }

    /** A value as text, whatever its type. */
    static String text(SlValue v) {
        return v.toString();
    }
}
