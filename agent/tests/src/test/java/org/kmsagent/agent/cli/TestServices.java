package org.kmsagent.agent.cli;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.doctor.NameResolver;
import org.kmsagent.agent.licensing.LicensingStacks;
import org.kmsagent.agent.licensing.kmshost.RegistryDouble;
import org.kmsagent.agent.licensing.slc.HostCachingSetting;
import org.kmsagent.agent.licensing.slc.RecordingLicensingWriter;
import org.kmsagent.agent.licensing.slc.SlcClient;
import org.kmsagent.agent.licensing.slc.SlcLicensingStack;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginProblem;
import org.kmsagent.agent.plugin.PluginSignatures;
import org.kmsagent.api.WindowsVersion;
import picocli.CommandLine;

/** CLI services over the SLC stack on the native double, with families built in code. */
record TestServices(List<LoadedFamily> families, boolean windows, AgentConfig config) implements CliServices {

    static TestServices overDouble(List<LoadedFamily> families) {
        return new TestServices(families, false, AgentConfig.defaults());
    }

    /** The same services reading {@code config} as the agent's configuration. */
    TestServices withConfig(AgentConfig config) {
        return new TestServices(families, windows, config);
    }

    /** The real root command line, with status and doctor built over these services. */
    CommandLine commandLine(Clock clock) {
        return commandLine(clock, InetAddress::getByName);
    }

    /** As above, doctor resolving host names with {@code names}. */
    CommandLine commandLine(Clock clock, NameResolver.Lookup names) {
        return KmsAgentCommand.commandLine(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == StatusCommand.class) {
                    return cls.cast(new StatusCommand(TestServices.this));
                }
                if (cls == DoctorCommand.class) {
                    return cls.cast(new DoctorCommand(TestServices.this, clock, names));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        });
    }

    /** The defaults unless {@link #withConfig} gave others, as the agent runs without a configuration file. */
    @Override
    public AgentConfig agentConfig() {
        return config;
    }

    /** The check {@link #agentConfig()} asks for, as the real wiring loads plugins with. */
    @Override
    public PluginSignatures pluginSignatures() {
        return OfflinePluginTrust.of(agentConfig());
    }

    /** Families built in code: no jar to refuse. */
    @Override
    public List<PluginProblem> pluginProblems() {
        return List.of();
    }

    @Override
    public LicensingStacks stacks() {
        // "slc" must be asked for explicitly on Linux: auto would take the simulated machine.
        return new LicensingStacks(
                () -> new SlcLicensingStack(
                        SlcClient::forService,
                        new RecordingLicensingWriter(),
                        "PC-0042",
                        WindowsVersion.WINDOWS_10,
                        new HostCachingSetting(RegistryDouble.LIBRARY)::enabled),
                () -> {
                    throw new IllegalStateException("the simulated licensing stack is not wired into this build yet");
                },
                "Linux");
    }
}
