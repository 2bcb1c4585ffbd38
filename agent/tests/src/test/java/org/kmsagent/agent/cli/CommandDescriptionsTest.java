package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@code --help} prints about each command reads as prose: picocli wraps each element of a command's description
 * as a paragraph of its own, so an element that stops mid-sentence prints as a ragged line break (as {@code simulate}'s
 * did); and the command list reads in one voice ("Lists", "Runs", not "List", "Run").
 */
class CommandDescriptionsTest {
    private static List<CommandLine> everyCommand() {
        List<CommandLine> all = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(
                List.of(KmsAgentCommand.commandLine(CommandLine.defaultFactory(), new String[] {"--help"})));
        while (!todo.isEmpty()) {
            CommandLine c = todo.remove(todo.size() - 1);
            all.add(c);
            todo.addAll(c.getSubcommands().values());
        }
        return all;
    }

    @Test
    void everyDescriptionElementIsAWholeSentence() {
        List<CommandLine> all = everyCommand();
        assertThat(all).extracting(CommandLine::getCommandName).contains("simulate", "bench", "hub", "status", "hash");
        for (CommandLine c : all) {
            for (String paragraph : c.getCommandSpec().usageMessage().description()) {
                assertThat(paragraph.strip())
                        .as(
                                "a paragraph of %s's description",
                                c.getCommandSpec().qualifiedName())
                        .matches("(?s).*[.:)]");
            }
        }
    }

    @Test
    void theTopLevelCommandsAreDescribedInOneVoice() {
        CommandLine root = KmsAgentCommand.commandLine(CommandLine.defaultFactory(), new String[] {"--help"});
        for (CommandLine c : root.getSubcommands().values()) {
            String[] description = c.getCommandSpec().usageMessage().description();
            assertThat(description).as("%s's description", c.getCommandName()).isNotEmpty();
            // The commands' list in the root's help shows a command's header when it has one.
            String[] header = c.getCommandSpec().usageMessage().header();
            String listed = header.length > 0 ? header[0] : description[0];
            String firstWord = listed.split(" ", 2)[0];
            assertThat(firstWord)
                    .as("the first word of %s's description", c.getCommandName())
                    .endsWith("s");
        }
    }
}
