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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * @param logCounts distinct CMIDs the log named within the last 30 days, by the minimum count they asked for
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
        List<Threshold> logCounts,
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
     * One client as the log last saw it.
     *
     * @param name its FQDN as logged
     * @param cmid its client machine id
     * @param licenseState its license state at its latest request
     * @param lastRequest when the host logged its latest request
     * @param requiredCount the minimum count it asked for
     * @param skuId the product of its latest request
     * @param requests its requests within the window
     */
    public record Client(
            String name,
            String cmid,
            String licenseState,
            Instant lastRequest,
            int requiredCount,
            String skuId,
            int requests) {}

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
     * The view from the requests observed within the last 30 days before {@code now} (oldest first) and the counters.
     */
    public static GenuineHostView of(
            String hostName,
            Instant now,
            List<ObservedRequest> window,
            List<Counters> counters,
            String countersError,
            long observedRequests,
            long malformedEvents,
            Instant lastRead,
            String eventLogError) {
        Map<String, ObservedRequest> latest = new LinkedHashMap<>();
        Map<String, Integer> requests = new HashMap<>();
        Map<Integer, Set<String>> cmidsByRequired = new TreeMap<>(Comparator.reverseOrder());
        for (ObservedRequest r : window) {
            String key =
                    r.clientName().toLowerCase(Locale.ROOT) + "|" + r.cmid().toLowerCase(Locale.ROOT);
            requests.merge(key, 1, Integer::sum);
            latest.put(key, r);
            cmidsByRequired
                    .computeIfAbsent(r.requiredCount(), k -> new TreeSet<>())
                    .add(r.cmid().toLowerCase(Locale.ROOT));
        }
        List<ObservedRequestLog.ClientSeen> seen = new ArrayList<>();
        latest.forEach((k, r) -> seen.add(new ObservedRequestLog.ClientSeen(r, requests.get(k))));
        Map<Integer, Long> counts = new TreeMap<>(Comparator.reverseOrder());
        cmidsByRequired.forEach((required, cmids) -> counts.put(required, (long) cmids.size()));
        return of(
                hostName,
                now,
                seen,
                counts,
                counters,
                countersError,
                observedRequests,
                malformedEvents,
                lastRead,
                eventLogError);
    }

    /** The view from what the ledger summarised for the window ({@link ObservedRequestLog#clientsSince}). */
    public static GenuineHostView of(
            String hostName,
            Instant now,
            List<ObservedRequestLog.ClientSeen> seen,
            Map<Integer, Long> cmidsByRequired,
            List<Counters> counters,
            String countersError,
            long observedRequests,
            long malformedEvents,
            Instant lastRead,
            String eventLogError) {
        List<Client> clients = new ArrayList<>();
        for (ObservedRequestLog.ClientSeen c : seen) {
            ObservedRequest r = c.latest();
            clients.add(new Client(
                    r.clientName(),
                    r.cmid().toLowerCase(Locale.ROOT),
                    r.licenseStateName(),
                    r.hostTime(),
                    r.requiredCount(),
                    r.skuId(),
                    c.requests()));
        }
        clients.sort(Comparator.comparing(Client::lastRequest).reversed().thenComparing(Client::name));
        List<Threshold> logCounts = new ArrayList<>();
        Map<Integer, Long> byRequired = new TreeMap<>(Comparator.reverseOrder());
        byRequired.putAll(cmidsByRequired);
        byRequired.forEach((required, n) -> logCounts.add(new Threshold(required, n, n >= required)));
        List<Application> apps = new ArrayList<>();
        for (Counters c : counters) {
            List<Threshold> thresholds = new ArrayList<>();
            for (int required : thresholdsOf(c.applicationId(), byRequired.keySet())) {
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
     * Office asks for 5 (docs/kms-rules.md §1.4, §1.5); for another application, the minimum counts its log shows.
     */
    static List<Integer> thresholdsOf(String applicationId, Set<Integer> seen) {
        if (KmsRules.WINDOWS_APPLICATION.toString().equalsIgnoreCase(applicationId)) {
            return List.of(ThresholdClass.CLIENT.minimumCount(), ThresholdClass.SERVER.minimumCount());
        }
        if (KmsRules.OFFICE_2010_APPLICATION.toString().equalsIgnoreCase(applicationId)
                || KmsRules.OFFICE_2013_AND_LATER_APPLICATION.toString().equalsIgnoreCase(applicationId)) {
            return List.of(ThresholdClass.OFFICE.minimumCount());
        }
        return List.copyOf(seen);
    }

    /** How far back the view looks: a host counts a client for 30 days after its latest request. */
    public static Instant windowStart(Instant now) {
        return now.minus(KmsRules.COUNT_WINDOW);
    }
}
