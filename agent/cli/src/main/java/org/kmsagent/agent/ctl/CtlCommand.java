package org.kmsagent.agent.ctl;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.kmsagent.agent.command.WholeNumberOption;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.CertificateFingerprint;
import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.core.AddressText;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.tls.PemKeyManagers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kms-agent ctl}: remote control of a running agent over its TLS bridge. Exit codes: 0 done, 1 the agent
 * answered with an error (or an action failed on some product), 2 usage (a file of the user's that cannot be read,
 * {@link #readFile}, or written too), 3 cannot connect (or the address is not a bridge's) or not authorised.
 *
 * <p>This class is the connection: its options, and {@link #execute} that connects and maps every outcome to those
 * codes. The commands below it ({@link AgentCommands}, {@link FleetCommands}, {@link AuditCommands}) are each a
 * {@link CtlSubcommand} that runs through it.
 */
@Command(
        name = "ctl",
        mixinStandardHelpOptions = true,
        description = "Controls a running agent over its TLS event-bus bridge.",
        subcommands = {
            AgentCommands.Status.class,
            AgentCommands.Host.class,
            AgentCommands.Activate.class,
            AgentCommands.SetKms.class,
            AgentCommands.ClearKms.class,
            AgentCommands.InstallGvlk.class,
            AgentCommands.Plugins.class,
            AgentCommands.Watch.class,
            AuditCommands.Agent.class,
            FleetCommands.class,
            // `ctl help host` is added where the command line is built (KmsAgentCommand), as `kms-agent help` is.
        })
public final class CtlCommand implements Runnable {
    /** Exit code: the agent answered with an error. */
    public static final int ANSWERED_ERROR = 1;
    // Exit code 2, wrong usage, is every command's: ctl's own usage errors are thrown as picocli's are, and the
    // command line words them (KmsAgentCommand.usageError).
    /** Exit code: cannot connect, or not authorised. */
    public static final int NO_ACCESS = 3;
    /** The largest token file read: a token is tens of characters. */
    static final int MAX_TOKEN_FILE_BYTES = 4096;
    /** The largest PEM file read ({@code --ca}, {@code --cert}, {@code --cert-key}): a whole CA bundle is ~250 KB. */
    static final int MAX_PEM_FILE_BYTES = 1024 * 1024;

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

    /** An hour at most, as long as the bridge's own bridge.requestTimeoutSeconds may be. */
    static final WholeNumberOption TIMEOUT = new WholeNumberOption("--timeout", "seconds", 1, 3_600);

    int timeoutSeconds;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "Connect and reply timeout, 1-3600 (default ${DEFAULT-VALUE}).")
    void timeoutSeconds(String text) {
        timeoutSeconds = TIMEOUT.read(spec, text);
    }

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

    /**
     * The agent whose answer a command is printing through a hub ({@link FleetRouting}), so that a note it writes on
     * standard error names it as the routing's own notes do; null otherwise.
     */
    String answeringAgent;

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
        HostPort.Address address;
        ServerTrust serverTrust;
        String secret;
        ClientIdentity identity;
        try {
            address = HostPort.typed(namedHub(sub) ? "--hub" : "--agent", agent, BridgeConfig.DEFAULT_PORT);
            FleetRouting.checkOptions(this, spec.commandLine().getParseResult().hasMatchedOption("--deadline"));
            serverTrust = trust(sub);
            secret = token(sub);
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("--cert and --cert-key go together");
            }
            identity = cert == null ? null : ClientIdentity.read(cert, key);
        } catch (IllegalArgumentException e) {
            // A usage error, worded as picocli's own are (one prefix, and where ctl's options are described).
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        String peer = namedHub(sub) ? "hub" : "agent";
        // Messages name the address dialled, its port included when it was left to the default ('localhost:7688').
        String where = address.toString();
        try (BridgeClient client = BridgeClient.connect(
                address.host(),
                address.port(),
                serverTrust,
                identity,
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
                err.println("kms-agent ctl: " + where + " has no connection free for this client (" + f.getMessage()
                        + "); try again later, or ask its operator about " + capacityKey(f.getMessage()));
                return NO_ACCESS;
            }
            if ("client_certificate_required".equals(f.getMessage())) {
                // A TLS client offers only a certificate issued by one of the CAs the server names: one from
                // another CA is not sent at all.
                err.println("kms-agent ctl: " + where + " refused the connection: it requires a client certificate"
                        + (cert == null
                                ? " (bridge.tls.clientCaFile): give one with --cert FILE --cert-key FILE"
                                : " issued by a CA in its bridge.tls.clientCaFile, and the one given with --cert is"
                                        + " not")
                        + " (see docs/event-bus.md, mutual TLS)");
                return NO_ACCESS;
            }
            // Named by address, not "the agent": with --hub it may be a hub that refused.
            err.println("kms-agent ctl: " + where + " " + f.verdict() + ": " + f.getMessage() + " (code " + f.code()
                    + ")" + refusalHint(f.code(), f.getMessage(), secret, peer.equals("hub")));
            return f.notAuthorised() ? NO_ACCESS : ANSWERED_ERROR;
        } catch (FileProblem e) {
            throw new CommandLine.ParameterException(sub, e.getMessage(), e);
        } catch (BridgeClient.NotABridge e) {
            err.println("kms-agent ctl: " + where + " " + e.getMessage());
            return NO_ACCESS;
        } catch (IOException e) {
            err.println("kms-agent ctl: cannot talk to the " + peer + " at " + where + ": "
                    + AddressText.connectFailure(e));
            return NO_ACCESS;
        } finally {
            err.flush();
        }
    }

    /** The setting behind a refusal for capacity, as the bridge's refusal names the limit. */
    static String capacityKey(String refusal) {
        return switch (refusal) {
            case "too_many_connections" -> "bridge.maxConnections";
            case "too_many_connections_from_address" -> "bridge.maxConnectionsPerAddress";
            case "too_many_connections_for_token" -> "bridge.maxConnectionsPerToken";
            default -> "bridge.maxConnections, bridge.maxConnectionsPerAddress and bridge.maxConnectionsPerToken";
        };
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
     * How to trust the agent or hub: {@code --trust} or {@code --ca}, else {@code KMSAGENT_TRUST}. A refusal names
     * where the bad value came from: the variable, when the option was not given.
     *
     * @param peer "agent" or "hub", as messages name what is connected to
     */
    static ServerTrust trust(String option, String environment, Path ca, String peer) {
        if (option != null && ca != null) {
            throw new IllegalArgumentException("give --trust or --ca, not both");
        }
        // An option given beats the environment: --ca with KMSAGENT_TRUST exported (as event-bus.md has it set for
        // a session) was refused as "--trust and --ca", naming an option the user had not typed.
        if (ca != null) {
            return caFile(ca);
        }
        String fingerprint = option != null ? option : environment;
        if (fingerprint == null) {
            throw new IllegalArgumentException(
                    "how to trust the " + peer + " is missing: give --trust FINGERPRINT (printed by " + "'kms-agent "
                            + ("hub".equals(peer) ? "hub" : "run") + "') or --ca FILE");
        }
        if (option == null && fingerprint.isBlank()) {
            throw new IllegalArgumentException(TRUST_VARIABLE + " is set but empty: set it to the " + peer
                    + "'s certificate fingerprint (its 'bridge certificate SHA-256' line at start), or give "
                    + "--trust FINGERPRINT or --ca FILE");
        }
        // Named as the user gave it: the variable, when --trust was not given.
        return new ServerTrust.Pinned(
                CertificateFingerprint.parse(fingerprint, option != null ? "--trust" : TRUST_VARIABLE), peer);
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
        if (token != null && tokenFile != null) {
            // As the synopsis has it, [--token T | --token-file F]: --token won silently, and a script that meant
            // the file's token ran with another. KMSAGENT_TOKEN beside one of them is no conflict: the option wins.
            throw new IllegalArgumentException("give --token or --token-file, not both");
        }
        if (token != null) {
            return token;
        }
        if (tokenFile != null) {
            String read = readFile(
                            "--token-file",
                            tokenFile,
                            MAX_TOKEN_FILE_BYTES,
                            "a token file holds one token",
                            "the token file in it (e.g. the agent's <dataDir>/admin.token)")
                    .strip();
            if (read.isEmpty()) {
                throw new IllegalArgumentException(
                        "--token-file: " + tokenFile + " is empty; it should hold the token on one line");
            }
            return read;
        }
        return fromEnvironment(System.getenv("KMSAGENT_TOKEN"));
    }

    /**
     * KMSAGENT_TOKEN as the token file is read: without the spaces, CR or BOM a variable set from a file or a
     * PowerShell here-string carries (a token never holds them); a blank one is none.
     */
    static String fromEnvironment(String value) {
        String token = value == null ? "" : value.replace("\uFEFF", "").strip();
        return token.isEmpty() ? null : token;
    }

    /**
     * The text of a file named after one of ctl's options ({@code --token-file}, {@code --ca}, {@code --cert},
     * {@code --cert-key}), read before dialling: a file that is missing, a directory, unreadable or too large is a
     * usage error (exit 2) naming the option and the file, not a connection failure.
     *
     * @param holds what such a file holds, said when it is too large
     * @param inDirectory which file to name instead, said when a directory was given
     * @throws IllegalArgumentException naming the option, the file and what is wrong
     */
    static String readFile(String option, Path file, int maxBytes, String holds, String inDirectory) {
        return reading(option, file, holds, inDirectory, () -> BoundedInput.readText(file, maxBytes));
    }

    /** As {@link #readFile}, the bytes as they are: a certificate may be binary (DER, as certmgr exports it). */
    static byte[] readBytes(String option, Path file, int maxBytes, String holds, String inDirectory) {
        return reading(option, file, holds, inDirectory, () -> BoundedInput.readBytes(file, maxBytes));
    }

    @FunctionalInterface
    private interface Reading<T> {
        T read() throws IOException;
    }

    private static <T> T reading(String option, Path file, String holds, String inDirectory, Reading<T> reading) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(
                    option + ": " + file + " is a directory, not a file; name " + inDirectory);
        }
        try {
            return reading.read();
        } catch (BoundedInput.TooLargeException e) {
            throw new IllegalArgumentException(option + ": " + file + " is " + e.getMessage() + " (" + holds + ")");
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(option + ": " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(option + ": " + file + " is not readable by this account");
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * The CA certificates of {@code --ca}, read before dialling: a file that does not hold any is a usage error naming
     * the option and the file (it was "cannot set up TLS: No certificate data found", naming neither, exit 3).
     */
    static ServerTrust.CaFile caFile(Path ca) {
        // As bytes: the JDK reads PEM, DER (a .cer as Windows' certmgr exports it by default) and PKCS#7 alike.
        byte[] read = readBytes("--ca", ca, MAX_PEM_FILE_BYTES, "a CA file holds certificates", "the CA file in it");
        try {
            Collection<? extends Certificate> certificates =
                    PemKeyManagers.certificates(new ByteArrayInputStream(read));
            if (!certificates.isEmpty()) {
                return new ServerTrust.CaFile(ca, List.copyOf(certificates));
            }
        } catch (CertificateException e) {
            // not a certificate: said below, as for an empty file
        }
        throw new IllegalArgumentException("--ca: " + ca + " is not a certificate file (expected the CA's"
                + " certificate, PEM as -----BEGIN CERTIFICATE----- or DER)");
    }

    /** Prints a reply as JSON, when --json asked for it. */
    boolean printedJson(PrintWriter out, JsonObject reply) {
        if (json) {
            out.println(reply.encodePrettily());
        }
        return json;
    }
}
