package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.ThresholdClass;

/**
 * What an agent watching a genuine Windows KMS host knows of it (host.mode: watch; docs/host.md): the service's own
 * counters per licensing application, and the clients its event log named within the host's 30-day window.
 *
 * @param hostName the host (the watching agent's machine)
 * @param at when this view was taken
 * @param applications the service's counters per application id; empty if they could not be read
 * @param countersError why the counters could not be read, or null
 * @param clients one per (client name, CMID) the log named within the last 30 days, newest request first
 * @param logCounts per application, the distinct CMIDs the log shows the host counted within the last 30 days,
 *     against each threshold of the application's clients: what the host's table holds ({@link #logCounts})
 * @param observedRequests requests held in the agent's ledger (all time)
 * @param malformedEvents events skipped as unreadable since the agent started
 * @param lastRead when the log was last read, or null
 * @param eventLogError why the log could not be read at the last attempt, or null
 * @param service the service's settings, host keys and license packs, or null if they could not be read at all
 * @param serviceError why {@code service} is null, or null
 */
public record GenuineHostView(
        String hostName,
        Instant at,
        List<Application> applications,
        String countersError,
        List<Client> clients,
        List<LogCount> logCounts,
        long observedRequests,
        long malformedEvents,
        Instant lastRead,
        String eventLogError,
        GenuineHostService service,
        String serviceError) {
    public GenuineHostView {
        applications = List.copyOf(applications);
        clients = List.copyOf(clients);
        logCounts = List.copyOf(logCounts);
    }

    /** The same view with the service's settings, host keys and license packs (or why they could not be read). */
    public GenuineHostView withService(GenuineHostService read, String error) {
        return new GenuineHostView(
                hostName,
                at,
                applications,
                countersError,
                clients,
                logCounts,
                observedRequests,
                malformedEvents,
                lastRead,
                eventLogError,
                read,
                error);
    }

    /**
     * One application's counters as the service reports them ({@code slmgr /dli}).
     *
     * @param thresholds the current count against each threshold class the application's clients use
     * @param requestsByStatus requests by the client's license status ({@code Licensed}, {@code OOBGrace}, ...), as
     *     the service counts them; -1 where not reported
     */
    public record Application(
            String applicationId,
            long currentCount,
            long totalRequests,
            long failedRequests,
            List<Threshold> thresholds,
            Map<String, Long> requestsByStatus) {
        public Application {
            thresholds = List.copyOf(thresholds);
            requestsByStatus = Collections.unmodifiableMap(new LinkedHashMap<>(requestsByStatus));
        }
    }

    /** A count against one threshold (a minimum count a client class needs). */
    public record Threshold(int required, long count, boolean met) {}

    /**
     * The log's count of one application against one threshold.
     *
     * @param applicationId the licensing application whose table the CMIDs are in, or {@link #UNKNOWN_APPLICATION}
     *     for products no loaded family knows
     */
    public record LogCount(String applicationId, int required, long count, boolean met) {}

    /** The application of products no loaded family's catalog knows. */
    public static final String UNKNOWN_APPLICATION = "unknown";

    /**
     * One client as the log last saw it.
     *
     * @param name its FQDN as logged
     * @param cmid its client machine id
     * @param licenseState its license state at its latest request
     * @param lastRequest when the host logged its latest request
     * @param requiredCount the minimum count it asked for
     * @param skuId the product of its latest request
     * @param requests its requests within the window
     * @param counted each product the host counted it for within the window (in that product's application's table),
     *     with its latest counted request, newest first; empty when the host refused all its requests
     */
    public record Client(
            String name,
            String cmid,
            String licenseState,
            Instant lastRequest,
            int requiredCount,
            String skuId,
            int requests,
            List<CountedProduct> counted) {
        public Client {
            counted = List.copyOf(counted);
        }
    }

    /** A product a client was counted for, the minimum count it asked for, and its latest counted request for it. */
    public record CountedProduct(String skuId, int requiredCount, Instant lastRequest) {}

    /** The service's counters for one application, as read (-1: not reported). */
    public record Counters(
            String applicationId,
            long currentCount,
            long totalRequests,
            long failedRequests,
            Map<String, Long> requestsByStatus) {
        public Counters {
            requestsByStatus = Collections.unmodifiableMap(new LinkedHashMap<>(requestsByStatus));
        }

        public Counters(String applicationId, long currentCount, long totalRequests, long failedRequests) {
            this(applicationId, currentCount, totalRequests, failedRequests, Map.of());
        }
    }

    /**
     * The view from the requests observed within the last 30 days before {@code now} (oldest first) and the counters;
     * {@code applicationOf} names the application of a product (a SKU id), or is empty for one no loaded family knows.
     */
    public static GenuineHostView of(
            String hostName,
            Instant now,
            List<ObservedRequest> window,
            Function<String, Optional<String>> applicationOf,
            List<Counters> counters,
            String countersError,
            long observedRequests,
            long malformedEvents,
            Instant lastRead,
            String eventLogError) {
        Map<String, ObservedRequest> latest = new LinkedHashMap<>();
        Map<String, Integer> requests = new HashMap<>();
        Map<List<Object>, ObservedRequestLog.CountedCmid> counted = new LinkedHashMap<>();
        for (ObservedRequest r : window) {
            String name = r.clientName().toLowerCase(Locale.ROOT);
            String cmid = r.cmid().toLowerCase(Locale.ROOT);
            String key = r.client();
            requests.merge(key, 1, Integer::sum);
            latest.put(key, r);
            if (r.counted()) {
                String sku = r.skuId().toLowerCase(Locale.ROOT);
                // Oldest first: a later request replaces an earlier one.
                counted.put(
                        List.of(name, cmid, sku, r.requiredCount()),
                        new ObservedRequestLog.CountedCmid(name, cmid, sku, r.requiredCount(), r.hostTime()));
            }
        }
        List<ObservedRequestLog.ClientSeen> seen = new ArrayList<>();
        latest.forEach((k, r) -> seen.add(new ObservedRequestLog.ClientSeen(r, requests.get(k))));
        return of(
                hostName,
                now,
                seen,
                List.copyOf(counted.values()),
                applicationOf,
                counters,
                countersError,
                observedRequests,
                malformedEvents,
                lastRead,
                eventLogError);
    }

    /**
     * The host's tables as its log shows them: the CMIDs it counted, in one table per application (Windows clients
     * and servers share one, each Office application has its own: docs/kms-rules.md §1.4), each against every
     * threshold of that application's clients; products no loaded family knows are counted apart, against the minimum
     * counts they asked for.
     *
     * <p>Each table is replayed as the host keeps it (§1.3): the logged requests in the order they came, a table
     * holding twice the highest threshold asked of it so far and giving up its least recently seen client when full.
     * An Office host with 40 clients in its log holds 10, as its service reports. The log has each client's latest
     * request per product, so a client evicted and seen again in between is replayed at its latest request only; and a
     * cap raised before the 30 days the log covers is not in it.
     */
    public static List<LogCount> logCounts(
            List<ObservedRequestLog.CountedCmid> counted, Function<String, Optional<String>> applicationOf) {
        Map<String, Map<String, Boolean>> tables = new TreeMap<>(); // per application, its CMIDs least recent first
        Map<String, Integer> highest = new HashMap<>();
        Map<String, Set<Integer>> asked = new TreeMap<>();
        Map<String, Optional<String>> known = new HashMap<>();
        List<ObservedRequestLog.CountedCmid> inOrder = new ArrayList<>(counted);
        inOrder.sort(Comparator.comparing(ObservedRequestLog.CountedCmid::lastRequest)); // stable: log order kept
        for (ObservedRequestLog.CountedCmid c : inOrder) {
            String app = known.computeIfAbsent(c.skuId(), applicationOf).orElse(UNKNOWN_APPLICATION);
            Map<String, Boolean> table = tables.computeIfAbsent(app, a -> new LinkedHashMap<>(16, 0.75f, true));
            int capacity = KmsRules.tableCap(highest.merge(app, c.requiredCount(), Math::max));
            table.put(c.cmid(), Boolean.TRUE); // access order: the requester becomes the most recently seen
            for (var it = table.keySet().iterator(); table.size() > capacity; ) {
                it.next();
                it.remove();
            }
            asked.computeIfAbsent(app, a -> new TreeSet<>()).add(c.requiredCount());
        }
        List<LogCount> out = new ArrayList<>();
        tables.forEach((app, table) -> {
            for (int required : thresholdsOf(app, asked.get(app))) {
                out.add(new LogCount(app, required, table.size(), table.size() >= required));
            }
        });
        return out;
    }

    /**
     * The view from what the ledger summarised for the window ({@link ObservedRequestLog#clientsSince} and {@link
     * ObservedRequestLog#countedSince}); {@code applicationOf} as above.
     */
    public static GenuineHostView of(
            String hostName,
            Instant now,
            List<ObservedRequestLog.ClientSeen> seen,
            List<ObservedRequestLog.CountedCmid> counted,
            Function<String, Optional<String>> applicationOf,
            List<Counters> counters,
            String countersError,
            long observedRequests,
            long malformedEvents,
            Instant lastRead,
            String eventLogError) {
        List<LogCount> logCounts = logCounts(counted, applicationOf);
        Map<String, List<CountedProduct>> countedFor = new HashMap<>();
        for (ObservedRequestLog.CountedCmid c : counted) {
            countedFor
                    .computeIfAbsent(c.client(), k -> new ArrayList<>())
                    .add(new CountedProduct(c.skuId(), c.requiredCount(), c.lastRequest()));
        }
        List<Client> clients = new ArrayList<>();
        for (ObservedRequestLog.ClientSeen c : seen) {
            ObservedRequest r = c.latest();
            String key = r.client();
            List<CountedProduct> products = new ArrayList<>();
            // One per product: a client asking for one product with two minimum counts is in its table once.
            countedFor.getOrDefault(key, List.of()).stream()
                    .sorted(Comparator.comparing(CountedProduct::lastRequest).reversed())
                    .forEach(p -> {
                        if (products.stream().noneMatch(q -> q.skuId().equals(p.skuId()))) {
                            products.add(p);
                        }
                    });
            clients.add(new Client(
                    r.clientName(),
                    r.cmid().toLowerCase(Locale.ROOT),
                    r.licenseStateName(),
                    r.hostTime(),
                    r.requiredCount(),
                    r.skuId(),
                    c.requests(),
                    products));
        }
        clients.sort(Comparator.comparing(Client::lastRequest).reversed().thenComparing(Client::name));
        List<Application> apps = new ArrayList<>();
        for (Counters c : counters) {
            Set<Integer> asked = new TreeSet<>(Comparator.reverseOrder());
            logCounts.stream()
                    .filter(l -> l.applicationId().equalsIgnoreCase(c.applicationId()))
                    .forEach(l -> asked.add(l.required()));
            List<Threshold> thresholds = new ArrayList<>();
            for (int required : thresholdsOf(c.applicationId(), asked)) {
                thresholds.add(new Threshold(required, c.currentCount(), c.currentCount() >= required));
            }
            apps.add(new Application(
                    c.applicationId(),
                    c.currentCount(),
                    c.totalRequests(),
                    c.failedRequests(),
                    thresholds,
                    c.requestsByStatus()));
        }
        return new GenuineHostView(
                hostName,
                now,
                apps,
                countersError,
                clients,
                logCounts,
                observedRequests,
                malformedEvents,
                lastRead,
                eventLogError,
                null,
                null);
    }

    /**
     * The threshold classes of an application's clients: Windows clients 25 and servers 5 share the Windows count,
     * Office asks for 5 (docs/kms-rules.md §1.4, §1.5); for another application, the minimum counts its log shows,
     * largest first.
     */
    static List<Integer> thresholdsOf(String applicationId, Set<Integer> seen) {
        if (KmsRules.WINDOWS_APPLICATION.toString().equalsIgnoreCase(applicationId)) {
            return List.of(ThresholdClass.CLIENT.minimumCount(), ThresholdClass.SERVER.minimumCount());
        }
        if (KmsRules.OFFICE_2010_APPLICATION.toString().equalsIgnoreCase(applicationId)
                || KmsRules.OFFICE_2013_AND_LATER_APPLICATION.toString().equalsIgnoreCase(applicationId)) {
            return List.of(ThresholdClass.OFFICE.minimumCount());
        }
        return seen.stream().sorted(Comparator.reverseOrder()).toList();
    }

    /** How far back the view looks: a host counts a client for 30 days after its latest request. */
    public static Instant windowStart(Instant now) {
        return now.minus(KmsRules.COUNT_WINDOW);
    }
}
