package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.kmsagent.agent.command.GlobalOptions;
import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.command.WholeNumberOption;
import org.kmsagent.agent.core.OutputFile;
import org.kmsagent.agent.core.text.Table;
import org.kmsagent.agent.fleet.FleetAddresses;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kms-agent ctl --hub HOST:PORT fleet}: the fleet view a hub keeps (every agent, its products and state), and
 * its forecasts. Subcommands: {@code expiring}, {@code pools}, {@code duplicates}, {@code history}, and for watched
 * genuine KMS hosts {@code hosts} and {@code clients}, {@code audit}, and for administrators {@code snapshot},
 * {@code enroll}, {@code revoke} and {@code forget}. Exit codes as
 * for ctl.
 */
@Command(
        name = "fleet",
        description = "The fleet view of a hub (--hub): agents, expiring activations, pools, "
                + "duplicated CMIDs, histories.",
        subcommands = {
            FleetCommands.Expiring.class,
            FleetCommands.Pools.class,
            FleetCommands.Duplicates.class,
            FleetCommands.History.class,
            FleetCommands.Hosts.class,
            FleetCommands.Clients.class,
            FleetCommands.Snapshot.class,
            FleetCommands.Enroll.class,
            FleetCommands.Revoke.class,
            FleetCommands.Forget.class,
            AuditCommands.Fleet.class,
        })
final class FleetCommands extends CtlSubcommand {
    @Override
    public Integer call() {
        return request(FleetAddresses.VIEW, new JsonObject(), (reply, out) -> {
            Table t = new Table("AGENT", "HOST", "OS", "HUB", "CONNECTED", "LAST SEEN", "PRODUCTS");
            JsonArray agents = reply.getJsonArray("agents", new JsonArray());
            agents.forEach(o -> {
                JsonObject a = (JsonObject) o;
                t.row(
                        a.getString("agentId"),
                        a.getString("hostName"),
                        a.getString("osClass"),
                        a.getString("hub"),
                        a.getBoolean("connected", false) ? "yes" : "NO",
                        shownTime(a.getString("lastSeen")),
                        products(a.getJsonArray("products", new JsonArray())));
            });
            t.print(out);
            out.println(agents.size() + " agent(s)");
        });
    }

    /** "2 LICENSED, 1 INITIAL_GRACE". */
    private static String products(JsonArray products) {
        Map<String, Integer> byStatus = new TreeMap<>();
        products.forEach(p -> byStatus.merge(((JsonObject) p).getString("status", "?"), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        byStatus.forEach((s, n) -> parts.add(n + " " + s));
        return parts.isEmpty() ? "none reported" : String.join(", ", parts);
    }

    /** The longest window a hub forecasts (its {@code days} and {@code horizonDays}: ten years). */
    static final int MAX_DAYS = 3650;

    @Command(
            name = "expiring",
            description =
                    "Machines whose activation runs out within --days, with the cause of " + "their failed renewals.")
    static final class Expiring extends CtlSubcommand {
        static final WholeNumberOption DAYS = new WholeNumberOption("--days", "days", 0, MAX_DAYS);

        int days;

        @Option(
                names = "--days",
                defaultValue = "30",
                paramLabel = "DAYS",
                description = "The window in days, 0-" + MAX_DAYS + " (default ${DEFAULT-VALUE}).")
        void days(String text) {
            days = DAYS.read(spec, text);
        }

        @Override
        public Integer call() {
            return request(FleetAddresses.EXPIRING, new JsonObject().put("days", days), (reply, out) -> {
                Table t = new Table("AGENT", "HOST", "FAMILY", "PRODUCT", "VALID UNTIL", "DAYS LEFT", "CAUSE");
                JsonArray list = reply.getJsonArray("expiring", new JsonArray());
                list.forEach(o -> {
                    JsonObject e = (JsonObject) o;
                    t.row(
                            e.getString("agentId"),
                            e.getString("hostName"),
                            e.getString("family"),
                            e.getString("product"),
                            shownTime(e.getString("validUntil")),
                            e.getValue("daysLeft"),
                            e.getString("cause"));
                });
                t.print(out);
                out.println(list.size() + " product(s) expire within " + days + " days");
            });
        }
    }

    @Command(
            name = "pools",
            description = "Each KMS host's pools against their thresholds, and when each is "
                    + "projected to cross its threshold.")
    static final class Pools extends CtlSubcommand {
        static final WholeNumberOption HORIZON_DAYS = new WholeNumberOption("--horizon-days", "days", 1, MAX_DAYS);

        int horizonDays;

        @Option(
                names = "--horizon-days",
                defaultValue = "90",
                paramLabel = "DAYS",
                description = "How far to project, in days, 1-" + MAX_DAYS + " (default ${DEFAULT-VALUE}).")
        void horizonDays(String text) {
            horizonDays = HORIZON_DAYS.read(spec, text);
        }

        @Override
        public Integer call() {
            return request(FleetAddresses.POOLS, new JsonObject().put("horizonDays", horizonDays), (reply, out) -> {
                Table t = new Table(
                        "HOST", "APPLICATION", "FAMILY", "COUNT", "CLASS", "NEEDS", "MET", "ARRIVALS/DAY", "FORECAST");
                JsonArray hosts = reply.getJsonArray("hosts", new JsonArray());
                hosts.forEach(h -> {
                    JsonObject host = (JsonObject) h;
                    host.getJsonArray("pools", new JsonArray()).forEach(p -> {
                        JsonObject pool = (JsonObject) p;
                        pool.getJsonArray("thresholds", new JsonArray()).forEach(x -> {
                            JsonObject f = (JsonObject) x;
                            boolean met = f.getBoolean("met", false);
                            String at = shownTime(f.getString("crossesAt"));
                            t.row(
                                    host.getString("agentId"),
                                    pool.getString("applicationId"),
                                    pool.getString("family"),
                                    f.getInteger("count"),
                                    f.getString("thresholdClass"),
                                    f.getInteger("required"),
                                    met ? "yes" : "NO",
                                    String.format("%.2f", f.getDouble("arrivalsPerDay", 0.0)),
                                    at == null
                                            ? (met
                                                    ? "stays met for " + horizonDays + " days"
                                                    : "not reached in " + horizonDays + " days at the arrivals seen")
                                            : (met ? "drops below on " : "reaches it on ") + at);
                        });
                    });
                });
                t.print(out);
                // As the other fleet views end: a fleet without a KMS host printed a header alone.
                out.println(hosts.size() + " KMS host(s) in the fleet");
            });
        }
    }

    @Command(name = "duplicates", description = "Machines sharing one CMID (cloned without sysprep /generalize).")
    static final class Duplicates extends CtlSubcommand {
        @Override
        public Integer call() {
            return request(FleetAddresses.DUPLICATES, new JsonObject(), (reply, out) -> {
                Table t = new Table("CMID", "MACHINES");
                JsonArray list = reply.getJsonArray("duplicates", new JsonArray());
                list.forEach(o -> {
                    JsonObject d = (JsonObject) o;
                    t.row(d.getString("cmid"), names(d.getJsonArray("machines")));
                });
                t.print(out);
                out.println(list.size() + " shared CMID(s)");
            });
        }
    }

    @Command(name = "history", description = "One machine's activation history, oldest first.")
    static final class History extends CtlSubcommand {
        @Option(names = "--target", paramLabel = "AGENT_ID", description = "The agent (required).")
        String target;

        @Override
        String insteadOfRouting() {
            return "; one agent's history is 'fleet history --target AGENT_ID', the option after the command";
        }

        @Override
        public Integer call() {
            if (target == null) {
                // Not picocli's required check: '--target ID fleet history' set ctl's routing option, and "missing
                // --target" would contradict what was typed; execute() says where the option goes.
                if (ctl().target == null && !ctl().allAgents) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "Missing required option: '--target=AGENT_ID'");
                }
            }
            return request(FleetAddresses.HISTORY, new JsonObject().put("target", target), (reply, out) -> {
                Table t = new Table("SEQ", "AT", "TYPE", "WHAT");
                reply.getJsonArray("history", new JsonArray()).forEach(o -> {
                    JsonObject e = (JsonObject) o;
                    t.row(e.getValue("seq"), shownTime(e.getString("at")), e.getString("type"), EventSummary.of(e));
                });
                t.print(out);
                long earlier = reply.getLong("earlier", 0L);
                if (earlier > 0) {
                    // The hubs keep each agent's newest events (docs/fleet.md, "Sizing").
                    out.printf(
                            "%,d earlier event(s) of %s are no longer kept by the hubs; the agent's own log has them%n",
                            earlier, reply.getString("agentId"));
                }
            });
        }
    }

    @Command(
            name = "hosts",
            description = "Each watched genuine KMS host: its counts against each threshold, the clients its log "
                    + "named, unmanaged clients, clones (one CMID, several names) and agents it never logged.")
    static final class Hosts extends CtlSubcommand {
        @Override
        public Integer call() {
            return request(FleetAddresses.HOSTS, new JsonObject(), (reply, out) -> {
                JsonArray hosts = reply.getJsonArray("hosts", new JsonArray());
                for (Object o : hosts) {
                    JsonObject h = (JsonObject) o;
                    out.println("host " + h.getString("host") + " (agent " + h.getString("agentId") + ", "
                            + GenuineServiceLines.logRead(h) + ")");
                    if (h.getString("eventLogError") != null) {
                        out.println("  event log: " + h.getString("eventLogError"));
                    }
                    GenuineServiceLines.countsTable(h).print(out);
                    if (h.getString("countersError") != null) {
                        out.println("  service counters: " + h.getString("countersError"));
                    }
                    GenuineServiceLines.print(h, out);
                    out.println("  " + h.getInteger("clients", 0) + " client(s) logged in 30 days; unmanaged: "
                            + names(h.getJsonArray("unmanaged", new JsonArray())));
                    h.getJsonArray("clones", new JsonArray())
                            .forEach(c -> out.println("  clone: CMID " + ((JsonObject) c).getString("cmid")
                                    + " logged as " + names(((JsonObject) c).getJsonArray("names"))));
                    h.getJsonArray("missing", new JsonArray())
                            .forEach(m -> out.println("  never logged: "
                                    + ((JsonObject) m).getString("hostName") + " (agent "
                                    + ((JsonObject) m).getString("agentId") + ") "
                                    + ((JsonObject) m).getString("reason")));
                }
                out.println(hosts.size() + " watched host(s)");
            });
        }
    }

    @Command(
            name = "clients",
            description = "Every client the watched KMS hosts logged in 30 days, with its agent if it has one.")
    static final class Clients extends CtlSubcommand {
        @Option(names = "--unmanaged", description = "Only the clients with no agent.")
        boolean unmanaged;

        @Override
        public Integer call() {
            return request(FleetAddresses.CLIENTS, new JsonObject().put("unmanaged", unmanaged), (reply, out) -> {
                Table t = new Table("HOST", "CLIENT", "CMID", "STATE", "LAST REQUEST", "NEEDS", "AGENT", "CLONE");
                JsonArray list = reply.getJsonArray("clients", new JsonArray());
                list.forEach(o -> {
                    JsonObject c = (JsonObject) o;
                    t.row(
                            c.getString("host"),
                            c.getString("name"),
                            c.getString("cmid"),
                            c.getString("licenseState"),
                            c.getString("lastRequest"),
                            c.getInteger("requiredCount"),
                            c.getString("agentId") == null ? "none" : c.getString("agentId"),
                            c.getBoolean("clone", false) ? "yes" : "");
                });
                t.print(out);
                out.println(list.size() + (unmanaged ? " unmanaged" : "") + " client(s)");
            });
        }
    }

    // Names the SKUs of clients without an agent from the plugins here: kms-agent --plugins-dir DIR ctl ... snapshot.
    @TakesGlobalOptions
    @Command(
            name = "snapshot",
            description = "Writes the fleet as it is now as a scenario file for 'kms-agent simulate' (what-if): every "
                    + "agent's machine with its products, their state and KMS setting, every client a watched host logged "
                    + "without an agent, the watched hosts and their tables. Run it forward with 'kms-agent simulate --snapshot "
                    + "FILE' and changes (--outage, --retire, ...).")
    static final class Snapshot extends CtlSubcommand {
        @Option(
                names = "--out",
                required = true,
                paramLabel = "FILE",
                description = "The scenario file to write (JSON).")
        Path out;

        /** As {@code kms-agent simulate} takes a scenario's days. */
        static final WholeNumberOption DAYS =
                new WholeNumberOption("--days", "days", FleetSnapshot.MIN_DAYS, FleetSnapshot.MAX_DAYS);

        int days;

        @Option(
                names = "--days",
                defaultValue = "90",
                paramLabel = "DAYS",
                description = "How long the scenario runs, " + FleetSnapshot.MIN_DAYS + "-" + FleetSnapshot.MAX_DAYS
                        + " (default ${DEFAULT-VALUE}).")
        void days(String text) {
            days = DAYS.read(spec, text);
        }

        /**
         * A snapshot replaces an earlier snapshot, never another file: {@code --out worked-example.yaml} replaced the
         * scenario with the snapshot.
         */
        static final OutputFile.Kind SNAPSHOT = new OutputFile.Kind(
                "snapshot",
                "snapshot.json",
                "neither empty nor an earlier snapshot (a JSON scenario named \"" + FleetSnapshot.NAME
                        + "…\"), so it is not replaced",
                start -> start.matches("(?s)\\{\\s*\"name\"\\s*:\\s*\"" + FleetSnapshot.NAME + ".*"));

        @Override
        public Integer call() {
            // Before the hub is asked: a file that may not be written is a usage error, and nothing was fetched.
            Path target;
            try {
                target = OutputFile.target("--out", out, SNAPSHOT);
            } catch (OutputFile.Refused e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), (e.nameGiven() ? "--out " + out : "--out") + ": " + e.getMessage());
            }
            return execute((client, printer) -> {
                JsonObject view = client.request(FleetAddresses.VIEW, new JsonObject());
                JsonObject hosts = client.request(FleetAddresses.HOSTS, new JsonObject());
                JsonObject unmanaged = client.request(FleetAddresses.CLIENTS, new JsonObject().put("unmanaged", true));
                JsonObject clients = client.request(FleetAddresses.CLIENTS, new JsonObject());
                Map<String, String[]> bySku = skuNames(spec);
                FleetSnapshot.Result r = FleetSnapshot.scenario(view, hosts, unmanaged, clients, bySku, days);
                try {
                    Files.writeString(target, r.scenario().encodePrettily() + System.lineSeparator());
                } catch (IOException e) {
                    throw new CtlCommand.FileProblem("--out", out, e);
                }
                JsonObject written = new JsonObject()
                        .put("file", out.toString())
                        .put("machines", r.machines())
                        .put("hosts", r.hosts())
                        .put("leftOut", new JsonArray(List.copyOf(r.skipped())));
                if (ctl().printedJson(printer, written)) {
                    return 0;
                }
                printer.println("wrote " + out + ": " + r.machines() + " machine(s), " + r.hosts() + " host(s)"
                        + (r.skipped().isEmpty() ? "" : "; left out: " + String.join("; ", r.skipped())));
                // With no watched host the snapshot holds no host: simulate refuses an outage of one (docs/fleet.md).
                printer.println("run it with: kms-agent simulate --snapshot " + out
                        + (r.hosts() > 0
                                ? " (add changes, e.g. --outage 0+40)"
                                : " (add changes to its machines, e.g. --retire NAME@DAY); it holds no KMS host, as no"
                                        + " agent watches one (docs/fleet.md, \"Watched hosts\"), so it takes no"
                                        + " --outage, --remove-host-key or --remove-license-pack"));
                return 0;
            });
        }

        /** SKU id (lower case) to {family id, edition name}, from the plugins loaded here; empty without plugins. */
        private static Map<String, String[]> skuNames(CommandLine.Model.CommandSpec spec) {
            Map<String, String[]> out = new HashMap<>();
            if (!(spec.root().userObject() instanceof GlobalOptions g) || !Files.isDirectory(g.pluginsDirectory())) {
                return out;
            }
            // Under simulate --from-hub, the plugins simulate holds: loaded once for both.
            try (var plugins = g.loadPlugins()) {
                for (var f : plugins.host().registry().families()) {
                    for (var sku : f.catalog().skus()) {
                        sku.skuId()
                                .ifPresent(id -> out.putIfAbsent(
                                        id.toString().toLowerCase(Locale.ROOT), new String[] {f.id(), sku.name()}));
                    }
                }
            } catch (Exception e) {
                spec.commandLine()
                        .getErr()
                        .println("warning: plugins not read (" + e.getMessage() + "); clients without"
                                + " an agent are left out of the snapshot");
            }
            return out;
        }
    }

    private static String names(JsonArray names) {
        return names == null || names.isEmpty()
                ? "none"
                : String.join(", ", names.stream().map(String::valueOf).toList());
    }

    @Command(
            name = "enroll",
            description = "Issue an agent its own credential (admin token). The token is printed once: put it in that "
                    + "agent's fleet.token. Enrolling an agent again replaces its credential.")
    static final class Enroll extends CtlSubcommand {
        @CommandLine.Parameters(paramLabel = "AGENT-ID", description = "The agent's id (its fleet.agentId).")
        String agentId;

        @Override
        public Integer call() {
            return request(FleetAddresses.ENROLL, new JsonObject().put("agentId", agentId), (reply, out) -> {
                out.println(reply.getString("token"));
                note("agent " + agentId + " enrolled"
                        + (reply.getBoolean("replaced", false) ? " (its previous credential no longer works)" : "")
                        + "; the token (on standard output) is shown only now: set it as that agent's fleet.token");
            });
        }
    }

    @Command(
            name = "revoke",
            description = "Revoke an agent's credential (admin token): it is disconnected and refused from then on.")
    static final class Revoke extends CtlSubcommand {
        @CommandLine.Parameters(paramLabel = "AGENT-ID", description = "The agent's id.")
        String agentId;

        @Override
        public Integer call() {
            return request(
                    FleetAddresses.REVOKE,
                    new JsonObject().put("agentId", agentId),
                    (reply, out) -> out.println("agent " + agentId + " revoked: it can no longer connect to the hubs"));
        }
    }

    @Command(
            name = "forget",
            description = "Take a retired agent out of the fleet view (admin token): its record, history and forwarded"
                    + " audit records. Refused while it is connected.")
    static final class Forget extends CtlSubcommand {
        @CommandLine.Parameters(paramLabel = "AGENT-ID", description = "The agent's id.")
        String agentId;

        @Override
        public Integer call() {
            return request(
                    FleetAddresses.FORGET,
                    new JsonObject().put("agentId", agentId),
                    (reply, out) -> out.println("agent " + agentId
                            + " forgotten: it is no longer in the fleet view, its forecasts or the hubs' figures"));
        }
    }
}
