package org.kmsagent.agent.cli;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.kmsagent.agent.command.GlobalOptions;
import org.kmsagent.agent.command.PluginLease;
import org.kmsagent.agent.command.TakesGlobalOptions;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.core.Subcommands;
import org.kmsagent.agent.core.text.ClosestNames;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.plugin.PluginHostModule;
import org.kmsagent.agent.plugin.SkippedFile;
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
            description = "Directory of product-family plugin jars (default: the configuration's pluginsDir, else"
                    + " plugins/ beside the installation).")
    Path pluginsDir;

    /**
     * {@inheritDoc} {@code --plugins-dir}, else the {@code pluginsDir} of the configuration this command line runs with
     * ({@link #agentConfig()}), as {@code run} reads it.
     *
     * @throws UsageException that configuration cannot be read
     */
    @Override
    public Path pluginsDirectory() {
        return pluginsDir != null ? pluginsDir : agentConfig().pluginsDirectory();
    }

    @Override
    public Optional<Path> pluginsDirOption() {
        return Optional.ofNullable(pluginsDir);
    }

    /**
     * The first {@link #loadPlugins()}'s host, loading since before the command line was parsed (see
     * {@link #forProcess(String[])}), and the {@code --plugins-dir} (null for none) and configuration it was started
     * for: the two that decide its plugins directory.
     */
    private Ahead<PluginHost> pluginsAhead;

    private Path pluginsAheadOption;

    private OfflineAgentConfig pluginsAheadConfig;

    /**
     * The configuration this command line runs with, read once (the plugins folder and their trust, status, doctor):
     * {@code KMSAGENT_CONFIG} unless the command names a file ({@link #useConfigFile(String)}).
     */
    private OfflineAgentConfig agentConfig = new OfflineAgentConfig(System.getenv());

    synchronized OfflineAgentConfig agentConfig() {
        return agentConfig;
    }

    /**
     * Makes the file a command names ({@code doctor --config FILE}, as written; null for none) the configuration of
     * this command line, for everything read from it after: the plugins folder, their trust store and what the
     * command reads itself. Called once the command's options are parsed, before any is read; a configuration already
     * read from the same words is kept, so it is read once.
     */
    synchronized void useConfigFile(String given) {
        if (!Objects.equals(given, agentConfig.given())) {
            agentConfig = new OfflineAgentConfig(given, System.getenv());
        }
    }

    /** The plugin problems already printed by {@link #loadPlugins()}: each is printed once per process. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** The host the commands of this command line hold ({@link PluginLease}), or null when none holds one. */
    private PluginHost shared;

    /** How many leases on {@link #shared} are open. */
    private int leases;

    /**
     * {@inheritDoc} Each jar that failed is printed on standard error, once, as {@code warning: plugin not loaded:
     * <jar> (plugin <id>): <reason>} (the host here logs nothing of its own: docs/plugin-guide.md), and so is each
     * warning of the configuration ({@link OfflineAgentConfig#warnings()}).
     *
     * @throws UsageException {@code --plugins-dir}, or without it the configuration's {@code pluginsDir}, names no
     *     directory: a typo there would otherwise pass as a machine with no product family to manage
     */
    @Override
    public synchronized PluginLease loadPlugins() {
        if (shared == null) {
            shared = loadHost();
        }
        leases++;
        return new PluginLease(shared, this::release);
    }

    /** Closes the shared host when the last command holding it lets go. */
    private synchronized void release() {
        if (--leases == 0) {
            PluginHost host = shared;
            shared = null;
            host.close();
        }
    }

    /** The plugins of the folder this command line names, loaded (or taken from the load ahead), their problems told. */
    private PluginHost loadHost() {
        OfflineAgentConfig config = agentConfig();
        Path directory = checkedPluginsDirectory(pluginsDir, config);
        Ahead<PluginHost> ahead = takePluginsAhead();
        PluginHost host = ahead != null ? ahead.get() : load(directory, config);
        PrintWriter err = spec.commandLine().getErr();
        host.problems().stream()
                .filter(p -> warned.add(p.message()))
                .forEach(p -> err.println("warning: plugin not loaded: " + p.message()));
        host.skipped().stream()
                .map(SkippedFile::message)
                .filter(warned::add)
                .forEach(s -> err.println("warning: " + s));
        // The configuration's own warnings (a misspelt KMSAGENT_ variable), as run's banner says them: a status or
        // doctor taken to check a change would otherwise show the default where the administrator meant a value.
        config.warnings().stream().filter(warned::add).forEach(w -> err.println("warning: " + w));
        err.flush();
        return host;
    }

    /**
     * Refuses a {@code --plugins-dir} that names no directory ({@code run} checks it too, before it starts).
     *
     * @throws UsageException it does not exist or is not a directory
     */
    void checkPluginsDirOption() {
        checkPluginsDirOption(pluginsDir);
    }

    private static void checkPluginsDirOption(Path option) {
        if (option != null && !Files.isDirectory(option)) {
            throw new UsageException("--plugins-dir: " + option.toAbsolutePath()
                    + (Files.exists(option) ? " is not a directory" : " does not exist"));
        }
    }

    /**
     * The plugins directory for {@code option} ({@code --plugins-dir}, null for none) and {@code config}: the option,
     * else the configuration's {@code pluginsDir}, as {@code run} takes them; refused when it names no directory.
     *
     * @throws UsageException it names no directory (naming the option, or the key and where it was written), or the
     *     configuration cannot be read
     */
    private static Path checkedPluginsDirectory(Path option, OfflineAgentConfig config) {
        if (option != null) {
            checkPluginsDirOption(option);
            return option;
        }
        config.checkPluginsDirectory();
        return config.pluginsDirectory();
    }

    /**
     * The host loaded ahead, if it was loaded from what the parsed command line names; null otherwise. One loaded
     * from another folder or configuration is closed here, once its load is done: left so, its plugins would stay
     * started and their jars open for the rest of the process (an open jar cannot be replaced on Windows).
     */
    private Ahead<PluginHost> takePluginsAhead() {
        Ahead<PluginHost> ahead;
        boolean same;
        synchronized (this) {
            ahead = pluginsAhead;
            pluginsAhead = null;
            // Started from a first look at the arguments; picocli's parse is the one that counts. The same option and
            // configuration name the same directory.
            same = Objects.equals(pluginsAheadOption, pluginsDir) && pluginsAheadConfig == agentConfig;
        }
        if (ahead == null || same) {
            return ahead;
        }
        try {
            ahead.get().close();
        } catch (RuntimeException failed) {
            // A load that failed left nothing to close; what it failed on is for the command's own load to say.
        }
        return null;
    }

    private static PluginHost load(Path directory, OfflineAgentConfig config) {
        PluginHost host = Guice.createInjector(new PluginHostModule(
                        directory,
                        OfflinePluginTrust.of(config.get()),
                        // loadPlugins() prints them, once, as the warnings the commands show.
                        PluginHost.ProblemReport.CALLER))
                .getInstance(PluginHost.class);
        host.rescan();
        return host;
    }

    /** The commands that read the plugins' catalogs first thing: their plugins are loaded ahead. */
    private static final Set<String> PLUGIN_COMMANDS = Stream.of(
                    StatusCommand.class, DoctorCommand.class, ProductsCommand.class, GvlkCommand.class)
            .map(c -> c.getAnnotation(Command.class).name())
            .collect(Collectors.toUnmodifiableSet());

    /**
     * The command line of this process, {@code kms-agent ARGS}: as {@link #commandLine(CommandLine.IFactory,
     * String[])}, with what the named command will need first started on a second thread. For {@code status},
     * {@code doctor}, {@code products} and {@code gvlk} that is reading the configuration and loading the plugins from
     * the directory {@code --plugins-dir} or else the configuration names, a third of such a command's run, which then
     * overlaps picocli's and Guice's start-up (docs/performance-log.md).
     */
    static CommandLine forProcess(String[] args) {
        KmsAgentCommand root = new KmsAgentCommand();
        boolean help = Arrays.stream(args).anyMatch(a -> HELP_OPTIONS.contains(a));
        String command = firstWord(args);
        if (!help && command != null && PLUGIN_COMMANDS.contains(command)) {
            Path option = optionArgument(args, "--plugins-dir").map(Path::of).orElse(null);
            // doctor's --config, for the plugins folder and trust store; the command checks it again once picocli has
            // parsed it.
            root.useConfigFile(optionArgument(args, OfflineAgentConfig.OPTION).orElse(null));
            OfflineAgentConfig config = root.agentConfig();
            root.pluginsAheadOption = option;
            root.pluginsAheadConfig = config;
            // A directory that is not there fails here without loading anything; loadPlugins() refuses it by itself
            // with a usage error before it would take this host.
            root.pluginsAhead =
                    new Ahead<>("plugins-ahead", () -> load(checkedPluginsDirectory(option, config), config)).start();
        }
        return commandLine(CommandLine.defaultFactory(), args, root);
    }

    private static final Set<String> HELP_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    /** The commands only the full install adds (its hub, simulator and bench modules register them). */
    private static final Set<String> FULL_INSTALL_COMMANDS = Set.of("hub", "simulate", "bench");

    /** The shape of a plugin's family id (lower case, digits, dashes), not an option. */
    private static final Pattern FAMILY_ID = PluginHost.FAMILY_ID;

    /**
     * The value of {@code option} anywhere in {@code args} ({@code --plugins-dir}: the root's, or a command's that
     * takes it; {@code --config}: doctor's).
     */
    private static Optional<String> optionArgument(String[] args, String option) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(option) && i + 1 < args.length) {
                return Optional.of(args[i + 1]);
            }
            if (args[i].startsWith(option + "=")) {
                return Optional.of(args[i].substring(option.length() + 1));
            }
        }
        return Optional.empty();
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
        String word = firstWord(args);
        return word != null && subcommands.containsKey(word) ? word : null;
    }

    /**
     * {@code command} and the commands it runs through this command line: {@code simulate --from-hub} takes the hub's
     * snapshot by running {@code ctl fleet snapshot} (the simulator module cannot import the command line's).
     */
    private static Set<String> withCompanions(String command) {
        return command.equals("simulate") ? Set.of("simulate", "ctl") : Set.of(command);
    }

    /** The first argument that is not {@code --plugins-dir} or its value; null when there is none. */
    private static String firstWord(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--plugins-dir")) {
                i++;
            } else if (!a.startsWith("--plugins-dir=")) {
                return a;
            }
        }
        return null;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command; see 'kms-agent --help'");
    }

    /**
     * Takes the root's inherited options ({@code global}) out of {@code command} and the commands below it, except
     * where a command says it reads them ({@link TakesGlobalOptions}): picocli copies them into every command.
     */
    private static void keepGlobalOptionsWhereTaken(CommandLine command, Set<String> global) {
        CommandLine.Model.CommandSpec spec = command.getCommandSpec();
        if (!spec.userObject().getClass().isAnnotationPresent(TakesGlobalOptions.class)) {
            for (CommandLine.Model.OptionSpec o : List.copyOf(spec.options())) {
                if (o.inherited() && global.contains(o.longestName())) {
                    spec.remove(o);
                }
            }
        }
        command.getSubcommands().values().forEach(sub -> keepGlobalOptionsWhereTaken(sub, global));
    }

    /**
     * What every command prints for arguments picocli refuses (an unknown option, a bad value, a missing parameter):
     * the reason on one line, the names close to a mistyped word, and where the help is, rather than the whole help
     * (which would bury the reason). Exit code 2.
     */
    private static int usageError(CommandLine.ParameterException ex, Set<String> rootCommands) {
        CommandLine command = ex.getCommandLine();
        String help = command.getCommandSpec().qualifiedName() + " --help";
        String message = unknownCommand(ex).orElse(ex.getMessage());
        PrintWriter err = command.getErr();
        // Messages of our own already say where to look ("Missing a command; see 'kms-agent --help'").
        err.println("kms-agent: "
                + (message.contains("'" + help + "'")
                        ? message
                        : message.replaceFirst("\\.$", "") + familyHint(ex) + "; see '" + help + "'"));
        if (ex instanceof CommandLine.UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()) {
            printSuggestions(u, rootCommands, err);
        }
        err.flush();
        return 2;
    }

    /** How picocli's {@code help} command refuses a word that names no command. */
    private static final Pattern HELP_UNKNOWN = Pattern.compile("(?s)Unknown subcommand '(.*)'\\.?");

    /**
     * A word where a command of {@code command} goes that names none ({@code kms-agent ctl nosuch}): said so, as
     * {@code ctl help nosuch} says it, rather than picocli's "Unmatched argument at index 1"; empty for anything else
     * (an option, an argument too many for a command without commands of its own).
     */
    private static Optional<String> unknownCommand(CommandLine.ParameterException ex) {
        Matcher help = HELP_UNKNOWN.matcher(String.valueOf(ex.getMessage()));
        if (help.matches()) {
            // picocli's help command: "Unknown subcommand 'nosuch'." for what the command line itself says so.
            return Optional.of("'" + BoundedInput.shown(help.group(1)) + "' is not a command of '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + "'");
        }
        if (ex instanceof CommandLine.UnmatchedArgumentException u
                && !u.isUnknownOption()
                && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")
                && !ex.getCommandLine().getSubcommands().isEmpty()) {
            return Optional.of("'" + BoundedInput.shown(u.getUnmatched().get(0)) + "' is not a command of '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + "'");
        }
        return Optional.empty();
    }

    /**
     * "Did you mean" with only the names close to the word ({@link ClosestNames}): picocli's own guess is its most
     * similar name however far, and answered {@code ctl products} with {@code ctl activate}, a command that changes
     * state. A word that is a command of kms-agent itself, typed under another command, is shown where it is.
     */
    private static void printSuggestions(
            CommandLine.UnmatchedArgumentException ex, Set<String> rootCommands, PrintWriter err) {
        String word = ex.getUnmatched().get(0);
        CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
        List<String> close = ClosestNames.closest(word, candidates(ex));
        if (!close.isEmpty()) {
            err.println("Did you mean: "
                    + close.stream()
                            .map(name -> ex.isUnknownOption() ? name : spec.qualifiedName() + " " + name)
                            .collect(Collectors.joining(" or "))
                    + "?");
        } else if (spec.parent() != null && rootCommands.contains(word)) {
            err.println("'" + word + "' is a command of kms-agent itself, not of '" + spec.qualifiedName() + "': "
                    + "kms-agent " + word);
        }
    }

    /**
     * Every name the word may have been meant as: the command's options, or its visible commands. Not picocli's own
     * suggestions, its three most similar by shared letter pairs: 'hbu' shares none with hub, which was never
     * offered, however close {@link ClosestNames} finds it.
     */
    private static List<String> candidates(CommandLine.UnmatchedArgumentException ex) {
        CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
        if (ex.isUnknownOption()) {
            return spec.options().stream()
                    .filter(o -> !o.hidden())
                    .flatMap(o -> Arrays.stream(o.names()))
                    .toList();
        }
        return spec.subcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * For a command that takes {@code --family}, a family id typed on its own ({@code products office2024}, as one
     * types {@code gvlk EDITION}) is shown how to name it; empty otherwise.
     */
    private static String familyHint(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()
                && FAMILY_ID.matcher(u.getUnmatched().get(0)).matches()
                && ex.getCommandLine().getCommandSpec().findOption("--family") != null) {
            return " (a family is named with --family: --family "
                    + u.getUnmatched().get(0) + ")";
        }
        return "";
    }

    /** A configured command line: usage errors exit 2, failures print their message (no stack trace) and exit 1. */
    public static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    /** The help command, its header what the commands' list shows and its description ours, as every command's. */
    private static CommandLine help(CommandLine.IFactory factory, String description) {
        CommandLine help = new CommandLine(new HelpCommand(), factory);
        help.getCommandSpec()
                .usageMessage()
                .header(new String[0])
                .synopsisHeading("Usage: ")
                .description(description);
        return help;
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
        return commandLine(factory, args, new KmsAgentCommand());
    }

    private static CommandLine commandLine(CommandLine.IFactory factory, String[] args, KmsAgentCommand root) {
        // Guice builds the subcommands' injector on a second thread while picocli reads the root command here.
        CliInjector.startAhead();
        CommandLine cl = new CommandLine(root, factory);
        Map<String, Class<?>> subcommands =
                CliInjector.get().getInstance(Key.get(new TypeLiteral<Map<String, Class<?>>>() {}, Subcommands.class));
        String named = namedSubcommand(args, subcommands);
        Set<String> built = named == null ? subcommands.keySet() : withCompanions(named);
        subcommands.forEach((name, type) -> {
            if (built.contains(name)) {
                cl.addSubcommand(name, factoryCreate(factory, type));
            }
        });
        // 'kms-agent help' and 'kms-agent help status', as an administrator types them (git, docker, netsh): with the
        // others when they are all built (the word names no module's command, so they are for 'help').
        if (named == null) {
            cl.addSubcommand(
                    "help", help(factory, "Prints the help of kms-agent, or of the command named, as --help does."));
        }
        // 'kms-agent ctl help host' too: ctl's commands are many, and help is the word typed first.
        CommandLine ctl = cl.getSubcommands().get("ctl");
        if (ctl != null) {
            ctl.addSubcommand(
                    "help", help(factory, "Prints the help of ctl, or of the ctl command named, as --help does."));
        }
        Set<String> global = cl.getCommandSpec().options().stream()
                .filter(o -> o.scopeType() == ScopeType.INHERIT)
                .map(CommandLine.Model.OptionSpec::longestName)
                .collect(Collectors.toUnmodifiableSet());
        cl.getSubcommands().values().forEach(sub -> keepGlobalOptionsWhereTaken(sub, global));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("kms-agent: " + Failures.describe(ex));
            err.flush();
            return ex instanceof UsageException ? 2 : 1;
        });
        cl.setExitCodeExceptionMapper(ex -> ex instanceof CommandLine.ParameterException ? 2 : 1);
        cl.setParameterExceptionHandler((ex, arguments) -> {
            // The word is an unknown command's ('kms-agent simulate'), or the one 'kms-agent help' was asked about
            // (picocli's help command names it as the value of its refusal, 'Unknown subcommand').
            String word = ex instanceof CommandLine.UnmatchedArgumentException u
                            && !u.getUnmatched().isEmpty()
                    ? u.getUnmatched().get(0)
                    : ex.getMessage() != null && ex.getMessage().startsWith("Unknown subcommand")
                            ? ex.getValue()
                            : null;
            if (word != null
                    && ex.getCommandLine() == cl
                    && FULL_INSTALL_COMMANDS.contains(word)
                    && !subcommands.containsKey(word)) {
                // picocli would suggest the closest command of this install ("status" for "simulate").
                PrintWriter err = cl.getErr();
                err.println("kms-agent: '" + word + "' is a command of the full install (kms-agent-<version>), not of"
                        + " the machine agent; see 'kms-agent --help' for this install's commands");
                err.flush();
                return 2;
            }
            return usageError(ex, subcommands.keySet());
        });
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
