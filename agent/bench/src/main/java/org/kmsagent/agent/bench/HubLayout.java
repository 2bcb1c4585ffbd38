package org.kmsagent.agent.bench;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * All that a fleet run does and says differently with one hub and with several clustered on loopback; the phases of
 * {@link FleetRun} are otherwise the same. With several hubs the first runs in this process and the others in
 * processes of their own, so the first hub's memory figures are over its own agents and each other hub reports its
 * own; the fan-out is asked at the first hub; the storm restarts the last hub only, whose agents fail over or come
 * back while the survivors keep the view.
 */
final class HubLayout {
    private final BenchHubs hubs;
    private final boolean several;

    HubLayout(BenchHubs hubs) {
        this.hubs = hubs;
        this.several = hubs.count() > 1;
    }

    /** After the agents connected: says how they spread over the hubs (nothing to say with one). */
    void logConnections(String bench) throws Exception {
        if (several) {
            System.err.printf("%s: connections per hub: %s%n", bench, hubs.connections());
        }
    }

    /** The agents the first hub's memory growth is divided by: all of them, or those connected to it. */
    int firstHubAgents(int agents) {
        return several ? hubs.get(0).connections() : agents;
    }

    /** Where the agents registered, for the log. */
    String acrossHubs() {
        return several ? " across " + hubs.count() + " hubs" : "";
    }

    /** The first hub's name after "hub" in the log. */
    String firstHubName() {
        return several ? " " + hubs.name(0) : "";
    }

    /** Over how many agents the first hub's growth was measured, for the log. */
    String ofItsOwn(int own) {
        return several ? String.format(" of its %,d", own) : "";
    }

    /** Where the fan-out was asked, for its figure. */
    String fanOutWhere() {
        return several ? " on " + hubs.count() + " hubs, asked at one (the others' agents by relay)" : "";
    }

    /** Which hub's heap, in which process, over which agents, for the heap figure. */
    String heapWhere(int own) {
        return several
                ? " at hub " + hubs.name(0) + ", in the benchmark's process (its growth over its own "
                        + String.format("%,d", own) + " agents)"
                : "";
    }

    /** Which hub the direct and resident memory figures are of. */
    String atFirstHub() {
        return several ? " at hub " + hubs.name(0) : "";
    }

    /** Who stored the events, for the ingest figure. */
    String ingestBy() {
        return several ? " by " + hubs.count() + " hubs" : "";
    }

    /** What the ingest target is counted per. */
    String ingestTargetPer() {
        return several ? " per hub" : "";
    }

    /** Whether each hub's share of the ingest gets a figure of its own. */
    boolean ingestPerHub() {
        return several;
    }

    /** The hub the storm restarts: the only one, or the last. */
    int restartedHub() {
        return hubs.count() - 1;
    }

    /** The agents that must register again after the restart (read before it): null for all of them. */
    Set<String> movingAgents() throws Exception {
        return several ? FleetViewCheck.agentsOf(hubs.get(0), hubs.name(restartedHub())) : null;
    }

    /**
     * The storm's clock: from the restart with one hub (no agent can come back before); from the close with several,
     * as the agents fail over to the others while it closes and starts again.
     */
    long stormSince(long closingNanos, long restartedNanos) {
        return several ? closingNanos : restartedNanos;
    }

    /**
     * Starts the restarted hub again on its bridge port: with one hub before it returns; with several beside the wait
     * for the agents, so that its own time (joining the cluster) is not counted when the agents were back before it.
     * The future gives the {@link System#nanoTime()} it was up again.
     */
    CompletableFuture<Long> startAgain(int port) throws Exception {
        if (!several) {
            hubs.startAgain(restartedHub(), port);
            return CompletableFuture.completedFuture(System.nanoTime());
        }
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        hubs.startAgain(restartedHub(), port);
                        return System.nanoTime();
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                },
                r -> new Thread(r, "fleet-bench-hub-restart").start());
    }

    /** Said after the storm's registrations: the connections per hub. */
    String afterStorm() throws Exception {
        return several ? "; connections per hub " + hubs.connections() : "";
    }

    /** After the hub is up again: how long it took to close and to start again (nothing to say with one). */
    void logRestart(String bench, long closingNanos, long restartedNanos, long startedAgainNanos) throws Exception {
        if (several) {
            System.err.printf(
                    "%s: hub %s closed in %.1f s, started again (joined the cluster) %.1f s later;"
                            + " connections per hub now %s%n",
                    bench,
                    hubs.name(restartedHub()),
                    (restartedNanos - closingNanos) / 1e9,
                    (startedAgainNanos - restartedNanos) / 1e9,
                    hubs.connections());
        }
    }

    /** Whose view holds the events after the restart. */
    String viewAfterRestart() {
        return several ? "cluster's" : "new hub's";
    }

    /** The storm's figure. */
    String stormFigure(int agents, int moving) {
        return several
                ? String.format(
                        "reconnection storm after restarting one of %d hubs: its %,d agents back (to it or another"
                                + " hub) and each of the %,d registered once cluster-wide, s (target < 60 s)",
                        hubs.count(), moving, agents)
                : String.format(
                        "reconnection storm after a hub restart: all %,d agents back and registered once, s (target"
                                + " < 60 s)",
                        agents);
    }

    /** The figure of the events' check after the restart. */
    String afterRestartFigure(long events) {
        return String.format(
                several
                        ? "after the restart: all %,d events still in the cluster's view, each once (nothing lost), s"
                        : "after the restart: all %,d events delivered again to the new hub's empty view (nothing"
                                + " lost), s",
                events);
    }
}
