package org.kmsagent.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kms-agent help [COMMAND...]}: the help of the command the words lead to, as its {@code --help} prints it.
 * picocli's own help command takes one word, so {@code kms-agent help ctl status}, as an administrator types it (git,
 * netsh), was refused as an unmatched argument; this one walks the words down the commands, and a word that names
 * none is refused as picocli's is ("Unknown subcommand"), which the command line says in its own words.
 */
@Command(name = "help", helpCommand = true)
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean helpAsked;

    @Parameters(
            paramLabel = "COMMAND",
            arity = "0..*",
            description = "The command whose help to print, and the command under it (e.g. ctl status).")
    List<String> path = new ArrayList<>();

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(
            CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String word : path) {
            CommandLine sub = target.getSubcommands().get(word);
            if (sub == null) {
                throw new CommandLine.ParameterException(target, "Unknown subcommand '" + word + "'.", null, word);
            }
            target = sub;
        }
        target.usage(out, colors);
    }
}
