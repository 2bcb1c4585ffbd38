package org.kmsagent.agent.simulate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.kmsagent.agent.host.HistoryRecord;
import org.kmsagent.agent.host.KmsHost;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.host.LedgerUpdate;
import org.kmsagent.agent.host.PoolEntry;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.licensing.simulated.SimulatedProduct;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicenseStatus;

/** Puts a scenario's {@link Present} into the lab: the hosts' tables and the machines' license clocks at the start. */
final class PresentLedger {
    private PresentLedger() {}

    /**
     * The host with its table as the present has it: each client still within the 30-day window at the start is
     * written as its last counted request (docs/kms-rules.md §1.2), and the pool's capacity follows the highest
     * threshold asked (§1.3). A host's log can name more clients than its table holds (30 days of a busy host's
     * requests): written oldest first, the least recently seen leave the table as it fills, as on the host (§1.3). The
     * host model is rebuilt over the seeded ledger, as a restarted host reads its own.
     */
    static KmsHost seeded(KmsHost created, List<Present.LedgerSeed> seeds, Instant start) {
        if (seeds.isEmpty() || !(created instanceof LedgerKmsHost model)) {
            return created;
        }
        Map<String, Integer> highest = new HashMap<>();
        // Per pool, the CMIDs its table holds, least recently seen first.
        Map<String, LinkedHashSet<UUID>> held = new HashMap<>();
        List<Present.LedgerSeed> inOrder = seeds.stream()
                .sorted(Comparator.comparing(Present.LedgerSeed::lastRequest)
                        .thenComparing(s -> s.cmid().toString()))
                .toList();
        for (Present.LedgerSeed s : inOrder) {
            if (!s.lastRequest().plus(LedgerKmsHost.ENTRY_LIFETIME).isAfter(start)) {
                continue; // aged out before the start
            }
            int before = highest.getOrDefault(s.pool().id(), 0);
            OptionalInt raised = s.requiredCount() > before ? OptionalInt.of(s.requiredCount()) : OptionalInt.empty();
            raised.ifPresent(r -> highest.put(s.pool().id(), r));
            LinkedHashSet<UUID> table = held.computeIfAbsent(s.pool().id(), k -> new LinkedHashSet<>());
            table.remove(s.cmid()); // a client seen again is the most recently seen
            table.add(s.cmid());
            // Its own entry is rewritten; the least recently seen others leave while the table is over its capacity.
            List<UUID> dropped = new ArrayList<>(List.of(s.cmid()));
            int capacity = KmsRules.tableCap(highest.get(s.pool().id()));
            for (Iterator<UUID> oldest = table.iterator(); table.size() > capacity; ) {
                dropped.add(oldest.next());
                oldest.remove();
            }
            HistoryRecord h = new HistoryRecord(
                    0,
                    s.lastRequest(),
                    s.lastRequest(),
                    s.cmid(),
                    s.name(),
                    "snapshot",
                    "snapshot",
                    s.pool().id(),
                    "snapshot",
                    s.requiredCount(),
                    HResult.S_OK,
                    0);
            model.ledger()
                    .apply(new LedgerUpdate(
                            h,
                            dropped,
                            Optional.of(new PoolEntry(s.pool().id(), s.cmid(), s.name(), s.lastRequest())),
                            raised));
        }
        return new LedgerKmsHost(model.config(), model.ledger());
    }

    /** Sets one product's license clock to the present's: its activation's end, or where its grace stands. */
    static void restore(SimulatedMachine machine, SimulatedProduct product, Present.ProductStart start, Instant now) {
        SimulatedMachine.StoredProduct as = machine.stored().stream()
                .filter(p -> p.skuId().equals(product.skuId()))
                .findFirst()
                .orElseThrow();
        Duration grace = product.gracePeriod();
        Instant installedAt = as.installedAt();
        Instant validUntil = null;
        LicenseStatus status = start.status();
        if (status == LicenseStatus.LICENSED) {
            validUntil = start.validUntil().orElseThrow();
        } else if (status == LicenseStatus.ADDITIONAL_GRACE) {
            // A lapsed activation: its out-of-tolerance grace ends a grace period after the activation did (§2.3).
            validUntil = start.validUntil().orElseThrow().minus(grace);
        } else if (status.isGrace()) {
            installedAt = start.validUntil().orElseThrow().minus(grace);
        } else {
            installedAt = now.minus(grace); // notification (or unlicensed): the grace is over
        }
        machine.restore(
                product,
                new SimulatedMachine.StoredProduct(
                        as.skuId(),
                        installedAt,
                        as.key(),
                        as.kms(),
                        as.activationIntervalMillis(),
                        as.renewalIntervalMillis(),
                        validUntil,
                        false,
                        start.host().orElse(as.hostInUse()),
                        as.lastResult()));
    }
}
