package org.kmsagent.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.status.StatusFormat;
import org.kmsagent.agent.status.StatusReader;
import org.kmsagent.agent.status.StatusReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kms-agent status [--json]}: the {@code slmgr /dlv} fields of every installed product of every loaded
 * family. Exit 0 when everything was read, 1 when a family or product could not be.
 */
@TakesGlobalOptions
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Shows each installed product's license status, as slmgr /dlv does, for every loaded family.")
public final class StatusCommand implements Callable<Integer> {
    private CliServices services;

    @Mixin
    LicensingOption licensing;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    KmsAgentCommand root;

    public StatusCommand() {
        this(null);
    }

    public StatusCommand(CliServices services) {
        this.services = services;
    }

    /** The services given to the constructor, or the real wiring (which needs the parsed root options). */
    private CliServices services() {
        if (services == null) {
            services = new DefaultCliServices(() -> root);
        }
        return services;
    }

    @Override
    public Integer call() throws Exception {
        LicensingStacks.Choice choice;
        try {
            choice = services().stacks().select(licensing.mode);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        StatusReport report = new StatusReader(choice.stack()).read(services().families(), choice.reason());
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? StatusFormat.json(report) + "\n" : StatusFormat.text(report));
        out.flush();
        return report.hasErrors() ? 1 : 0;
    }
}
