package org.kmsagent.agent.simulate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a lab run ended with.
 *
 * @param rows one row per count pool and family
 * @param lastCount per pool, the last count a host (any of them) reported
 * @param lastCountByHost per host (in the scenario's order) and pool, the last count that host reported; a host that
 *     reported none has an empty map
 * @param events how many scheduler events ran
 * @param machines how many machines took part (arrived by then)
 * @param toArrive how many machines of the scenario had not arrived by then (an {@code arrive} after the run's end)
 */
public record LabSummary(
        List<Row> rows,
        Map<String, Integer> lastCount,
        Map<String, Map<String, Integer>> lastCountByHost,
        long events,
        int machines,
        int toArrive) {
    public LabSummary {
        rows = List.copyOf(rows);
        // Kept in the given (sorted) order: the printed summary must be the same on every run.
        lastCount = Collections.unmodifiableMap(new LinkedHashMap<>(lastCount));
        Map<String, Map<String, Integer>> byHost = new LinkedHashMap<>();
        lastCountByHost.forEach((h, pools) -> byHost.put(h, Collections.unmodifiableMap(new LinkedHashMap<>(pools))));
        lastCountByHost = Collections.unmodifiableMap(byHost);
    }

    /**
     * One pool × family.
     *
     * @param pool the count pool
     * @param family the family id
     * @param products installed products (machine × edition) of the machines that have arrived
     * @param licensed licensed at the end (KMS or MAK)
     * @param viaMak of which activated by the MAK fallback
     * @param grace in a grace period at the end
     * @param notification in notification at the end
     * @param gone whose machine left
     * @param activations successful first activations (re-activations after a lapse included)
     * @param renewals successful renewals
     * @param failures failed attempts
     * @param failuresByCause failed attempts by diagnosed cause
     * @param lastProblems for products not licensed at the end, their last refusal (code and diagnosis) and how many
     *     share it
     */
    public record Row(
            String pool,
            String family,
            int products,
            int licensed,
            int viaMak,
            int grace,
            int notification,
            int gone,
            long activations,
            long renewals,
            long failures,
            Map<String, Long> failuresByCause,
            Map<String, Integer> lastProblems) {
        public Row {
            failuresByCause = Collections.unmodifiableMap(new LinkedHashMap<>(failuresByCause));
            lastProblems = Collections.unmodifiableMap(new TreeMap<>(lastProblems));
        }

        /**
         * The figures of the closing tables (the timeline's and the report's), in their column order: products,
         * licensed, of which by MAK, grace, notification, gone, activations, renewals, failures.
         */
        public long[] figures() {
            return new long[] {products, licensed, viaMak, grace, notification, gone, activations, renewals, failures};
        }
    }

    /** The row of that pool and family. */
    public Row row(String pool, String family) {
        return rows.stream()
                .filter(r -> r.pool().equals(pool) && r.family().equals(family))
                .findFirst()
                .orElseThrow();
    }
}
