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
        JsonObject report = client.request(via(request.address), routed(ctl, request.address, request.body));
        // What an agent refused goes to standard error. With --json, standard output holds JSON only: who did not
        // answer goes to standard error too, also with --all-agents whose report holds them (a person reads them
        // there; a script reads the report).
        boolean jsonReport = ctl.allAgents && ctl.printedJson(out, report);
        PrintWriter shown = jsonReport ? new PrintWriter(Writer.nullWriter()) : out;
        PrintWriter notes = ctl.json ? err : out;
        int worst = 0;
        for (Object o : report.getJsonArray("answered", new JsonArray())) {
            JsonObject a = (JsonObject) o;
            if (ctl.allAgents) {
                shown.println("== " + a.getString("agentId") + " (" + a.getString("hostName") + ")");
            }
            client.route((address, body) -> {
                if (!address.equals(request.address)) {
                    return followUp(ctl, client, address, body);
                }
                if (a.getBoolean("ok", false)) {
                    return a.getJsonObject("reply", new JsonObject());
                }
                throw new BridgeFailure(a.getInteger("code", 500), a.getString("message", "failed"));
            });
            try {
                // Run as against the agent itself, with --json too: its exit code is the command's (an activation
                // that failed on some product is 1), which the report alone does not give.
                ctl.answeringAgent = a.getString("agentId");
                worst = Math.max(worst, action.run(client, shown));
            } catch (BridgeFailure f) {
                // On standard error, as a refusal from an agent asked directly is, and as fleet.md says: a script
                // reading the answers does not read an error as one; flushed first, so that a terminal shows it under
                // its agent's header.
                shown.flush();
                err.println(a.getString("agentId") + ": " + f.verdict() + ": " + f.getMessage() + " (code " + f.code()
                        + ")");
                err.flush();
                worst = Math.max(worst, CtlCommand.ANSWERED_ERROR);
            } finally {
                ctl.answeringAgent = null;
                client.route(null);
            }
        }
        JsonArray silent = report.getJsonArray("notAnswered", new JsonArray());
        for (Object o : silent) {
            JsonObject s = (JsonObject) o;
            // A change the agent got but answered too late was made all the same: the hub cannot tell.
            String unknown = via(request.address).equals(FleetAddresses.ROUTE_CHANGE) && s.getBoolean("asked", false)
                    ? " (the change may have been made all the same: ask with --target " + s.getString("agentId")
                            + " status)"
                    : "";
            notes.println("NOT ANSWERED: " + s.getString("agentId") + " (" + s.getString("hostName") + "): "
                    + s.getString("reason") + unknown);
        }
        if (!silent.isEmpty()) {
            worst = Math.max(worst, CtlCommand.ANSWERED_ERROR);
        }
        return worst;
    }

    private static String via(String address) {
        return BusAddresses.CHANGES.contains(address) ? FleetAddresses.ROUTE_CHANGE : FleetAddresses.ROUTE_QUERY;
    }

    private static JsonObject routed(CtlCommand ctl, String address, JsonObject body) {
        JsonObject routed = new JsonObject()
                .put("address", address)
                .put("body", body)
                .put("deadlineMs", Math.round(ctl.deadlineSeconds * 1000));
        if (ctl.target != null) {
            routed.put("target", ctl.target);
        }
        return routed;
    }

    /**
     * A command's second request ({@code host} asks for the host model, then the watched genuine host): routed to the
     * one target in turn; to all agents it is not (one fan-out per agent answered), and the command goes without it
     * as against an agent that lacks the address.
     */
    private static JsonObject followUp(CtlCommand ctl, BridgeClient client, String address, JsonObject body)
            throws BridgeFailure, IOException {
        if (ctl.target == null) {
            throw new BridgeFailure(404, "not routed to all agents: " + address);
        }
        JsonObject report = client.direct(via(address), routed(ctl, address, body));
        for (Object o : report.getJsonArray("answered", new JsonArray())) {
            JsonObject a = (JsonObject) o;
            if (a.getBoolean("ok", false)) {
                return a.getJsonObject("reply", new JsonObject());
            }
            throw new BridgeFailure(a.getInteger("code", 500), a.getString("message", "failed"));
        }
        throw new BridgeFailure(504, ctl.target + " did not answer " + address);
    }
}
