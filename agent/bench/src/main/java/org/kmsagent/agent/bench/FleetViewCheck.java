package org.kmsagent.agent.bench;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.hub.HubServer;

/**
 * Reads and checks the fleet's view, the cluster map of agent records the hubs keep: who is registered, at which hub,
 * and how many events each acknowledged and keeps as history.
 */
final class FleetViewCheck {
    private FleetViewCheck() {}

    /**
     * Waits until the hubs hold {@code agents} connections in all and the cluster as many agent records (one per agent
     * id: a second registration of one agent rewrites its record), and every agent of {@code moving} (null: all) has
     * registered since {@code closing}; returns the seconds since {@code since}. The records' times are read only once
     * the counts are right (reading every record on every poll would load the hubs it measures).
     */
    static double awaitRegistered(
            BenchHubs hubs, int agents, Set<String> moving, Instant closing, long timeoutNanos, long since)
            throws Exception {
        var records = hubs.get(0)
                .vertx()
                .sharedData()
                .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                .await(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + timeoutNanos;
        int stale = -1;
        while (true) {
            int registered = records.size().await(30, TimeUnit.SECONDS);
            int connections = hubs.connectionCount();
            if (connections == agents && registered == agents) {
                if (moving == null) {
                    return (System.nanoTime() - since) / 1e9;
                }
                double s = (System.nanoTime() - since) / 1e9;
                stale = 0;
                for (var e : records.entries().await(60, TimeUnit.SECONDS).entrySet()) {
                    if (moving.contains(e.getKey())
                            && Instant.parse(e.getValue().getString("registeredAt"))
                                    .isBefore(closing)) {
                        stale++;
                    }
                }
                if (stale == 0) {
                    return s;
                }
            }
            if (registered > agents) {
                throw new IllegalStateException(
                        "reconnection storm: " + registered + " records for " + agents + " agents");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reconnection storm: after " + timeoutNanos / 1_000_000_000L + " s, "
                        + connections + " connections and " + registered + " of " + agents + " agents registered"
                        + (stale > 0 ? ", " + stale + " of the restarted hub's not registered again" : ""));
            }
            Thread.sleep(200); // the benchmark's own thread polling the hub's figures
        }
    }

    /** The agents whose record in the cluster's view names hub {@code hubName}. */
    static Set<String> agentsOf(HubServer any, String hubName) throws Exception {
        Set<String> ids = new HashSet<>();
        any.vertx()
                .sharedData()
                .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                .await(30, TimeUnit.SECONDS)
                .entries()
                .await(60, TimeUnit.SECONDS)
                .forEach((id, r) -> {
                    if (hubName.equals(r.getString("hub"))) {
                        ids.add(id);
                    }
                });
        return ids;
    }

    /**
     * Checks the hub's view: every agent's record acknowledges {@code acked} events in all (sum of lastSeq) and keeps
     * {@code historic} of them as history; throws otherwise.
     */
    static void checkView(HubServer hub, int agents, long acked, long historic) throws Exception {
        long[] sums = viewSums(hub);
        if (sums[0] != agents || sums[1] != acked || sums[2] != historic) {
            throw new IllegalStateException("the hub's view holds " + sums[0] + " agents, " + sums[1]
                    + " events acknowledged, " + sums[2] + " in history; expected " + agents + ", " + acked + ", "
                    + historic);
        }
    }

    /** {records, sum of lastSeq, sum of historyCount} in the hub's view. */
    static long[] viewSums(HubServer hub) throws Exception {
        var records = hub.vertx()
                .sharedData()
                .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                .await(30, TimeUnit.SECONDS)
                .entries()
                .await(60, TimeUnit.SECONDS);
        long acked = 0;
        long historic = 0;
        for (JsonObject r : records.values()) {
            acked += r.getLong("lastSeq", 0L);
            historic += r.getLong("historyCount", 0L);
        }
        return new long[] {records.size(), acked, historic};
    }

    /** Waits until the hub's view holds every event again (after a restart); returns the seconds since {@code since}. */
    static double awaitView(HubServer hub, int agents, long events, long timeoutNanos, long since) throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long[] sums = viewSums(hub);
            if (sums[1] >= events && sums[2] >= events) {
                double s = (System.nanoTime() - since) / 1e9;
                checkView(hub, agents, events, events); // once each: no more than written
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "after the restart, the view holds " + sums[1] + " of " + events + " events");
            }
            Thread.sleep(500); // the benchmark's own thread polling the hub's figures
        }
    }
}
