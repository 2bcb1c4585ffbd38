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
sealed interface HubLayout permits HubLayout.OneHub, HubLayout.SeveralHubs {

    static HubLayout of(BenchHubs hubs) {
        return hubs.count() == 1 ? new OneHub(hubs) : new SeveralHubs(hubs);
    }

    /** After the agents connected: says how they spread over the hubs (nothing to say with one). */
    void logConnections(String bench) throws Exception;

    /** The agents the first hub's memory growth is divided by: all of them, or those connected to it. */
    int firstHubAgents(int agents);

    /** Where the agents registered, for the log (" across 2 hubs"). */
    String acrossHubs();

    /** The first hub's name after "hub" in the log (" bench-hub-a"). */
    String firstHubName();

    /** Over how many agents the first hub's growth was measured, for the log (" of its 5,000"). */
    String ofItsOwn(int own);

    /** Where the fan-out was asked, for its figure. */
    String fanOutWhere();

    /** Which hub's heap, in which process, over which agents, for the heap figure. */
    String heapWhere(int own);

    /** Which hub the direct and resident memory figures are of (" at hub bench-hub-a"). */
    String atFirstHub();

    /** Who stored the events, for the ingest figure (" by 2 hubs"). */
    String ingestBy();

    /** What the ingest target is counted per (" per hub"). */
    String ingestTargetPer();

    /** Whether each hub's share of the ingest gets a figure of its own. */
    boolean ingestPerHub();

    /** The hub the storm restarts: the only one, or the last. */
    int restartedHub();

    /** The agents that must register again after the restart (read before it): null for all of them. */
    Set<String> movingAgents() throws Exception;

    /**
     * The storm's clock: from the restart with one hub (no agent can come back before); from the close with several,
     * as the agents fail over to the others while it closes and starts again.
     */
    long stormSince(long closingNanos, long restartedNanos);

    /**
     * Starts the restarted hub again on its bridge port; with one hub before it returns, with several beside the wait for the agents, so that
     * its own time (joining the cluster) is not counted when the agents were back before it. The future gives the
     * {@link System#nanoTime()} it was up again.
     */
    CompletableFuture<Long> startAgain(int port) throws Exception;

    /** Said after the storm's registrations: the connections per hub (nothing with one). */
    String afterStorm() throws Exception;

    /** After the hub is up again: how long it took to close and to start again (nothing to say with one). */
    void logRestart(String bench, long closingNanos, long restartedNanos, long startedAgainNanos) throws Exception;

    /** Whose view holds the events after the restart. */
    String viewAfterRestart();

    /** The storm's figure. */
    String stormFigure(int agents, int moving);

    /** The figure of the events' check after the restart. */
    String afterRestartFigure(long events);

    /** One hub in this process: all agents on it, restarted in place. */
    record OneHub(BenchHubs hubs) implements HubLayout {
        @Override
        public void logConnections(String bench) {}

        @Override
        public int firstHubAgents(int agents) {
            return agents;
        }

        @Override
        public String acrossHubs() {
            return "";
        }

        @Override
        public String firstHubName() {
            return "";
        }

        @Override
        public String ofItsOwn(int own) {
            return "";
        }

        @Override
        public String fanOutWhere() {
            return "";
        }

        @Override
        public String heapWhere(int own) {
            return "";
        }

        @Override
        public String atFirstHub() {
            return "";
        }

        @Override
        public String ingestBy() {
            return "";
        }

        @Override
        public String ingestTargetPer() {
            return "";
        }

        @Override
        public boolean ingestPerHub() {
            return false;
        }

        @Override
        public int restartedHub() {
            return 0;
        }

        @Override
        public Set<String> movingAgents() {
            return null;
        }

        @Override
        public long stormSince(long closingNanos, long restartedNanos) {
            return restartedNanos;
        }

        @Override
        public CompletableFuture<Long> startAgain(int port) throws Exception {
            hubs.startAgain(restartedHub(), port);
            return CompletableFuture.completedFuture(System.nanoTime());
        }

        @Override
        public String afterStorm() {
            return "";
        }

        @Override
        public void logRestart(String bench, long closingNanos, long restartedNanos, long startedAgainNanos) {}

        @Override
        public String viewAfterRestart() {
            return "new hub's";
        }

        @Override
        public String stormFigure(int agents, int moving) {
            return String.format(
                    "reconnection storm after a hub restart: all %,d agents back and registered once, s (target < 60 s)",
                    agents);
        }

        @Override
        public String afterRestartFigure(long events) {
            return String.format(
                    "after the restart: all %,d events delivered again to the new hub's empty view (nothing lost), s",
                    events);
        }
    }

    /** Several hubs in one cluster: the first in this process, each other one in a process of its own. */
    record SeveralHubs(BenchHubs hubs) implements HubLayout {
        @Override
        public void logConnections(String bench) throws Exception {
            System.err.printf("%s: connections per hub: %s%n", bench, hubs.connections());
        }

        @Override
        public int firstHubAgents(int agents) {
            return hubs.get(0).connections();
        }

        @Override
        public String acrossHubs() {
            return " across " + hubs.count() + " hubs";
        }

        @Override
        public String firstHubName() {
            return " " + hubs.name(0);
        }

        @Override
        public String ofItsOwn(int own) {
            return String.format(" of its %,d", own);
        }

        @Override
        public String fanOutWhere() {
            return " on " + hubs.count() + " hubs, asked at one (the others' agents by relay)";
        }

        @Override
        public String heapWhere(int own) {
            return " at hub " + hubs.name(0) + ", in the benchmark's process (its growth over its own "
                    + String.format("%,d", own) + " agents)";
        }

        @Override
        public String atFirstHub() {
            return " at hub " + hubs.name(0);
        }

        @Override
        public String ingestBy() {
            return " by " + hubs.count() + " hubs";
        }

        @Override
        public String ingestTargetPer() {
            return " per hub";
        }

        @Override
        public boolean ingestPerHub() {
            return true;
        }

        @Override
        public int restartedHub() {
            return hubs.count() - 1;
        }

        @Override
        public Set<String> movingAgents() throws Exception {
            return FleetViewCheck.agentsOf(hubs.get(0), hubs.name(restartedHub()));
        }

        @Override
        public long stormSince(long closingNanos, long restartedNanos) {
            return closingNanos;
        }

        @Override
        public CompletableFuture<Long> startAgain(int port) {
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

        @Override
        public String afterStorm() throws Exception {
            return "; connections per hub " + hubs.connections();
        }

        @Override
        public void logRestart(String bench, long closingNanos, long restartedNanos, long startedAgainNanos)
                throws Exception {
            System.err.printf(
                    "%s: hub %s closed in %.1f s, started again (joined the cluster) %.1f s later;"
                            + " connections per hub now %s%n",
                    bench,
                    hubs.name(restartedHub()),
                    (restartedNanos - closingNanos) / 1e9,
                    (startedAgainNanos - restartedNanos) / 1e9,
                    hubs.connections());
        }

        @Override
        public String viewAfterRestart() {
            return "cluster's";
        }

        @Override
        public String stormFigure(int agents, int moving) {
            return String.format(
                    "reconnection storm after restarting one of %d hubs: its %,d agents back (to it or another hub)"
                            + " and each of the %,d registered once cluster-wide, s (target < 60 s)",
                    hubs.count(), moving, agents);
        }

        @Override
        public String afterRestartFigure(long events) {
            return String.format(
                    "after the restart: all %,d events still in the cluster's view, each once (nothing lost), s",
                    events);
        }
    }
}
