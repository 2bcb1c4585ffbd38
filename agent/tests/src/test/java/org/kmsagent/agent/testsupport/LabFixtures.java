package org.kmsagent.agent.testsupport;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kmsagent.agent.simulate.HostFactory;
import org.kmsagent.agent.simulate.LabHosts;
import org.kmsagent.agent.simulate.command.SimulateCommand;
import org.kmsagent.agent.simulate.command.SimulationWiring;
import picocli.CommandLine;

/** Runs the simulate command in-process with the test families and the rule-following test host. */
public final class LabFixtures {
    private LabFixtures() {}

    /** The lab host for tests: the real host model on an in-memory ledger, as the command uses. */
    public static final HostFactory TEST_HOST = LabHosts.ledgerInMemory();

    /** A shipped scenario file. */
    public static Path scenario(String name) {
        return Path.of("..", "..", "scenarios", name);
    }

    /** What one run of {@code kms-agent simulate args} printed and returned. */
    public record Run(int exitCode, String out, String err) {
        public List<String> lines() {
            return new ArrayList<>(out.lines().toList());
        }
    }

    public static Run simulate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(
                new SimulateCommand(spec -> SimulationWiring.FamilyLease.of(TestFamilies.all()), TEST_HOST));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
