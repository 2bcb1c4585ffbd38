package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.text.Table;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.ProductKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kms-agent ctl}: remote control of a running agent over its TLS bridge. Exit codes: 0 done, 1 the agent
 * answered with an error (or an action failed on some product), 2 usage (a file of the user's that cannot be written
 * too), 3 cannot connect (or the address is not a bridge's) or not authorised.
 */
@Command(
        name = "ctl",
        mixinStandardHelpOptions = true,
        description = "Controls a running agent over its TLS event-bus bridge.",
        subcommands = {
            CtlCommand.Status.class,
            CtlCommand.Host.class,
            CtlCommand.Activate.class,
            CtlCommand.SetKms.class,
            CtlCommand.ClearKms.class,
            CtlCommand.InstallGvlk.class,
            CtlCommand.Plugins.class,
            CtlCommand.Watch.class,
            AuditCommands.Agent.class,
            FleetCommands.class,
        })
public final class CtlCommand implements Runnable {
    /** Exit code: the agent answered with an error. */
    public static final int ANSWERED_ERROR = 1;
    /** Exit code: wrong usage. */
    public static final int USAGE = 2;
    /** Exit code: cannot connect, or not authorised. */
    public static final int NO_ACCESS = 3;
    /** The largest token file read: a token is tens of characters. */
    static final int MAX_TOKEN_FILE_BYTES = 4096;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"--agent", "--hub"},
            paramLabel = "HOST:PORT",
            description = "The agent's bridge, or a fleet hub's (default ${DEFAULT-VALUE}).",
            defaultValue = "127.0.0.1:" + BridgeConfig.DEFAULT_PORT)
    String agent;

    @Option(
            names = "--token",
            description = "The client token (prefer the KMSAGENT_TOKEN variable or --token-file: "
                    + "a command line is visible to other users).")
    String token;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "A file holding the token, e.g. the agent's " + "generated <dataDir>/admin.token.")
    Path tokenFile;

    @Option(
            names = "--trust",
            paramLabel = "FINGERPRINT",
            description =
                    "The agent certificate's SHA-256 fingerprint, as 'kms-agent run' prints it (or KMSAGENT_TRUST).")
    String trust;

    @Option(
            names = "--ca",
            paramLabel = "FILE",
            description = "PEM file of the CA that issued the agent's certificate.")
    Path ca;

    @Option(
            names = "--cert",
            paramLabel = "FILE",
            description = "PEM client certificate, for agents that require mutual TLS (with --cert-key).")
    Path cert;

    @Option(
            names = "--cert-key",
            paramLabel = "FILE",
            description = "PEM private key for --cert (unencrypted; PKCS#8 or OpenSSL's RSA and EC forms).")
    Path key;

    // Inherited: accepted before the subcommand (ctl --json status) and after it (ctl status --json) alike.
    @Option(
            names = "--json",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Print the agent's (or hub's) replies as JSON.")
    boolean json;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "Connect and reply timeout (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(
            names = "--target",
            paramLabel = "AGENT_ID",
            description = "With --hub: route the command through the hub " + "to this agent of the fleet.")
    String target;

    @Option(
            names = "--all-agents",
            description = "With --hub: route the command to every agent of the fleet; prints "
                    + "each answer and names the agents that did not answer by the deadline.")
    boolean allAgents;

    @Option(
            names = "--deadline",
            paramLabel = "SECONDS",
            defaultValue = "5",
            description = "With --target/--all-agents: how long the hub waits for agents (default ${DEFAULT-VALUE}).")
    double deadlineSeconds;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing a ctl command; see 'kms-agent ctl --help'.");
    }

    /** Whether the address was given as {@code --hub} (the same option as {@code --agent}, named for what it reaches). */
    private static boolean namedHub(CommandLine sub) {
        CommandLine.ParseResult parsed = sub.getParseResult();
        return parsed != null
                && parsed.originalArgs().stream().anyMatch(a -> a.equals("--hub") || a.startsWith("--hub="));
    }

    /** What a ctl subcommand does once connected. */
    @FunctionalInterface
    interface Action {
        int run(BridgeClient client, PrintWriter out) throws BridgeFailure, IOException;
    }

    /** Connects, runs the action, and maps every outcome to the documented exit code. */
    int execute(CommandLine sub, Action action) {
        PrintWriter out = sub.getOut();
        PrintWriter err = sub.getErr();
        String host;
        int port;
        ServerTrust serverTrust;
        String secret;
        try {
            int colon = agent.lastIndexOf(':');
            host = colon < 0 ? agent : agent.substring(0, colon);
            String portText = colon < 0 ? String.valueOf(BridgeConfig.DEFAULT_PORT) : agent.substring(colon + 1);
            if (HostPort.portProblem(portText).isPresent()) {
                throw new IllegalArgumentException(
                        "--agent: expected HOST:PORT with a port 1-65535, got " + BoundedInput.shown(agent));
            }
            port = Integer.parseInt(portText);
            if (timeoutSeconds < 1) {
                throw new IllegalArgumentException(
                        "--timeout: expected a whole number of seconds, 1 or more, got " + timeoutSeconds);
            }
            serverTrust = trust(sub);
            secret = token(sub);
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("--cert and --cert-key go together");
            }
        } catch (NumberFormatException e) {
            err.println("kms-agent ctl: --agent: expected HOST:PORT, got " + agent);
            return USAGE;
        } catch (IllegalArgumentException e) {
            err.println("kms-agent ctl: " + e.getMessage());
            return USAGE;
        }
        String peer = namedHub(sub) ? "hub" : "agent";
        try (BridgeClient client = BridgeClient.connect(
                host,
                port,
                serverTrust,
                cert == null ? null : new ClientIdentity(cert, key),
                secret,
                Duration.ofSeconds(timeoutSeconds),
                peer)) {
            int code = target != null || allAgents
                    ? FleetRouting.run(this, client, action, out, err)
                    : action.run(client, out);
            out.flush();
            return code;
        } catch (BridgeFailure f) {
            if (f.capacity()) {
                err.println("kms-agent ctl: " + agent + " has no connection free for this client (" + f.getMessage()
                        + "); try again later, or ask its operator about bridge.maxConnections*");
                return NO_ACCESS;
            }
            // Named by address, not "the agent": with --hub it may be a hub that refused.
            err.println("kms-agent ctl: " + agent + " refused: " + f.getMessage() + " (code " + f.code() + ")"
                    + refusalHint(f.code(), f.getMessage(), secret, peer.equals("hub")));
            return f.notAuthorised() ? NO_ACCESS : ANSWERED_ERROR;
        } catch (FileProblem e) {
            err.println("kms-agent ctl: " + e.getMessage());
            return USAGE;
        } catch (BridgeClient.NotABridge e) {
            err.println("kms-agent ctl: " + agent + " " + e.getMessage());
            return NO_ACCESS;
        } catch (IOException e) {
            err.println("kms-agent ctl: cannot talk to the " + peer + " at " + agent + ": " + e.getMessage());
            return NO_ACCESS;
        } finally {
            err.flush();
        }
    }

    /**
     * What to do about a refused token: how to pass one, or which role the request needs. A 403 that is not about the
     * role (a plugin jar outside the plugins directory, say) says what to do itself, and gets no hint.
     */
    static String refusalHint(int code, String message, String secret) {
        return refusalHint(code, message, secret, false);
    }

    /**
     * As {@link #refusalHint(int, String, String)}, for a hub when {@code hub}: a hub's tokens are its bridge.tokens
     * only (it generates no admin.token).
     */
    static String refusalHint(int code, String message, String secret, boolean hub) {
        if (code == 401) {
            return secret == null || secret.isEmpty()
                    ? "; no token was given: pass it with --token-file FILE ("
                            + (hub ? "a token of the hub's bridge.tokens" : "e.g. the agent's <dataDir>/admin.token")
                            + "), the KMSAGENT_TOKEN environment variable, or --token TOKEN"
                    : "; the token was not accepted: check the one given (--token-file FILE, KMSAGENT_TOKEN or --token) "
                            + (hub
                                    ? "against the hub's bridge.tokens"
                                    : "against the agent's bridge.tokens or its <dataDir>/admin.token");
        }
        if (code == 403 && message != null && message.contains("needs role")) {
            return "; this token's role may not do this: changes need a token with role admin";
        }
        return "";
    }

    private ServerTrust trust(CommandLine sub) {
        return trust(trust, System.getenv(TRUST_VARIABLE), ca, namedHub(sub) ? "hub" : "agent");
    }

    /**
     * How to trust the agent or hub: {@code --trust}, else {@code KMSAGENT_TRUST}, or {@code --ca}. A refusal names
     * where the bad value came from: the variable, when the option was not given.
     *
     * @param peer "agent" or "hub", as messages name what is connected to
     */
    static ServerTrust trust(String option, String environment, Path ca, String peer) {
        String fingerprint = option != null ? option : environment;
        if (fingerprint != null && ca != null) {
            throw new IllegalArgumentException("give --trust or --ca, not both");
        }
        if (ca != null) {
            return new ServerTrust.CaFile(ca);
        }
        if (fingerprint == null) {
            throw new IllegalArgumentException(
                    "how to trust the agent is missing: give --trust FINGERPRINT (printed by "
                            + "'kms-agent run') or --ca FILE");
        }
        if (option == null) {
            if (fingerprint.isBlank()) {
                throw new IllegalArgumentException(TRUST_VARIABLE + " is set but empty: set it to the " + peer
                        + "'s certificate fingerprint (its 'bridge certificate SHA-256' line at start), or give "
                        + "--trust FINGERPRINT or --ca FILE");
            }
            try {
                return new ServerTrust.Pinned(fingerprint, peer);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        TRUST_VARIABLE + ": expected a SHA-256 fingerprint (64 hex digits, colons optional), got '"
                                + BoundedInput.shown(fingerprint.strip()) + "'");
            }
        }
        return new ServerTrust.Pinned(fingerprint, peer);
    }

    /** The environment variable that may hold the fingerprint instead of {@code --trust}. */
    static final String TRUST_VARIABLE = "KMSAGENT_TRUST";

    /**
     * A file of the user's that ctl cannot write or read (a snapshot's {@code --out}): a usage problem (exit 2), not a
     * connection failure. The message names the file and why.
     */
    static final class FileProblem extends IOException {
        private static final long serialVersionUID = 1L;

        FileProblem(String option, Path file, IOException cause) {
            super(option + ": cannot write " + file + ": " + why(cause), cause);
        }

        private static String why(IOException e) {
            if (e instanceof NoSuchFileException) {
                return "its folder does not exist";
            }
            if (e instanceof AccessDeniedException) {
                return "this account may not write there";
            }
            if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
                return f.getReason();
            }
            return String.valueOf(e.getMessage());
        }
    }

    private String token(CommandLine sub) {
        if (token != null) {
            return token;
        }
        if (tokenFile != null) {
            if (Files.isDirectory(tokenFile)) {
                throw new IllegalArgumentException("--token-file: " + tokenFile + " is a directory, not a file; name "
                        + "the token file in it (e.g. the agent's <dataDir>/admin.token)");
            }
            try {
                String read =
                        BoundedInput.readText(tokenFile, MAX_TOKEN_FILE_BYTES).strip();
                if (read.isEmpty()) {
                    throw new IllegalArgumentException(
                            "--token-file: " + tokenFile + " is empty; it should hold the token on one line");
                }
                return read;
            } catch (BoundedInput.TooLargeException e) {
                throw new IllegalArgumentException(
                        "--token-file: " + tokenFile + " is " + e.getMessage() + " (a token file holds one token)");
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("--token-file: " + tokenFile + " does not exist");
            } catch (AccessDeniedException e) {
                throw new IllegalArgumentException("--token-file: " + tokenFile + " is not readable by this account");
            } catch (IOException e) {
                throw new IllegalArgumentException("--token-file: cannot read " + tokenFile + ": " + e);
            }
        }
        return System.getenv("KMSAGENT_TOKEN");
    }

    /** Prints a reply as JSON, when --json asked for it. */
    boolean printedJson(PrintWriter out, JsonObject reply) {
        if (json) {
            out.println(reply.encodePrettily());
        }
        return json;
    }

    /** Prints action results; 1 when any failed. */
    int results(PrintWriter out, JsonObject reply) {
        JsonArray results = reply.getJsonArray("results", new JsonArray());
        boolean allOk = results.stream().allMatch(r -> ((JsonObject) r).getBoolean("ok", false));
        if (!printedJson(out, reply)) {
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
            if (results.isEmpty()) {
                out.println("(no product matched)");
            }
        }
        return allOk ? 0 : ANSWERED_ERROR;
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "This machine's products and their activation state.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        CtlCommand ctl;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return ctl.execute(spec.commandLine(), (client, out) -> {
                JsonObject reply = client.request(BusAddresses.STATUS, new JsonObject());
                if (!ctl.printedJson(out, reply)) {
                    Table t = new Table(
                            "FAMILY", "PRODUCT", "KEY", "STATUS", "KMS", "VALID UNTIL", "NEXT ATTEMPT", "LAST");
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
                                p.getString("validUntil"),
                                p.getString("nextAttempt"),
                                p.getString("lastResult"));
                    });
                    t.print(out);
                    licensingCalls(reply.getJsonObject("licensingCalls")).ifPresent(out::println);
                }
                return 0;
            });
        }
    }

    /**
     * The status reply's {@code licensingCalls} as one line, when the agent abandoned a licensing call since start:
     * how many, of which kind, how many still hang, the last one and when.
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

    @Command(
            name = "host",
            mixinStandardHelpOptions = true,
            description = "The KMS host model: counts per pool against thresholds, and its ledger.")
    static final class Host implements Callable<Integer> {
        @ParentCommand
        CtlCommand ctl;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return ctl.execute(spec.commandLine(), (client, out) -> {
                JsonObject reply = client.request(BusAddresses.HOST_STATUS, new JsonObject());
                if (ctl.json) {
                    // The watched genuine host too (settings, counters, host keys), as the text below shows it.
                    watchedView(client).ifPresent(w -> reply.put("watchedHost", w));
                }
                if (!ctl.printedJson(out, reply)) {
                    out.println("host role: " + (reply.getBoolean("enabled", false) ? "on" : "off"));
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
                        pools.row(p.getString("applicationId"), p.getString("family"), p.getInteger("count"), th);
                    });
                    pools.print(out);
                    JsonArray ledger = reply.getJsonArray("ledger", new JsonArray());
                    out.println("ledger: " + ledger.size() + " client(s)");
                    Table t = new Table("CLIENT", "APPLICATION", "SKU", "LAST SEEN");
                    ledger.forEach(o -> {
                        JsonObject e = (JsonObject) o;
                        t.row(
                                e.getString("clientMachineId"),
                                e.getString("applicationId"),
                                e.getString("skuId"),
                                e.getString("lastSeen"));
                    });
                    if (!ledger.isEmpty()) {
                        t.print(out);
                    }
                    watched(client, out);
                }
                return 0;
            });
        }

        /** With host.mode: watch, the genuine host this agent watches; nothing from an agent that watches none. */
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

        private static void watched(BridgeClient client, PrintWriter out) throws IOException {
            Optional<JsonObject> watching = watchedView(client);
            if (watching.isEmpty()) {
                return;
            }
            JsonObject w = watching.get();
            out.println("watching the genuine KMS host " + w.getString("hostName") + " (log read "
                    + w.getString("lastRead")
                    + ", " + w.getLong("observedRequests", 0L) + " requests kept, " + w.getLong("malformedEvents", 0L)
                    + " malformed events skipped)");
            if (w.getString("eventLogError") != null) {
                out.println("  event log: " + w.getString("eventLogError"));
            }
            if (w.getString("countersError") != null) {
                out.println("  service counters: " + w.getString("countersError"));
            }
            Table counts = new Table("SOURCE", "APPLICATION", "COUNT", "NEEDS", "MET");
            w.getJsonArray("applications", new JsonArray())
                    .forEach(a -> ((JsonObject) a)
                            .getJsonArray("thresholds", new JsonArray())
                            .forEach(x -> counts.row(
                                    "service",
                                    ((JsonObject) a).getString("applicationId"),
                                    ((JsonObject) x).getLong("count"),
                                    ((JsonObject) x).getInteger("required"),
                                    ((JsonObject) x).getBoolean("met", false) ? "yes" : "NO")));
            w.getJsonArray("logCounts", new JsonArray())
                    .forEach(x -> counts.row(
                            "log, 30 days",
                            "clients asking for " + ((JsonObject) x).getInteger("required"),
                            ((JsonObject) x).getLong("count"),
                            ((JsonObject) x).getInteger("required"),
                            ((JsonObject) x).getBoolean("met", false) ? "yes" : "NO"));
            counts.print(out);
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
                        c.getString("lastRequest"),
                        c.getInteger("requiredCount"),
                        c.getInteger("requests"));
            });
            if (!clients.isEmpty()) {
                t.print(out);
            }
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true, description = "Activates now, one family or all.")
    static final class Activate implements Callable<Integer> {
        @ParentCommand
        CtlCommand ctl;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--family", description = "Only this family (e.g. office2013).")
        String family;

        @Override
        public Integer call() {
            return ctl.execute(
                    spec.commandLine(),
                    (client, out) -> ctl.results(
                            out, client.request(BusAddresses.ACTIVATE, new JsonObject().put("family", family))));
        }
    }

    @Command(
            name = "install-gvlk",
            mixinStandardHelpOptions = true,
            description = "Installs the GVLK matching the installed edition, or a given key.")
    static final class InstallGvlk implements Callable<Integer> {
        @ParentCommand
        CtlCommand ctl;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--family", description = "Only this family (required with --key).")
        String family;

        @Option(names = "--key", description = "Install this key instead of the catalog's GVLK.")
        String key;

        @Override
        public Integer call() {
            if (key != null && family == null) {
                spec.commandLine().getErr().println("kms-agent ctl install-gvlk: --key needs --family");
                spec.commandLine().getErr().flush();
                return USAGE;
            }
            return ctl.execute(
                    spec.commandLine(),
                    (client, out) -> ctl.results(
                            out,
                            client.request(
                                    BusAddresses.INSTALL_GVLK,
                                    new JsonObject().put("family", family).put("key", key))));
        }
    }

    @Command(
            name = "set-kms",
            mixinStandardHelpOptions = true,
            description = "Pins a KMS host (HOST[:PORT]) or switches to DNS discovery (--dns).")
    static final class SetKms implements Callable<Integer> {
        @ParentCommand
        CtlCommand ctl;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--family", description = "Only this family.")
        String family;

        @Option(names = "--dns", description = "Use DNS discovery (in DOMAIN, if given).")
        boolean dns;

        @Parameters(arity = "0..1", paramLabel = "HOST[:PORT] | DOMAIN")
        String target;

        @Override
        public Integer call() {
            JsonObject body = new JsonObject().put("family", family);
            if (dns) {
                body.put("dns", true).put("domain", target);
            } else {
                if (target == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "give HOST[:PORT], or --dns [DOMAIN]");
                }
                String t = target.strip();
                if (!t.startsWith("[") && t.indexOf(':') != t.lastIndexOf(':')) {
                    // ::1:1688 is the address ::1 on port 1688, or the address ::1:1688 on the default port: refuse to
                    // guess.
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "'" + BoundedInput.shown(t)
                                    + "' is ambiguous: write an IPv6 address in brackets, e.g. [::1]:1688 (address and port) "
                                    + "or [::1] (default port " + KmsEndpoint.DEFAULT_PORT + ")");
                }
                try {
                    KmsEndpoint.Pinned pinned = (KmsEndpoint.Pinned) KmsEndpoint.parse(t);
                    body.put("host", pinned.host()).put("port", pinned.port());
                } catch (IllegalArgumentException | ClassCastException e) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            e instanceof ClassCastException
                                    ? "use --dns for DNS discovery"
                                    : BoundedInput.shown(e.getMessage()));
                }
            }
            return ctl.execute(spec.commandLine(), (client, out) -> {
                JsonObject reply = client.request(BusAddresses.KMS_SET, body);
                if (!ctl.printedJson(out, reply)) {
                    out.println(
                            "KMS for " + (family == null ? "all families" : family) + ": " + reply.getString("kms"));
                }
                return 0;
            });
        }
    }

    @Command(
            name = "clear-kms",
            mixinStandardHelpOptions = true,
            description = "Forgets the KMS endpoint (back to discovery in the machine's domain).")
    static final class ClearKms implements Callable<Integer> {
        @ParentCommand
        CtlCommand ctl;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--family", description = "Only this family.")
        String family;

        @Override
        public Integer call() {
            return ctl.execute(spec.commandLine(), (client, out) -> {
                JsonObject reply = client.request(BusAddresses.KMS_CLEAR, new JsonObject().put("family", family));
                if (!ctl.printedJson(out, reply)) {
                    out.println("KMS for " + (family == null ? "all families" : family) + ": cleared");
                }
                return 0;
            });
        }
    }

    @Command(
            name = "plugins",
            mixinStandardHelpOptions = true,
            description = "Lists, loads, unloads or rescans plugins.")
    static final class Plugins implements Callable<Integer> {
        @ParentCommand
        CtlCommand ctl;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "list|load|unload|rescan")
        String verb;

        @Parameters(index = "1", arity = "0..1", paramLabel = "JAR|ID")
        String argument;

        @Override
        public Integer call() {
            String address;
            JsonObject body = new JsonObject();
            switch (verb) {
                case "list" -> address = BusAddresses.PLUGINS_LIST;
                case "rescan" -> address = BusAddresses.PLUGINS_RESCAN;
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
            return ctl.execute(spec.commandLine(), (client, out) -> {
                JsonObject reply = client.request(address, body);
                if (!ctl.printedJson(out, reply)) {
                    JsonArray list =
                            reply.containsKey("plugins") ? reply.getJsonArray("plugins") : new JsonArray().add(reply);
                    Table t = new Table("ID", "VERSION", "STATE", "FAMILIES", "FAILURE");
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
                                                fams.stream()
                                                        .map(String::valueOf)
                                                        .toList()),
                                p.getString("failure"));
                    });
                    t.print(out);
                }
                return 0;
            });
        }

        private String required(String what) {
            if (argument == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "plugins " + verb + " needs " + what);
            }
            return argument;
        }
    }

    @Command(
            name = "watch",
            mixinStandardHelpOptions = true,
            description = "Prints every event the agent publishes (activations, state changes).")
    static final class Watch implements Callable<Integer> {
        @ParentCommand
        CtlCommand ctl;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--count", paramLabel = "N", description = "Stop after N events (default: until interrupted).")
        Integer count;

        @Override
        public Integer call() {
            return ctl.execute(spec.commandLine(), (client, out) -> {
                client.register(BusAddresses.EVENTS);
                spec.commandLine().getErr().println("watching " + BusAddresses.EVENTS + " on " + ctl.agent);
                spec.commandLine().getErr().flush();
                for (int seen = 0; count == null || seen < count; seen++) {
                    JsonObject event = client.nextMessage().getJsonObject("body", new JsonObject());
                    if (ctl.json) {
                        out.println(event.encode());
                    } else {
                        JsonObject data = event.getValue("data") instanceof JsonObject d ? d : new JsonObject();
                        out.println(
                                event.getString("at") + "  " + event.getString("type") + "  " + EventSummary.of(data));
                    }
                    out.flush();
                }
                return 0;
            });
        }
    }
}
