package org.kmsagent.agent.host;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Everything one request changes in the ledger; {@link ActivationLedger#apply} stores it in one transaction.
 *
 * @param history the request's history record (always present: refused requests are kept too)
 * @param dropped client machine ids removed from the request's pool (expired or evicted), removed before
 *     {@code registered} is written
 * @param registered the requester's entry as (re)written, when the request was counted
 * @param highestThreshold the pool's new highest threshold, when this request raised it
 */
public record LedgerUpdate(
        HistoryRecord history, List<UUID> dropped, Optional<PoolEntry> registered, OptionalInt highestThreshold) {
    public LedgerUpdate {
        Objects.requireNonNull(history, "history");
        dropped = List.copyOf(dropped);
        Objects.requireNonNull(registered, "registered");
        Objects.requireNonNull(highestThreshold, "highestThreshold");
    }

    /** A refused request: only its history record. */
    public static LedgerUpdate historyOnly(HistoryRecord history) {
        return new LedgerUpdate(history, List.of(), Optional.empty(), OptionalInt.empty());
    }

    public String poolId() {
        return history.poolId();
    }
}
