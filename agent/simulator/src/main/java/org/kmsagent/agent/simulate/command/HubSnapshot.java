package org.kmsagent.agent.simulate.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * {@code simulate --from-hub}: the fleet snapshot taken exactly as {@code kms-agent ctl --hub HOST:PORT fleet
 * snapshot} takes it, by running that command of the same command line into a temporary file. The simulator sits
 * below the command-line module (docs/architecture.md, "Modules") and cannot use ctl's bridge client directly; going
 * through the command keeps one client, one set of trust and token rules, and a snapshot identical to the file's.
 */
final class HubSnapshot {
    private HubSnapshot() {}

    /** The hub could not be asked: ctl's message and exit code (2 usage, 3 no access, 1 the hub refused). */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        private final int code;

        Failed(String message, int code) {
            super(message);
            this.code = code;
        }

        int code() {
            return code;
        }
    }

    /** Writes the hub's snapshot to a temporary file (the caller deletes it) and returns it. */
    static Path fetch(CommandLine.Model.CommandSpec spec, SimulateCommand c) throws Failed, IOException {
        CommandLine ctl = spec.root().commandLine().getSubcommands().get("ctl");
        if (ctl == null) {
            throw new Failed("this command line has no 'ctl' command to reach a hub with", 2);
        }
        Path file = Files.createTempFile("kms-agent-snapshot-", ".json");
        List<String> args = new ArrayList<>(List.of("--hub", c.fromHub));
        add(args, "--trust", c.trust);
        add(args, "--ca", c.ca);
        add(args, "--token-file", c.tokenFile);
        add(args, "--cert", c.cert);
        add(args, "--cert-key", c.certKey);
        args.addAll(List.of("fleet", "snapshot", "--out", file.toString()));
        if (c.days != null) {
            args.addAll(List.of("--days", String.valueOf(c.days)));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter oldOut = ctl.getOut();
        PrintWriter oldErr = ctl.getErr();
        int code;
        try {
            ctl.setOut(new PrintWriter(out, true));
            ctl.setErr(new PrintWriter(err, true));
            code = ctl.execute(args.toArray(String[]::new));
        } finally {
            ctl.setOut(oldOut);
            ctl.setErr(oldErr);
        }
        if (code != 0) {
            Files.deleteIfExists(file);
            String message = err.toString()
                    .strip()
                    .lines()
                    .findFirst()
                    .orElse("ctl exited " + code)
                    // ctl's words without its prefix, or the pointer to ctl's help: the options were simulate's.
                    .replaceFirst("^kms-agent(?: ctl)?: ", "")
                    .replaceFirst("; see 'kms-agent ctl[^']*--help'$", "")
                    // ctl's hints for a token name its --token too, an option simulate does not have.
                    .replace("(--token-file FILE, KMSAGENT_TOKEN or --token)", "(--token-file FILE or KMSAGENT_TOKEN)")
                    .replace(
                            ", the KMSAGENT_TOKEN environment variable, or --token TOKEN",
                            " or the KMSAGENT_TOKEN environment variable");
            throw new Failed(message, code);
        }
        return file;
    }

    private static void add(List<String> args, String option, Object value) {
        if (value != null) {
            args.add(option);
            args.add(value.toString());
        }
    }
}
