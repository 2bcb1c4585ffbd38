package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.command.WholeNumberOption;
import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.text.Table;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.ProductKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The ctl commands that query or drive one agent (or, through a hub, {@code --target} agent or {@code --all-agents}):
 * {@code status}, {@code host}, {@code activate}, {@code install-gvlk}, {@code set-kms}, {@code clear-kms},
 * {@code plugins} and {@code watch}. Exit codes as for ctl.
 */
final class AgentCommands {
    private AgentCommands() {}

    @Command(name = "status", description = "This machine's products and their activation state.")
    static final class Status extends RoutableSubcommand {
        @Override
        public Integer call() {
            return request(BusAddresses.STATUS, new JsonObject(), (reply, out) -> {
                Table t = new Table("FAMILY", "PRODUCT", "KEY", "STATUS", "KMS", "VALID UNTIL", "NEXT ATTEMPT", "LAST");
                reply.getJsonArray("products", new JsonArray()).forEach(o -> {
                    JsonObject p = (JsonObject) o;
                    t.row(
                            p.getString("family"),
                            p.getString("product"),
                            p.getString("partialKey") == null
                                    ? null
                                    : ProductKey.shownFromLastFive(p.getString("partialKey")),
                            p.getString("status"),
                            p.getString("kms"),
                            shownTime(p.getString("validUntil")),
                            shownTime(p.getString("nextAttempt")),
                            p.getString("lastResult"));
                });
                t.print(out);
                if (reply.getJsonArray("products", new JsonArray()).isEmpty()) {
                    // An agent over an empty plugins folder printed a bare header, as if all were well.
                    out.println("No product: the agent has no product family loaded, or none of its families' products"
                            + " is installed here ('ctl plugins' lists what is loaded).");
                }
                licensingCalls(reply.getJsonObject("licensingCalls")).ifPresent(out::println);
            });
        }

        /**
         * The status reply's {@code licensingCalls} as one line, when the agent abandoned a licensing call since
         * start: how many, of which kind, how many still hang, the last one and when.
         */
        static Optional<String> licensingCalls(JsonObject calls) {
            if (calls == null || (calls.getLong("timedOut", 0L) == 0 && calls.getInteger("stillHung", 0) == 0)) {
                return Optional.empty();
            }
            JsonObject byCall = calls.getJsonObject("byCall", new JsonObject());
            String kinds = byCall.fieldNames().stream()
                    .sorted((a, b) -> Long.compare(byCall.getLong(b), byCall.getLong(a)))
                    .map(k -> k + " " + byCall.getLong(k))
                    .collect(Collectors.joining(", "));
            return Optional.of("licensing calls: " + calls.getLong("timedOut") + " abandoned at their deadline ("
                    + calls.getLong("deadlineSeconds") + " s, activation " + calls.getLong("activationDeadlineSeconds")
                    + " s) since " + calls.getString("since") + (kinds.isEmpty() ? "" : ": " + kinds) + "; "
                    + calls.getInteger("stillHung") + " still not returned"
                    + (calls.getString("lastCall") == null
                            ? ""
                            : "; last: " + calls.getString("lastCall") + " at " + calls.getString("lastAt")));
        }
    }

    @Command(name = "host", description = "The KMS host model: counts per pool against thresholds, and its ledger.")
    static final class Host extends RoutableSubcommand {
        @Override
        public Integer call() {
            CtlCommand ctl = ctl();
            return execute((client, out) -> {
                JsonObject reply = client.request(BusAddresses.HOST_STATUS, new JsonObject());
                if (ctl.json) {
                    // The watched genuine host too (settings, counters, host keys), as the text below shows it.
                    watchedView(client).ifPresent(w -> reply.put("watchedHost", w));
                }
                if (!ctl.printedJson(out, reply)) {
                    Optional<JsonObject> watching = watchedView(client);
                    if (watching.isPresent() && !reply.getBoolean("enabled", false)) {
                        // host.mode: watch models nothing: its empty model tables and "host role: off" said the
                        // opposite of the banner's "KMS host role on, watching the genuine host".
                        out.println("host role: on, watching the genuine host (host.mode: watch; nothing modelled)");
                    } else {
                        printModel(reply, out);
                    }
                    if (watching.isPresent()) {
                        printWatched(watching.get(), out);
                    }
                }
                return 0;
            });
        }

        private static void printModel(JsonObject reply, PrintWriter out) {
            if (!reply.getBoolean("enabled", false)) {
                // No model: an empty pools table and "ledger: 0 client(s)" under it read as a host that counts none.
                out.println("host role: off (host.enabled: false)");
                return;
            }
            out.println("host role: on");
            Table pools = new Table("APPLICATION", "FAMILY", "COUNT", "THRESHOLDS");
            reply.getJsonArray("pools", new JsonArray()).forEach(o -> {
                JsonObject p = (JsonObject) o;
                StringBuilder th = new StringBuilder();
                p.getJsonArray("thresholds", new JsonArray()).forEach(x -> {
                    JsonObject c = (JsonObject) x;
                    th.append(th.isEmpty() ? "" : ", ")
                            .append(c.getString("thresholdClass"))
                            .append(' ')
                            .append(c.getInteger("required"))
                            .append(c.getBoolean("met", false) ? " met" : " not met");
                });
                if (th.isEmpty()) {
                    // A pool the ledger holds that no loaded family uses: its thresholds come from the families.
                    th.append("none (no loaded family uses this pool)");
                }
                pools.row(p.getString("applicationId"), p.getString("family"), p.getInteger("count"), th);
            });
            pools.print(out);
            JsonArray ledger = reply.getJsonArray("ledger", new JsonArray());
            out.println("ledger: " + ledger.size() + " client(s)");
            // The ledger counts CMIDs per pool, not per SKU (its entries' skuId is null): no SKU column of dashes.
            Table t = new Table("CMID", "APPLICATION", "LAST SEEN");
            ledger.forEach(o -> {
                JsonObject e = (JsonObject) o;
                t.row(e.getString("clientMachineId"), e.getString("applicationId"), shownTime(e.getString("lastSeen")));
            });
            if (!ledger.isEmpty()) {
                t.print(out);
            }
        }

        /** The genuine host this agent watches (host.mode: watch), if it watches one. */
        private static Optional<JsonObject> watchedView(BridgeClient client) throws IOException {
            JsonObject w;
            try {
                w = client.request(BusAddresses.HOST_WATCHED, new JsonObject());
            } catch (BridgeFailure e) {
                return Optional.empty(); // an agent without this address (older version)
            }
            return w.getBoolean("watching", false) ? Optional.of(w) : Optional.empty();
        }

        private static void printWatched(JsonObject w, PrintWriter out) {
            out.println("watching the genuine KMS host " + w.getString("hostName") + " ("
                    + GenuineServiceLines.logRead(w) + ")");
            if (w.getString("eventLogError") != null) {
                out.println("  event log: " + w.getString("eventLogError"));
            }
            if (w.getString("countersError") != null) {
                out.println("  service counters: " + w.getString("countersError"));
            }
            GenuineServiceLines.countsTable(w).print(out);
            GenuineServiceLines.print(w, out);
            JsonArray clients = w.getJsonArray("clients", new JsonArray());
            out.println("clients logged in 30 days: " + clients.size());
            Table t = new Table("CLIENT", "CMID", "STATE", "LAST REQUEST", "NEEDS", "REQUESTS");
            clients.forEach(o -> {
                JsonObject c = (JsonObject) o;
                t.row(
                        c.getString("name"),
                        c.getString("cmid"),
                        c.getString("licenseState"),
                        shownTime(c.getString("lastRequest")),
                        c.getInteger("requiredCount"),
                        c.getInteger("requests"));
            });
            if (!clients.isEmpty()) {
                t.print(out);
            }
        }
    }

    @Command(name = "activate", description = "Activates now, one family or all.")
    static final class Activate extends RoutableSubcommand {
        @Option(names = "--family", description = "Only this family (e.g. office2013).")
        String family;

        @Override
        public Integer call() {
            return requestAction(BusAddresses.ACTIVATE, new JsonObject().put("family", family));
        }
    }

    @Command(name = "install-gvlk", description = "Installs the GVLK matching the installed edition, or a given key.")
    static final class InstallGvlk extends RoutableSubcommand {
        @Option(names = "--family", description = "Only this family (required with --key).")
        String family;

        @Option(names = "--key", description = "Install this key instead of the catalog's GVLK.")
        String key;

        @Override
        public Integer call() {
            if (key != null && family == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--key needs --family");
            }
            return requestAction(
                    BusAddresses.INSTALL_GVLK,
                    new JsonObject().put("family", family).put("key", key));
        }
    }

    @Command(name = "set-kms", description = "Pins a KMS host (HOST[:PORT]) or switches to DNS discovery (--dns).")
    static final class SetKms extends RoutableSubcommand {
        @Option(names = "--family", description = "Only this family.")
        String family;

        @Option(names = "--dns", description = "Use DNS discovery (in DOMAIN, if given).")
        boolean dns;

        @Parameters(
                arity = "0..1",
                paramLabel = "HOST[:PORT] | DOMAIN",
                description = "The KMS host to pin (port " + KmsRules.DEFAULT_PORT
                        + " when left out; an IPv6 address in brackets), or with"
                        + " --dns the domain to look hosts up in (the machine's own when left out).")
        String target;

        @Override
        public Integer call() {
            JsonObject body = new JsonObject().put("family", family);
            if (dns) {
                body.put("dns", true).put("domain", domain());
            } else {
                KmsEndpoint.Pinned pinned = pinned();
                body.put("host", pinned.host()).put("port", pinned.port());
            }
            return request(
                    BusAddresses.KMS_SET,
                    body,
                    (reply, out) -> out.println("KMS for " + families(family) + ": " + reply.getString("kms")));
        }

        /**
         * DOMAIN after --dns (null: the machine's own), or a usage error before dialling, on the rule the agent
         * applies to every client's (as a host name is refused here too).
         */
        private String domain() {
            if (target == null) {
                return null;
            }
            String t = target.strip();
            Optional<String> problem = HostPort.domainProblem(t);
            if (problem.isPresent()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "'" + BoundedInput.shown(t) + "': " + problem.get());
            }
            return t;
        }

        /** HOST[:PORT] as given, or a usage error that says what to write instead. */
        private KmsEndpoint.Pinned pinned() {
            if (target == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give HOST[:PORT], or --dns [DOMAIN]");
            }
            String t = target.strip();
            Optional<String> problem = HostPort.endpointProblem(t);
            if (problem.isPresent()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "'" + BoundedInput.shown(t) + "': " + problem.get());
            }
            if (!(KmsEndpoint.parse(t) instanceof KmsEndpoint.Pinned pinned)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "use --dns for DNS discovery");
            }
            return pinned;
        }
    }

    @Command(name = "clear-kms", description = "Forgets the KMS endpoint (back to discovery in the machine's domain).")
    static final class ClearKms extends RoutableSubcommand {
        @Option(names = "--family", description = "Only this family.")
        String family;

        @Override
        public Integer call() {
            return request(
                    BusAddresses.KMS_CLEAR,
                    new JsonObject().put("family", family),
                    (reply, out) -> out.println("KMS for " + families(family) + ": cleared"));
        }
    }

    /** The families a KMS setting was changed for, as set-kms and clear-kms say it. */
    private static String families(String family) {
        return family == null ? "all families" : family;
    }

    @Command(name = "plugins", description = "Lists (the default), loads, unloads or rescans plugins.")
    static final class Plugins extends RoutableSubcommand {
        // 'ctl plugins' alone lists: an administrator's first try ('ctl --all-agents plugins') was a usage error.
        @Parameters(
                index = "0",
                arity = "0..1",
                defaultValue = "list",
                paramLabel = "list|load|unload|rescan",
                description = "list (the default): every plugin and its state; load JAR: a jar already in the agent's"
                        + " plugins folder, by file name or path; unload ID: a plugin by id; rescan: load what was"
                        + " added to the folder.")
        String verb;

        @Parameters(
                index = "1",
                arity = "0..1",
                paramLabel = "JAR|ID",
                description = "The jar of load, the plugin id of unload.")
        String argument;

        @Override
        public Integer call() {
            String address;
            JsonObject body = new JsonObject();
            switch (verb) {
                case "list" -> address = none(BusAddresses.PLUGINS_LIST);
                case "rescan" -> address = none(BusAddresses.PLUGINS_RESCAN);
                case "load" -> {
                    address = BusAddresses.PLUGINS_LOAD;
                    // A bare file name is the agent's to find in its plugins directory; a path is made absolute here.
                    body.put(
                            "path",
                            required("JAR") == null
                                    ? null
                                    : Path.of(argument).getParent() == null
                                            ? argument
                                            : Path.of(argument).toAbsolutePath().toString());
                }
                case "unload" -> {
                    address = BusAddresses.PLUGINS_UNLOAD;
                    body.put("id", required("ID"));
                }
                default ->
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "unknown plugins command '" + verb + "': expected list, load, unload or rescan");
            }
            return request(address, body, (reply, out) -> {
                JsonArray list =
                        reply.containsKey("plugins") ? reply.getJsonArray("plugins") : new JsonArray().add(reply);
                // One row per plugin id (the agent's list has one): a loaded plugin's NOTE names the jars of its id
                // that did not load; a FAILED one's is its failure, then the others'.
                Table t = new Table("ID", "VERSION", "STATE", "FAMILIES", "NOTE");
                list.forEach(o -> {
                    JsonObject p = (JsonObject) o;
                    JsonArray fams = p.getJsonArray("families", new JsonArray());
                    t.row(
                            p.getString("id"),
                            p.getString("version"),
                            p.getString("state"),
                            fams.isEmpty()
                                    ? null
                                    : String.join(
                                            ",",
                                            fams.stream().map(String::valueOf).toList()),
                            noteCell(p));
                });
                t.print(out);
                // A .zip or a folder in the plugins folder: told under the plugins, as no plugin of its own (none
                // failed).
                reply.getJsonArray("skipped", new JsonArray()).forEach(o -> {
                    JsonObject s = (JsonObject) o;
                    // The agent's words around a file name that whoever may write to the folder chose: its control
                    // characters escaped, as the table's cells are.
                    out.println("skipped: " + BoundedInput.escaped(s.getString("file") + ": " + s.getString("reason")));
                });
            });
        }

        /** A plugin's NOTE cell: its failure and its notes, in that order, or null for none. */
        private static String noteCell(JsonObject plugin) {
            List<String> parts = new ArrayList<>();
            if (plugin.getString("failure") != null) {
                parts.add(plugin.getString("failure"));
            }
            plugin.getJsonArray("notes", new JsonArray()).forEach(n -> parts.add(String.valueOf(n)));
            return parts.isEmpty() ? null : String.join("; ", parts);
        }

        /**
         * {@code address}, when no argument follows the verb: 'plugins rescan office2010' rescanned every jar, and
         * 'plugins list extra' listed, each as if the word were not there.
         */
        private String none(String address) {
            if (argument != null) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "plugins " + verb + " takes no argument, got '" + BoundedInput.shown(argument) + "'"
                                + (verb.equals("rescan")
                                        ? " (rescan loads every jar added to the folder; 'plugins"
                                                + " load JAR' loads one)"
                                        : ""));
            }
            return address;
        }

        private String required(String what) {
            if (argument == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "plugins " + verb + " needs " + what);
            }
            return argument;
        }
    }

    @Command(name = "watch", description = "Prints every event the agent publishes (activations, state changes).")
    static final class Watch extends CtlSubcommand {
        static final WholeNumberOption COUNT = new WholeNumberOption("--count", "events", 1, Integer.MAX_VALUE);

        Integer count;

        @Option(names = "--count", paramLabel = "N", description = "Stop after N events (default: until interrupted).")
        void count(String text) {
            count = COUNT.read(spec, text);
        }

        /** A hub routes requests, not event streams: it refused this (400) only after connecting. */
        @Override
        String insteadOfRouting() {
            return "; it prints the events of the agent ctl connects to: give that agent's --agent HOST:PORT, or read"
                    + " an agent's recent events through the hub with 'ctl --hub HOST:PORT fleet history --target"
                    + " AGENT_ID'";
        }

        @Override
        public Integer call() {
            CtlCommand ctl = ctl();
            return execute((client, out) -> {
                client.register(BusAddresses.EVENTS);
                note("watching " + BusAddresses.EVENTS + " on " + ctl.agent);
                for (int seen = 0; count == null || seen < count; seen++) {
                    JsonObject event = client.nextMessage().getJsonObject("body", new JsonObject());
                    if (ctl.json) {
                        out.println(event.encode());
                    } else {
                        out.println(
                                event.getString("at") + "  " + event.getString("type") + "  " + EventSummary.of(event));
                    }
                    out.flush();
                }
                return 0;
            });
        }
    }
}
