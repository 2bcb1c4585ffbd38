package org.kmsagent.agent.host;

import java.time.Instant;
import java.util.List;

/**
 * The append-only record of what a genuine KMS host logged (its event 12290s), kept by the agent that watches it so
 * that clearing the host's own event log loses nothing already read. Rows are never updated or deleted.
 *
 * <p>An event is identified by its record id and its host time: appending one already held does nothing, so a read
 * repeated after a crash (events stored, bookmark not yet saved) stores each event once.
 */
public interface ObservedRequestLog {

    /**
     * Stores the requests not already held, all in one transaction committed to the file before returning.
     *
     * @return how many were new
     */
    int appendObserved(List<ObservedRequest> requests);

    /** Observed requests with host time in {@code [from, to)}, oldest first; at most {@code limit}. */
    List<ObservedRequest> observedBetween(Instant from, Instant to, int limit);

    /** How many observed requests are held. */
    long observedCount();

    /**
     * One per client name and CMID (case aside) with a request at or after {@code from}: its latest request and how
     * many it sent since {@code from}. Computed by the store, so a large host's window is never loaded whole.
     */
    List<ClientSeen> clientsSince(Instant from);

    /**
     * What the host counted at or after {@code from} ({@link ObservedRequest#counted}): one per client name, CMID,
     * product (SKU) and minimum count asked for (case aside), with its latest such request. What the host's tables
     * hold, for counting them per application ({@link GenuineHostView#logCounts}) and placing each client in each
     * table it is in. Computed by the store, as {@link #clientsSince} is.
     */
    List<CountedCmid> countedSince(Instant from);

    /**
     * A client's CMID as the host counted it for one product.
     *
     * @param clientName its name (lower case)
     * @param cmid its client machine id (lower case)
     * @param skuId the product (lower case)
     * @param requiredCount the minimum count it asked for
     * @param lastRequest its latest counted request for the product
     */
    record CountedCmid(String clientName, String cmid, String skuId, int requiredCount, Instant lastRequest) {
        /** The client's key in {@link #clientsSince}'s grouping: name and CMID, case aside. */
        public String client() {
            return ObservedRequest.client(clientName, cmid);
        }
    }

    /**
     * A client as the host last logged it.
     *
     * @param latest its latest request
     * @param requests its requests since the start of the window
     */
    record ClientSeen(ObservedRequest latest, int requests) {}
}
