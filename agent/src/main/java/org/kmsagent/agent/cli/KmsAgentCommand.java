package org.kmsagent.agent.cli;

import com.google.inject.Guice;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.kmsagent.agent.core.AgentModule;
import org.kmsagent.agent.core.Installation;
import org.kmsagent.agent.plugin.PluginHost;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The root {@code kms-agent} command. Each subcommand is one class in this package; add it to
 * {@code subcommands} below.
 *
 * <p>Exit codes, for every subcommand: 0 done, 1 failed (an error message on stderr), 2 usage.
 */
@Command(
    name = "kms-agent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Keeps volume-licensed Windows and Office activated and renewed through KMS.",
    subcommands = {
      ProductsCommand.class,
      GvlkCommand.class,
      StatusCommand.class,
      DoctorCommand.class,
      org.kmsagent.agent.daemon.RunCommand.class,
      org.kmsagent.agent.ctl.CtlCommand.class,
      org.kmsagent.agent.fleet.HubCommand.class,
      BenchCommand.class,
      org.kmsagent.agent.simulate.SimulateCommand.class,
    })
public final class KmsAgentCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--plugins-dir",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description = "Directory of product-family plugin jars (default: plugins/ beside the installation).")
  Path pluginsDir;

  /** The plugins directory in force. */
  public Path pluginsDirectory() {
    return pluginsDir != null ? pluginsDir : Installation.defaultPluginsDirectory();
  }

  /** The {@code --plugins-dir} given on the command line, if one was. */
  public java.util.Optional<Path> pluginsDirOption() {
    return java.util.Optional.ofNullable(pluginsDir);
  }

  /** A plugin host over the plugins directory, with every jar in it loaded (problems are kept, not thrown). */
  public PluginHost loadPlugins() {
    PluginHost host = Guice.createInjector(new AgentModule(pluginsDirectory())).getInstance(PluginHost.class);
    host.rescan();
    return host;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command; see 'kms-agent --help'.");
  }

  /** A configured command line: usage errors exit 2, failures print their message (no stack trace) and exit 1. */
  public static CommandLine commandLine() {
    return commandLine(CommandLine.defaultFactory());
  }

  /** The same command line, its subcommands built by {@code factory} (tests hand commands their services). */
  public static CommandLine commandLine(CommandLine.IFactory factory) {
    CommandLine cl = new CommandLine(new KmsAgentCommand(), factory);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      err.println("kms-agent: " + ex.getMessage());
      err.flush();
      return ex instanceof UsageException ? 2 : 1;
    });
    cl.setExitCodeExceptionMapper(ex -> ex instanceof CommandLine.ParameterException ? 2 : 1);
    return cl;
  }
}
