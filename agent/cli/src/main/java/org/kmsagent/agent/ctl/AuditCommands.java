package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.audit.AuditQuery;
import org.kmsagent.agent.command.WholeNumberOption;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.text.Table;
import org.kmsagent.agent.fleet.FleetAddresses;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ctl audit} (an agent's audit log) and {@code ctl --hub … fleet audit} (a hub's own log with its agents'
 * forwarded records). Both need an admin token, and reading is itself recorded. See {@code docs/audit.md}.
 */
final class AuditCommands {
    private AuditCommands() {}

    private static final Pattern SHORT = Pattern.compile("(\\d{1,6})([smhd])");

    /** The options both commands take. */
    static final class Window {
        @Option(
                names = "--since",
                paramLabel = "DURATION|TIME",
                description =
                        "Only records from this long ago (30m, 24h, 7d) or since this time (2026-11-28T12:00:00Z).")
        String since;

        /** As many records as one request may ask for ({@link AuditQuery}). */
        static final WholeNumberOption LIMIT = new WholeNumberOption("--limit", "", 1, AuditQuery.MAX_LIMIT);

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec command;

        int limit;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "" + AuditQuery.DEFAULT_LIMIT,
                description =
                        "At most the N newest records (1-" + AuditQuery.MAX_LIMIT + ", default ${DEFAULT-VALUE}).")
        void limit(String text) {
            limit = LIMIT.read(command, text);
        }

        /** The request body, or a usage error naming the option. */
        JsonObject body(CommandLine cl, Instant now) {
            JsonObject body = new JsonObject().put("limit", limit);
            if (since != null) {
                // Whole seconds: what a person asks for, and what the record of this read then shows.
                body.put(
                        "since",
                        since(cl, since.strip(), now)
                                .truncatedTo(ChronoUnit.SECONDS)
                                .toString());
            }
            return body;
        }

        private static Instant since(CommandLine cl, String text, Instant now) {
            Matcher m = SHORT.matcher(text.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                Duration d = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return now.minus(d);
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(
                        cl,
                        "--since: expected a duration (30m, 24h, 7d) or a time " + "(2026-11-28T12:00:00Z), got '"
                                + BoundedInput.shown(text) + "'");
            }
        }
    }

    @Command(
            name = "audit",
            description = "The agent's audit log: who did what, from where, when, and how it ended (admin token).")
    static final class Agent extends CtlSubcommand {
        @CommandLine.Mixin
        Window window;

        @Override
        String insteadOfRouting() {
            return "; what agents forwarded to the hub is 'fleet audit --agent AGENT_ID'";
        }

        @Override
        public Integer call() {
            return request(
                    BusAddresses.AUDIT,
                    window.body(spec.commandLine(), Instant.now()),
                    (reply, out) -> print(out, reply, false));
        }
    }

    @Command(name = "audit", description = "The hub's audit log and the records its agents forwarded (admin token).")
    static final class Fleet extends CtlSubcommand {
        @CommandLine.Mixin
        Window window;

        @Option(names = "--agent", paramLabel = "AGENT_ID", description = "Only the records this agent forwarded.")
        String agent;

        @Override
        String insteadOfRouting() {
            return "; one agent's forwarded records are 'fleet audit --agent AGENT_ID'";
        }

        @Override
        public Integer call() {
            JsonObject body = window.body(spec.commandLine(), Instant.now());
            if (agent != null) {
                if (!FleetConfig.AGENT_ID.matcher(agent).matches()) {
                    // ctl's own --agent HOST:PORT typed after 'fleet audit' lands here: said, rather than dialling
                    // the default address while filtering on an id no agent has.
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "--agent: after 'fleet audit' it is the id of the agent whose records to show ("
                                    + FleetConfig.AGENT_ID_RULE + "), got '" + BoundedInput.shown(agent)
                                    + "'; the hub's address goes before the command: ctl --hub HOST:PORT fleet audit");
                }
                body.put("agent", agent);
            }
            return request(FleetAddresses.AUDIT, body, (reply, out) -> print(out, reply, true));
        }
    }

    static void print(PrintWriter out, JsonObject reply, boolean origin) {
        Table t = origin
                ? new Table("ORIGIN", "AT", "ACTOR", "SOURCE", "ACTION", "TARGET", "RESULT")
                : new Table("AT", "ACTOR", "SOURCE", "ACTION", "TARGET", "RESULT");
        JsonArray records = reply.getJsonArray("records", new JsonArray());
        records.forEach(o -> {
            JsonObject r = (JsonObject) o;
            String result = r.getString("result")
                    + (r.getString("reason") == null ? "" : ": " + r.getString("reason"))
                    + (r.getValue("code") == null ? "" : " (" + r.getValue("code") + ")");
            String actor = r.getString("actor")
                    + (r.getString("subject") == null || r.getString("subject").equals(r.getString("actor"))
                            ? ""
                            : " [" + r.getString("subject") + "]");
            Object[] cells = {
                CtlSubcommand.shownTime(r.getString("at")),
                actor,
                r.getString("source"),
                r.getString("action"),
                target(r.getJsonObject("target", new JsonObject())),
                result
            };
            if (origin) {
                Object[] withOrigin = new Object[cells.length + 1];
                withOrigin[0] = r.getString("origin");
                System.arraycopy(cells, 0, withOrigin, 1, cells.length);
                t.row(withOrigin);
            } else {
                t.row(cells);
            }
        });
        t.print(out);
        out.println(records.size() + " record(s)"
                + (reply.getInteger("skipped", 0) > 0
                        ? "; " + reply.getInteger("skipped") + " damaged line(s) skipped"
                        : ""));
    }

    private static String target(JsonObject target) {
        StringBuilder sb = new StringBuilder();
        target.forEach(e -> sb.append(sb.isEmpty() ? "" : " ")
                .append(e.getKey())
                .append('=')
                .append(e.getValue()));
        return sb.toString();
    }
}
