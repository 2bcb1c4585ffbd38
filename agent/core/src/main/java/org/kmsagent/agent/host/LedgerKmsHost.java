package org.kmsagent.agent.host;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.HResult;
import org.kmsagent.api.ProductGroup;

/**
 * The KMS host model: decides each request by the rules of a Windows KMS host and stores the outcome in an
 * {@link ActivationLedger}. Each rule lives in one method or constant below, citing docs/kms-rules.md.
 *
 * <p>The host keeps an in-memory index of every pool's entries, rebuilt from the ledger when it is constructed, so
 * that counting never reads the database. The index is changed only after the ledger has stored the change: when
 * {@link #handle} returns, the request is acknowledged (committed, for a durable ledger).
 *
 * <p>Thread-safe: requests are handled one at a time. It never listens on a network port (see package docs).
 */
public final class LedgerKmsHost implements KmsHost {
    /** docs/kms-rules.md §1.2: an entry lives 30 days from the client's latest counted contact. */
    public static final Duration ENTRY_LIFETIME = KmsRules.COUNT_WINDOW;
    /** docs/kms-rules.md §2.4: the host refuses a client whose clock differs from its own by more than 4 hours. */
    public static final Duration MAX_CLOCK_SKEW = KmsRules.MAX_CLOCK_SKEW;

    private final HostConfig config;
    private final ActivationLedger ledger;
    private final EntryListener listener;
    private final Map<String, PoolTable> pools = new HashMap<>();
    private final Map<ProductGroup, Boolean> served = new HashMap<>();

    /** A host over that ledger; the pools' index is rebuilt from what the ledger has stored. */
    public LedgerKmsHost(HostConfig config, ActivationLedger ledger) {
        this(config, ledger, EntryListener.NONE);
    }

    /** A host that tells {@code listener} when an entry leaves a pool's count (aged out or pushed out). */
    public LedgerKmsHost(HostConfig config, ActivationLedger ledger, EntryListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.listener = Objects.requireNonNull(listener, "listener");
        for (Map.Entry<String, Integer> t : ledger.storedHighestThresholds().entrySet()) {
            pool(t.getKey()).setHighestThreshold(t.getValue());
        }
        for (PoolEntry e : ledger.storedEntries()) {
            pool(e.poolId()).put(e);
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    public HostConfig config() {
        return config;
    }

    @Override
    public Optional<HostConfig> configuration() {
        return Optional.of(config);
    }

    public ActivationLedger ledger() {
        return ledger;
    }

    @Override
    public synchronized KmsResponse handle(KmsRequest request, Instant now) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(now, "now");
        int required = request.thresholdClass().minimumCount();

        Optional<HResult> refusal = refusalBeforeCounting(request, now);
        if (refusal.isPresent()) {
            // docs/kms-rules.md §1.2: failed requests do not build the count (nor raise the table's cap); history keeps
            // them.
            ledger.apply(LedgerUpdate.historyOnly(history(request, now, refusal.get(), 0)));
            return response(refusal.get(), 0, required);
        }

        PoolTable pool = pool(request.poolId());
        int highest = Math.max(pool.highestThreshold(), required);
        int capacity = KmsRules.tableCap(highest);
        UUID cmid = request.cmid();

        // Entries that expired by now go first; then the requester is registered (or its entry rewritten), then the
        // least recently seen others are evicted while the table is over its capacity.
        // Dropped CMIDs in order. A list: the table holds at most twice the highest threshold (50), and at a large
        // fleet's steady state every request evicts one entry, so a hash set per request would cost more than it saves.
        List<UUID> dropped = new ArrayList<>(2);
        Instant cutoff = expiredAtOrBefore(now);
        List<PoolEntry> expired = pool.seenAtOrBefore(cutoff);
        for (int i = 0; i < expired.size(); i++) { // indexed: an iterator would be an object per request
            dropped.add(expired.get(i).cmid());
        }
        boolean present = pool.contains(cmid) && !dropped.contains(cmid);
        int size = pool.size() - dropped.size() + (present ? 0 : 1);
        for (int i = 0; size > capacity; i++) {
            PoolEntry e = pool.leastRecent(i);
            if (e == null) {
                break;
            }
            if (!e.cmid().equals(cmid) && !dropped.contains(e.cmid())) {
                dropped.add(e.cmid()); // docs/kms-rules.md §1.3: when full, the least recently seen entry is evicted
                size--;
            }
        }
        int count = size; // docs/kms-rules.md §1.2: the requester is registered first, so the count includes it
        HResult result = activates(count, required) ? HResult.S_OK : HResult.SL_E_VL_NOT_ENOUGH_COUNT;

        PoolEntry registered = new PoolEntry(pool.poolId(), cmid, request.machineName(), now);
        OptionalInt raised = highest > pool.highestThreshold() ? OptionalInt.of(highest) : OptionalInt.empty();
        ledger.apply(new LedgerUpdate(history(request, now, result, count), dropped, Optional.of(registered), raised));

        // Stored: now mirror it in the index, and tell the listener what left the count (aged out first: it happened
        // earlier).
        for (int i = 0; i < dropped.size(); i++) {
            PoolEntry gone = pool.remove(dropped.get(i));
            if (i >= expired.size() && gone != null) {
                listener.pushedOut(gone, now, cmid);
            }
        }
        if (!expired.isEmpty()) {
            tellAgedOut(pool, expired, cutoff);
        }
        pool.put(registered);
        pool.setHighestThreshold(highest);
        return response(result, count, required);
    }

    /** Tells the listener of the entries aged out by {@code cutoff} it was not told of yet (oldest first). */
    private void tellAgedOut(PoolTable pool, List<PoolEntry> expired, Instant cutoff) {
        Instant told = pool.agedOutThrough();
        for (int i = 0; i < expired.size(); i++) {
            PoolEntry e = expired.get(i);
            if (e.lastSeen().isAfter(told)) {
                listener.agedOut(e, e.lastSeen().plus(ENTRY_LIFETIME));
            }
        }
        pool.setAgedOutThrough(cutoff);
    }

    /**
     * Tells the listener of every entry that aged out of its pool's count by {@code now} (docs/kms-rules.md §1.2) and
     * that it was not told of yet; changes nothing the host decides (the entries are dropped from the ledger at the
     * pool's next request, as before). Returns when the next entry will age out if nobody renews it, empty when no pool
     * holds a live entry: a caller that reports again at that instant tells each entry at the time it leaves the count.
     */
    public synchronized Optional<Instant> reportAgedOut(Instant now) {
        Instant cutoff = expiredAtOrBefore(now);
        Instant next = null;
        for (PoolTable pool : pools.values()) {
            List<PoolEntry> expired = pool.seenAtOrBefore(cutoff);
            if (!expired.isEmpty()) {
                tellAgedOut(pool, expired, cutoff);
            }
            PoolEntry first = pool.firstSeenAfter(cutoff);
            if (first != null) {
                Instant at = first.lastSeen().plus(ENTRY_LIFETIME);
                next = next == null || at.isBefore(next) ? at : next;
            }
        }
        return Optional.ofNullable(next);
    }

    /**
     * The same host with another configuration (a host key or license pack installed), over the same ledger and with
     * the same listener: counts are kept, and what was already told as aged out is not told again.
     */
    public synchronized LedgerKmsHost reconfigured(HostConfig newConfig) {
        LedgerKmsHost next = new LedgerKmsHost(newConfig, ledger, listener);
        pools.forEach((id, pool) -> next.pool(id).setAgedOutThrough(pool.agedOutThrough()));
        return next;
    }

    /** The same host, telling {@code newListener} what leaves the count; nothing else changes. */
    public synchronized LedgerKmsHost listenedBy(EntryListener newListener) {
        LedgerKmsHost next = new LedgerKmsHost(config, ledger, newListener);
        pools.forEach((id, pool) -> next.pool(id).setAgedOutThrough(pool.agedOutThrough()));
        return next;
    }

    /**
     * The refusals decided before the request is counted, in the order a host checks them; empty when the request is
     * to be counted.
     */
    private Optional<HResult> refusalBeforeCounting(KmsRequest request, Instant now) {
        // docs/kms-rules.md §2.4: more than 4 hours between client and host time (exactly 4 hours is accepted).
        if (skewAboveLimit(request.clientTime(), now)) {
            return Optional.of(HResult.SL_E_VL_INVALID_TIMESTAMP);
        }
        // docs/kms-rules.md §1.1, §3.1-§3.3: the host grants by the product group (KMS id); no usable host key
        // activates it
        // (key too old or for another product, or the Office license pack is missing).
        if (!serves(request.group())) {
            return Optional.of(HResult.SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH);
        }
        return Optional.empty();
    }

    private static final long MAX_SKEW_SECONDS = MAX_CLOCK_SKEW.getSeconds();

    /**
     * Whether client and host time are more than {@link #MAX_CLOCK_SKEW} apart (exactly the limit is accepted).
     * Decided on seconds alone when they are clearly within or beyond it, so that the usual request builds no
     * {@link Duration}.
     */
    static boolean skewAboveLimit(Instant client, Instant host) {
        long seconds = Math.abs(host.getEpochSecond() - client.getEpochSecond());
        if (seconds < MAX_SKEW_SECONDS - 1) {
            return false;
        }
        if (seconds > MAX_SKEW_SECONDS + 1) {
            return true;
        }
        return Duration.between(client, host).abs().compareTo(MAX_CLOCK_SKEW) > 0;
    }

    /** {@link HostConfig#serves}, remembered per product group (the config never changes). */
    private boolean serves(ProductGroup group) {
        Boolean known = served.get(group);
        if (known == null) {
            known = config.serves(group);
            served.put(group, known);
        }
        return known;
    }

    /**
     * docs/kms-rules.md §1.2: an entry lives 30 days from its latest contact. An entry last seen at or before the returned
     * instant is gone at {@code now}: exactly 30 days after its last contact it no longer counts.
     */
    static Instant expiredAtOrBefore(Instant now) {
        return now.minus(ENTRY_LIFETIME);
    }

    /** docs/kms-rules.md §1.5: a client activates when the returned count reaches its own class minimum. */
    static boolean activates(int count, int requiredCount) {
        return count >= requiredCount;
    }

    private KmsResponse response(HResult result, int count, int required) {
        HostSettings s = config.settings();
        return new KmsResponse(result, count, required, s.activationInterval(), s.renewalInterval(), config.name());
    }

    private static HistoryRecord history(KmsRequest r, Instant now, HResult result, int count) {
        return new HistoryRecord(
                0,
                now,
                r.clientTime(),
                r.cmid(),
                r.machineName(),
                r.familyId(),
                r.skuName(),
                r.poolId(),
                r.group().name(),
                r.thresholdClass().minimumCount(),
                result,
                count);
    }

    private PoolTable pool(String poolId) {
        return pools.computeIfAbsent(poolId, PoolTable::new);
    }

    // ---- queries for the daemon and the fleet view ----

    /**
     * The count the pool holds at {@code at}: its entries still within their 30 days. Meant for the present or the
     * future (what a host would report if asked now); entries already evicted or expired are not reconstructed.
     */
    public synchronized int count(String poolId, Instant at) {
        PoolTable pool = pools.get(poolId);
        return pool == null ? 0 : pool.countSeenAfter(expiredAtOrBefore(at));
    }

    /** The pool's entries still live at {@code at}, least recently seen first. */
    public synchronized List<PoolEntry> entries(String poolId, Instant at) {
        PoolTable pool = pools.get(poolId);
        return pool == null ? List.of() : Collections.unmodifiableList(pool.seenAfter(expiredAtOrBefore(at)));
    }

    /** Each pool's highest threshold asked for so far, by pool id. */
    public synchronized Map<String, Integer> highestThresholds() {
        Map<String, Integer> result = new TreeMap<>();
        pools.forEach((id, pool) -> {
            if (pool.highestThreshold() > 0) {
                result.put(id, pool.highestThreshold());
            }
        });
        return result;
    }

    /** How many entries the pool's table holds at most now (2 x its highest threshold; 0 before any request). */
    public synchronized int capacity(String poolId) {
        PoolTable pool = pools.get(poolId);
        return pool == null ? 0 : KmsRules.tableCap(pool.highestThreshold());
    }

    /** The pools that have counted at least one request. */
    public synchronized Set<String> poolIds() {
        return new TreeSet<>(highestThresholds().keySet());
    }

    /** History, newest first: {@code limit} records after skipping {@code offset}. */
    public List<HistoryRecord> history(long offset, int limit) {
        return ledger.historyNewestFirst(offset, limit);
    }

    /** History with host time in {@code [from, to)}, oldest first, at most {@code limit} records. */
    public List<HistoryRecord> history(Instant from, Instant to, int limit) {
        return ledger.historyBetween(from, to, limit);
    }

    /** How many requests the history holds. */
    public long historySize() {
        return ledger.historySize();
    }
}
