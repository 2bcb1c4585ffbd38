package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.math.BigDecimal;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * Runs any per-agent ctl command through a hub ({@code --hub H --target ID} or {@code --all-agents}) without the
 * command knowing: a dry run learns the request it makes, the hub fans it out, then the command runs once per
 * answering agent against that agent's reply, so each prints as it would against the agent itself. Agents that did
 * not answer by the deadline are named; the exit code is then 1.
 */
final class FleetRouting {
    private FleetRouting() {}

    /** The shortest {@code --deadline}: one millisecond, what the hub's {@code deadlineMs} takes at least. */
    static final double MIN_DEADLINE_SECONDS = 0.001;
    /** The longest {@code --deadline}: the hub's cap on {@code deadlineMs} (55,000 ms). */
    static final int MAX_DEADLINE_SECONDS = 55;

    /** The request a command made in its dry run. */
    private static final class Captured extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String address;
        final transient JsonObject body;

        Captured(String address, JsonObject body) {
            super(null, null, false, false);
            this.address = address;
            this.body = body;
        }
    }

    /**
     * Refuses routing options that cannot work together, before anything is dialled: a usage error is the same
     * whether the hub is up or not.
     *
     * @param deadlineGiven whether {@code --deadline} was typed (it has a default)
     * @throws IllegalArgumentException naming the option and what it takes
     */
    static void checkOptions(CtlCommand ctl, boolean deadlineGiven) {
        if (ctl.target != null && ctl.allAgents) {
            throw new IllegalArgumentException("give --target or --all-agents, not both");
        }
        if (deadlineGiven && ctl.target == null && !ctl.allAgents) {
            // Said rather than ignored: whoever typed it expects it to bound a wait that only a routed command has.
            throw new IllegalArgumentException(
                    "--deadline is how long a hub waits for agents: it goes with --target or --all-agents");
        }
        // The hub waits at most 55 s (its deadlineMs, 1-55000): said here in the unit and option the user typed.
        if (!(ctl.deadlineSeconds >= MIN_DEADLINE_SECONDS && ctl.deadlineSeconds <= MAX_DEADLINE_SECONDS)) {
            throw new IllegalArgumentException("--deadline: expected seconds from " + MIN_DEADLINE_SECONDS + " to "
                    + MAX_DEADLINE_SECONDS + " (the longest a hub waits for agents), got "
                    + BigDecimal.valueOf(ctl.deadlineSeconds)
                            .stripTrailingZeros()
                            .toPlainString());
        }
    }

    static int run(CtlCommand ctl, BridgeClient client, CtlCommand.Action action, PrintWriter out, PrintWriter err)
            throws BridgeFailure, IOException {
        Captured request;
        try {
            client.route((address, body) -> {
                throw new Captured(address, body);
            });
            return action.run(client, new PrintWriter(Writer.nullWriter()));
        } catch (Captured c) {
            request = c;
        } finally {
            client.route(null);
        }
        String via = BusAddresses.CHANGES.contains(request.address)
                ? FleetAddresses.ROUTE_CHANGE
                : FleetAddresses.ROUTE_QUERY;
        JsonObject routed = new JsonObject()
                .put("address", request.address)
                .put("body", request.body)
                .put("deadlineMs", Math.round(ctl.deadlineSeconds * 1000));
        if (ctl.target != null) {
            routed.put("target", ctl.target);
        }
        JsonObject report = client.request(via, routed);
        if (ctl.allAgents && ctl.printedJson(out, report)) {
            return report.getJsonArray("notAnswered", new JsonArray()).isEmpty() ? 0 : CtlCommand.ANSWERED_ERROR;
        }
        int worst = 0;
        for (Object o : report.getJsonArray("answered", new JsonArray())) {
            JsonObject a = (JsonObject) o;
            if (ctl.allAgents) {
                out.println("== " + a.getString("agentId") + " (" + a.getString("hostName") + ")");
            }
            client.route((address, body) -> {
                if (a.getBoolean("ok", false)) {
                    return a.getJsonObject("reply", new JsonObject());
                }
                throw new BridgeFailure(a.getInteger("code", 500), a.getString("message", "failed"));
            });
            try {
                worst = Math.max(worst, action.run(client, out));
            } catch (BridgeFailure f) {
                out.println(a.getString("agentId") + ": refused: " + f.getMessage() + " (code " + f.code() + ")");
                worst = Math.max(worst, CtlCommand.ANSWERED_ERROR);
            } finally {
                client.route(null);
            }
        }
        JsonArray silent = report.getJsonArray("notAnswered", new JsonArray());
        for (Object o : silent) {
            JsonObject s = (JsonObject) o;
            out.println("NOT ANSWERED: " + s.getString("agentId") + " (" + s.getString("hostName") + "): "
                    + s.getString("reason"));
        }
        if (!silent.isEmpty()) {
            worst = Math.max(worst, CtlCommand.ANSWERED_ERROR);
        }
        return worst;
    }
}
