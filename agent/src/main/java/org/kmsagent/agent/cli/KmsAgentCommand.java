package org.kmsagent.agent.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
      org.kmsagent.agent.simulate.SimulateCommand.class,
    })
public final class KmsAgentCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command; see 'kms-agent --help'.");
  }

  /** A configured command line: usage errors exit 2, failures print their message (no stack trace) and exit 1. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new KmsAgentCommand());
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
