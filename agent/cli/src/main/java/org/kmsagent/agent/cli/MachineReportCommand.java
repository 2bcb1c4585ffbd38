package org.kmsagent.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.kmsagent.agent.licensing.LicensingStacks;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The commands that read this machine's licensing once, without a running agent, and print a report: {@code status}
 * and {@code doctor}. What they share: the licensing stack {@code --licensing} or the configuration chooses,
 * {@code --json}, and the services they read through (given by a test, or the real wiring).
 */
abstract class MachineReportCommand implements Callable<Integer> {
    private CliServices services;

    @Mixin
    LicensingOption licensing;

    @Mixin
    ConfigFileOption config;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    KmsAgentCommand root;

    /** {@code services} null: the real wiring, built once picocli has parsed the root options. */
    MachineReportCommand(CliServices services) {
        this.services = services;
    }

    /**
     * The services given to the constructor, or the real wiring (which needs the parsed root options), reading the
     * configuration {@code --config} names, else {@code KMSAGENT_CONFIG}'s.
     */
    final CliServices services() {
        if (services == null) {
            config.applyTo(root);
            services = new DefaultCliServices(() -> root);
        }
        return services;
    }

    /**
     * The licensing stack {@code --licensing} names, else the configuration's {@code licensing}; or a usage error
     * saying why it cannot be had here.
     */
    final LicensingStacks.Choice licensingStack() {
        String mode = licensing.mode(services().agentConfig());
        try {
            return services().stacks().select(mode);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Prints a report: as its JSON {@code document} with {@code --json}, else as its {@code text}. */
    final void print(String document, String text) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? document + "\n" : text);
        out.flush();
    }
}
