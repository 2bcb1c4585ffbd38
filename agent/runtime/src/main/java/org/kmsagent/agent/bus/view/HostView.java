package org.kmsagent.agent.bus.view;

import java.time.Instant;
import java.util.List;

/**
 * The KMS host model's state.
 *
 * @param enabled whether the host role is on
 * @param pools one per counting pool (application id)
 * @param ledger the clients currently counted
 */
public record HostView(boolean enabled, List<Pool> pools, List<LedgerEntry> ledger) {
    public HostView {
        pools = List.copyOf(pools);
        ledger = List.copyOf(ledger);
    }

    /**
     * A counting pool and its thresholds (kms-rules.md §1.4, §1.5).
     *
     * @param applicationId the pool's application id (a GUID)
     * @param family the ids of the families that count in it, comma-separated (as ctl has always shown them)
     * @param count the clients it counts now
     * @param thresholds each threshold class of those families
     * @param id the pool's readable id from the family catalogs (e.g. {@code windows}); the application id when the
     *     pool is known only from the ledger
     * @param families the same family ids as a list, one per entry
     */
    public record Pool(
            String applicationId,
            String family,
            int count,
            List<Threshold> thresholds,
            String id,
            List<String> families) {
        public Pool {
            thresholds = List.copyOf(thresholds);
            families = families == null ? List.of() : List.copyOf(families);
            id = id != null ? id : applicationId;
        }

        /** A pool without a readable id: its families are read from {@code family}. */
        public Pool(String applicationId, String family, int count, List<Threshold> thresholds) {
            this(
                    applicationId,
                    family,
                    count,
                    thresholds,
                    null,
                    family == null || family.isEmpty() ? List.of() : List.of(family.split(",")));
        }
    }

    /** One threshold class: the count it needs and whether the pool has reached it. */
    public record Threshold(String thresholdClass, int required, boolean met) {}

    /** One counted client. */
    public record LedgerEntry(String clientMachineId, String applicationId, String skuId, Instant lastSeen) {}
}
