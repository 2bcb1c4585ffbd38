package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.UUID;

/**
 * Told when a client's entry leaves a pool's count (the simulator turns these into events). Called by the host while it
 * handles a request or reports what aged out, after the ledger stored the change; it must not call the host back.
 */
public interface EntryListener {
    /** Hears nothing: the daemon's host and every host built without a listener. */
    EntryListener NONE = new EntryListener() {
        @Override
        public void agedOut(PoolEntry entry, Instant at) {}

        @Override
        public void pushedOut(PoolEntry entry, Instant at, UUID by) {}
    };

    /**
     * docs/kms-rules.md §1.2: the entry's latest request is 30 days old at {@code at} (its last request + 30 days), so it
     * no longer counts. Told once per entry, whether the host found it by {@link LedgerKmsHost#reportAgedOut} or while
     * handling a later request; never for an entry renewed in time.
     */
    void agedOut(PoolEntry entry, Instant at);

    /**
     * docs/kms-rules.md §1.3: the table was full when {@code by} was registered at {@code at}, so the least recently seen
     * entry was evicted before its 30 days were up.
     */
    void pushedOut(PoolEntry entry, Instant at, UUID by);
}
