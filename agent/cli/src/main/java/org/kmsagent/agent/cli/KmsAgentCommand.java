package org.kmsagent.agent.cli;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import org.kmsagent.agent.core.GlobalOptions;
import org.kmsagent.agent.core.Installation;
import org.kmsagent.agent.core.PluginHostModule;
import org.kmsagent.agent.core.Subcommands;
import org.kmsagent.agent.plugin.PluginHost;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The root {@code kms-agent} command. Its subcommands are not listed here: every module's Guice module contributes
 * its own ({@link Subcommands}), so the machine agent has exactly the commands of the modules it ships.
 *
 * <p>Exit codes, for every subcommand: 0 done, 1 failed (an error message on stderr), 2 usage.
 */
@Command(
        name = "kms-agent",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Keeps volume-licensed Windows and Office activated and renewed through KMS.")
public final class KmsAgentCommand implements Runnable, GlobalOptions {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--plugins-dir",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "Directory of product-family plugin jars (default: plugins/ beside the installation).")
    Path pluginsDir;

    @Override
    public Path pluginsDirectory() {
        return pluginsDir != null ? pluginsDir : Installation.defaultPluginsDirectory();
    }

    @Override
    public java.util.Optional<Path> pluginsDirOption() {
        return java.util.Optional.ofNullable(pluginsDir);
    }

    @Override
    public PluginHost loadPlugins() {
        PluginHost host = Guice.createInjector(
                        new PluginHostModule(pluginsDirectory(), OfflinePluginTrust.fromEnvironment(System.getenv())))
                .getInstance(PluginHost.class);
        host.rescan();
        return host;
    }

    private static Object factoryCreate(CommandLine.IFactory factory, Class<?> type) {
        try {
            return factory.create(type);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the " + type.getSimpleName() + " command: " + e, e);
        }
    }

    /** The subcommand {@code args} name after the root's own options, or null if they name none or ask for help. */
    static String namedSubcommand(String[] args, Map<String, Class<?>> subcommands) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--plugins-dir")) {
                i++;
            } else if (!a.startsWith("--plugins-dir=")) {
                return subcommands.containsKey(a) ? a : null;
            }
        }
        return null;
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
        return commandLine(factory, new String[0]);
    }

    /**
     * The command line for {@code args}: when they name a subcommand, only that one is built. Building one means
     * picocli reflecting over it and its nested commands and loading what their fields name (ctl has a score of
     * nested commands; run's logger starts the logging backend), which a short {@code kms-agent status} need not
     * pay for. Anything else (no command, an unknown word, a root option such as {@code --help}) gets them all, so
     * help and error messages are the same as ever.
     */
    public static CommandLine commandLine(CommandLine.IFactory factory, String[] args) {
        CommandLine cl = new CommandLine(new KmsAgentCommand(), factory);
        Map<String, Class<?>> subcommands =
                CliInjector.get().getInstance(Key.get(new TypeLiteral<Map<String, Class<?>>>() {}, Subcommands.class));
        String named = namedSubcommand(args, subcommands);
        subcommands.forEach((name, type) -> {
            if (named == null || named.equals(name)) {
                cl.addSubcommand(name, factoryCreate(factory, type));
            }
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("kms-agent: " + ex.getMessage());
            err.flush();
            return ex instanceof UsageException ? 2 : 1;
        });
        cl.setExitCodeExceptionMapper(ex -> ex instanceof CommandLine.ParameterException ? 2 : 1);
        // With --help anywhere, picocli prints the root's help and exits 0 even when a word before it is no command
        // (e.g. 'simulate --help' on the machine agent, which has no simulator): say it is unknown instead.
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cl.setExecutionStrategy(parseResult -> {
            for (CommandLine.ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
                if (!pr.unmatched().isEmpty()) {
                    throw new CommandLine.UnmatchedArgumentException(
                            pr.commandSpec().commandLine(), pr.unmatched());
                }
            }
            return runLast.execute(parseResult);
        });
        return cl;
    }
}
