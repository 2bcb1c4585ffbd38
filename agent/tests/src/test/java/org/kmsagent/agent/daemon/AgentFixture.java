package org.kmsagent.agent.daemon;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.bus.InMemoryAgent;
import org.kmsagent.agent.cli.KmsAgentCommand;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import picocli.CommandLine;

/**
 * A real daemon (Vert.x, bus API, TLS bridge on 127.0.0.1, a free port) over an {@link InMemoryAgent}, and a way to
 * run {@code kms-agent ctl} against it in-process.
 */
public final class AgentFixture implements AutoCloseable {
    public static final String ADMIN_TOKEN = "admin-0123456789abcdef";
    public static final String READ_TOKEN = "read-0123456789abcdef";

    public final InMemoryAgent agent;
    public final AgentDaemon daemon;

    private AgentFixture(InMemoryAgent agent, AgentDaemon daemon) {
        this.agent = agent;
        this.daemon = daemon;
    }

    /** Starts with the two tokens and any extra {@code --set} overrides. */
    public static AgentFixture start(Path dataDir, String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of("dataDir=" + dataDir, "bridge.port=0"));
        all.addAll(List.of(sets));
        AgentConfig config = new ConfigLoader(Map.of("ADMIN_T", ADMIN_TOKEN, "READ_T", READ_TOKEN))
                .load(Optional.of(tokensFile(dataDir)), all);
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
        InMemoryAgent agent = new InMemoryAgent(clock);
        return new AgentFixture(agent, AgentDaemon.start(config, ctx -> agent.reportAttemptsTo(ctx.events()), clock));
    }

    private static Path tokensFile(Path dataDir) throws IOException {
        Path file = dataDir.resolveSibling(dataDir.getFileName() + "-agent.yaml");
        Files.writeString(file, """
        bridge:
          tokens:
            - name: ops
              token: ${ADMIN_T}
              role: admin
            - name: dashboard
              token: ${READ_T}
              role: read
        """);
        return file;
    }

    /** {@code --agent 127.0.0.1:port --trust fingerprint}. */
    public List<String> connection() {
        return connection(daemon);
    }

    /** {@code --agent 127.0.0.1:port --trust fingerprint} of any daemon. */
    public static List<String> connection(AgentDaemon daemon) {
        return List.of("--agent", "127.0.0.1:" + daemon.bridgePort(), "--trust", daemon.fingerprint());
    }

    /** Runs {@code kms-agent ctl <connection> <args>} with the admin token. */
    public Result ctlAdmin(String... args) {
        return ctl(ADMIN_TOKEN, args);
    }

    /** Runs {@code kms-agent ctl <connection> [--token token] <args>}. */
    public Result ctl(String token, String... args) {
        return ctlOn(daemon, token, args);
    }

    /** Runs {@code kms-agent ctl <connection> [--token token] <args>} against any daemon, in-process. */
    public static Result ctlOn(AgentDaemon daemon, String token, String... args) {
        List<String> argv = new ArrayList<>(List.of("ctl"));
        argv.addAll(connection(daemon));
        if (token != null) {
            argv.addAll(List.of("--token", token));
        }
        argv.addAll(List.of(args));
        return run(argv.toArray(String[]::new));
    }

    /** Runs any {@code kms-agent} command line in-process. */
    public static Result run(String... argv) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = KmsAgentCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(argv);
        return new Result(code, out.toString(), err.toString());
    }

    @Override
    public void close() {
        daemon.close();
    }

    /** An exit code with what was printed. */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }
}
