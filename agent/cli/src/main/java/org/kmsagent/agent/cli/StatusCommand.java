package org.kmsagent.agent.cli;

import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.status.StatusFormat;
import org.kmsagent.agent.status.StatusReader;
import org.kmsagent.agent.status.StatusReport;
import picocli.CommandLine.Command;

/**
 * {@code kms-agent status [--json]}: the {@code slmgr /dlv} fields of every installed product of every loaded
 * family. Exit 0 when everything was read, 1 when a family or product could not be.
 */
@TakesGlobalOptions
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Shows each installed product's license status, as slmgr /dlv does, for every loaded family.")
public final class StatusCommand extends MachineReportCommand {
    public StatusCommand() {
        this(null);
    }

    public StatusCommand(CliServices services) {
        super(services);
    }

    @Override
    public Integer call() throws Exception {
        LicensingStacks.Choice choice = licensingStack();
        StatusReport report = new StatusReader(choice.stack()).read(services().families(), choice.reason());
        print(StatusFormat.json(report), StatusFormat.text(report, services().pluginsDirectory()));
        return report.hasErrors() ? 1 : 0;
    }
}
