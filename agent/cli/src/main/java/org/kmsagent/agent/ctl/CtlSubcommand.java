package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import org.kmsagent.agent.bus.ActionResults;
import org.kmsagent.agent.core.text.Table;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A command below {@code ctl}, at any depth ({@code ctl status}, {@code ctl fleet pools}): it runs through ctl's
 * connection (the address, trust, token, timeout and routing options, wherever on the line they were given) and
 * prints each reply as JSON with {@code --json}, or as its own text. Each takes {@code --help} (picocli merges this
 * {@code @Command} into the subclass's).
 */
@Command(mixinStandardHelpOptions = true)
abstract class CtlSubcommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** How a command prints a reply as text, when {@code --json} did not ask for the reply itself. */
    @FunctionalInterface
    interface ReplyText {
        void print(JsonObject reply, PrintWriter out) throws BridgeFailure, IOException;
    }

    /** The {@code ctl} command this one is below: the options every ctl command connects and prints with. */
    final CtlCommand ctl() {
        CommandLine.Model.CommandSpec above = spec.parent();
        while (!(above.userObject() instanceof CtlCommand ctl)) {
            above = above.parent();
        }
        return ctl;
    }

    /** The names of ctl's commands a hub routes, as ctl declares them. */
    private static List<String> routableCommands(CtlCommand ctl) {
        return ctl.spec.subcommands().values().stream()
                .filter(c -> c.getCommand() instanceof RoutableSubcommand)
                .map(CommandLine::getCommandName)
                .distinct()
                .toList();
    }

    /** Whether a hub can route this command to agents ({@link RoutableSubcommand}). */
    boolean routable() {
        return false;
    }

    /** What to use instead of {@code --target}/{@code --all-agents} with this command, if anything (a usage hint). */
    String insteadOfRouting() {
        return "";
    }

    /**
     * Connects, runs {@code action}, and maps every outcome to ctl's exit codes. {@code --target} or {@code
     * --all-agents} with a command a hub does not route is a usage error before dialling: the hub refused it only
     * after connecting, naming its internal addresses.
     */
    final int execute(CtlCommand.Action action) {
        CtlCommand ctl = ctl();
        if (!routable() && (ctl.target != null || ctl.allAgents)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    spec.qualifiedName().replaceFirst("^\\S+ ctl ", "") + " does not go through a hub to agents:"
                            + " --target and --all-agents go with an agent's own commands ("
                            + String.join(", ", routableCommands(ctl)) + ")" + insteadOfRouting());
        }
        return ctl.execute(spec.commandLine(), action);
    }

    /** One request; its reply printed as JSON with {@code --json}, else by {@code text}. Exit 0 once answered. */
    final int request(String address, JsonObject body, ReplyText text) {
        CtlCommand ctl = ctl();
        return execute((client, out) -> {
            JsonObject reply = client.request(address, body);
            if (!ctl.printedJson(out, reply)) {
                text.print(reply, out);
            }
            return 0;
        });
    }

    /**
     * One request for an action on products ({@code activate}, {@code install-gvlk}): its {@code results} printed one
     * row a product; exit 1 when the action failed on any, or matched none: a script that asked for an action on
     * {@code --family windows-server} of a client must not read "done" when nothing was done. The rule is {@link
     * ActionResults#failure}'s, which the agent's audit record follows too.
     */
    final int requestAction(String address, JsonObject body) {
        CtlCommand ctl = ctl();
        return execute((client, out) -> {
            JsonObject reply = client.request(address, body);
            JsonArray results = reply.getJsonArray("results", new JsonArray());
            String failure = ActionResults.failure(new JsonObject().put("results", results));
            if (ActionResults.NO_PRODUCT_MATCHED.equals(failure)) {
                ctl.printedJson(out, reply);
                out.flush(); // through a hub with --all-agents, after the "== agent" line it belongs to
                String family = body.getString("family");
                note((ctl.answeringAgent == null ? "" : ctl.answeringAgent + ": ") + ActionResults.NO_PRODUCT_MATCHED
                        + (family == null ? "" : " --family " + family)
                        + ": nothing was done (ctl status lists this machine's products and their families)");
                return CtlCommand.ANSWERED_ERROR;
            }
            if (!ctl.printedJson(out, reply)) {
                Table t = new Table("FAMILY", "PRODUCT", "RESULT", "HRESULT", "MESSAGE");
                results.forEach(o -> {
                    JsonObject r = (JsonObject) o;
                    t.row(
                            r.getString("family"),
                            r.getString("product"),
                            r.getBoolean("ok", false) ? "ok" : "FAILED",
                            r.getString("hresult"),
                            r.getString("message"));
                });
                t.print(out);
            }
            return failure == null ? 0 : CtlCommand.ANSWERED_ERROR;
        });
    }

    /**
     * An instant of a reply as ctl's tables show it: to the second, as slmgr shows times, so that the columns of one
     * table agree (a product's validity was shown to the second beside its next attempt to the nanosecond). {@code
     * --json} prints the reply whole. Text that is not an instant is shown as it came.
     */
    static String shownTime(String instant) {
        if (instant == null) {
            return null;
        }
        try {
            return Instant.parse(instant).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException notAnInstant) {
            return instant;
        }
    }

    /** A line on standard error, beside the output (what the output itself is not: a note, a usage error). */
    final void note(String line) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(line);
        err.flush();
    }
}
