package org.kmsagent.agent.bench;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.ctl.BridgeClient;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * The fan-out phase: one {@code kmsagent.status} query routed through the hub to every agent, against the same query
 * routed to one agent, round after round.
 *
 * @param all each completed round's time to every agent, ms
 * @param one each completed round's time to one agent, ms
 * @param rounds the rounds asked for ({@code all.length} of them were answered by every agent)
 */
record StatusFanOut(double[] all, double[] one, int rounds) {

    /**
     * Runs the rounds after a first fan-out that also warms up (first publish, JIT). A round that not every agent
     * answered ends the phase: with {@code goOn} (the scale run, which goes on to ingest and the storm) the figure says
     * how far it got; otherwise it fails the run.
     */
    static StatusFanOut measure(String bench, BridgeClient ctl, int agents, int rounds, boolean goOn) throws Exception {
        double[] all = new double[rounds];
        double[] one = new double[rounds];
        int done = 0;
        try {
            System.err.printf(
                    "%s: first fan-out to all %,d agents: %.0f ms%n", bench, agents, routed(ctl, null, agents));
            routed(ctl, "a1", 1);
            for (; done < rounds; done++) {
                all[done] = routed(ctl, null, agents);
                one[done] = routed(ctl, "a" + (1 + done % agents), 1);
            }
        } catch (IllegalStateException e) {
            if (!goOn) {
                throw e;
            }
            System.err.printf("%s: fan-out round %d of %d failed: %s%n", bench, done + 1, rounds, e.getMessage());
        }
        return new StatusFanOut(Arrays.copyOf(all, done), Arrays.copyOf(one, done), rounds);
    }

    /** The rounds every agent answered. */
    int done() {
        return all.length;
    }

    /**
     * One routed status query; returns its wall time in ms, after checking every expected agent answered. A query to
     * one agent is tried up to three times: with thousands of agents on a loaded machine, the one asked may be between
     * two connections (its link reconnects after a missed heartbeat).
     */
    private static double routed(BridgeClient ctl, String target, int expected) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return routedOnce(ctl, target, expected);
            } catch (IllegalStateException e) {
                if (target == null || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static double routedOnce(BridgeClient ctl, String target, int expected) throws Exception {
        JsonObject body = new JsonObject().put("address", BusAddresses.STATUS).put("deadlineMs", 30_000);
        if (target != null) {
            body.put("target", target);
        }
        long t0 = System.nanoTime();
        JsonObject report = ctl.request(FleetAddresses.ROUTE_QUERY, body);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (target == null) {
            // The hub's own time, from the query's arrival to its report: the rest is the report's way to the asker.
            System.err.printf(
                    "fan-out to all: %,.0f ms, of which the hub's own %,d ms%n", ms, report.getLong("elapsedMs", -1L));
        }
        int answered = report.getJsonArray("answered").size();
        if (answered != expected) {
            throw new IllegalStateException(
                    "fan-out: " + answered + " of " + expected + " agents answered; not answered: "
                            + report.getJsonArray("notAnswered").size());
        }
        return ms;
    }
}
