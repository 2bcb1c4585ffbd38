package org.kmsagent.agent.testsupport;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
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

    /**
     * A scenario of {@code hosts} KMS hosts ({@code kms1.corp.example} on), each asked by one server pinned to it, for
     * a day: one count line per host. Written into {@code dir}.
     */
    public static Path hostsEachAskedByOneServer(Path dir, int hosts) throws IOException {
        StringBuilder yaml =
                new StringBuilder("name: " + hosts + " hosts\ndays: 1\nhost:\n  name: kms1.corp.example\n");
        yaml.append("hosts:\n");
        for (int i = 2; i <= hosts; i++) {
            yaml.append("  - name: kms").append(i).append(".corp.example\n");
        }
        yaml.append("machines:\n");
        for (int i = 1; i <= hosts; i++) {
            yaml.append("  - name: srv-")
                    .append(i)
                    .append("\n    family: windows-server\n    edition: Windows Server 2022 Standard\n    kms: kms")
                    .append(i)
                    .append(".corp.example:1688\n");
        }
        return Files.writeString(dir.resolve(hosts + "-hosts.yaml"), yaml);
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
