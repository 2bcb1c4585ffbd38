package org.kmsagent.agent.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.cli.KmsAgentCommand;
import picocli.CommandLine;

/**
 * Keeps the commands in README.md and docs/ from rotting: every {@code kms-agent …} line in a fenced code block,
 * written with concrete values, must parse against the real command line (subcommands, options, their types).
 * Lines written as syntax, with placeholders ({@code HOST[:PORT]}, {@code <file>}, {@code …}), are reference and
 * skipped. Those shown in console blocks are also run for real, from the unpacked archives, and their output compared
 * with the docs, by the distribution's DocsRunIT (docs/building.md §14).
 */
class DocsCommandsTest {
    private static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
    private static final Pattern COMMAND = Pattern.compile("(?:^|[\\s/])kms-agent(?:\\.cmd)?\\s+(.*)$");
    private static final Pattern PLACEHOLDER = Pattern.compile("^[A-Z][A-Z_]+(?:\\[.*)?$|[\\[<…]|\\.\\.\\.");

    @Test
    void everyConcreteCommandInTheDocsParses() throws IOException {
        List<String> checked = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path doc : documents()) {
            for (String line : commandLines(doc)) {
                List<String> args = words(line);
                // Output quoted in the docs ("kms-agent simulate: site.yaml: 2 problems") is not a command.
                boolean output = !args.isEmpty() && args.get(0).endsWith(":");
                if (args.isEmpty()
                        || output
                        || args.stream().anyMatch(a -> PLACEHOLDER.matcher(a).find())) {
                    continue;
                }
                try {
                    KmsAgentCommand.commandLine().parseArgs(args.toArray(String[]::new));
                    checked.add(line);
                } catch (CommandLine.ParameterException e) {
                    failures.add(ROOT.relativize(doc) + ": kms-agent " + line + "\n    " + e.getMessage());
                }
            }
        }
        assertThat(failures).as("commands in the docs that no longer parse").isEmpty();
        assertThat(checked).as("the docs show commands at all").hasSizeGreaterThan(10);
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        try (Stream<Path> files = Files.list(ROOT.resolve("plugins"))) {
            files.map(p -> p.resolve("README.md"))
                    .filter(Files::exists)
                    .sorted()
                    .forEach(docs::add);
        }
        return docs;
    }

    /** The argument part of every kms-agent command inside fenced code blocks, cut at comments, pipes and chains. */
    static List<String> commandLines(Path doc) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean inBlock = false;
        boolean console = false;
        for (String raw : Files.readAllLines(doc)) {
            if (raw.strip().startsWith("```")) {
                inBlock = !inBlock;
                console = inBlock && raw.strip().equals("```console");
                continue;
            }
            if (!inBlock) {
                continue;
            }
            String line = raw.strip();
            if (console) {
                // In a console block only the lines after a prompt are commands; the others are their output.
                if (!line.startsWith("$ ") && !line.startsWith("> ")) {
                    continue;
                }
                line = line.substring(2);
            }
            int chain = line.indexOf("&&");
            while (chain >= 0) {
                Matcher before = COMMAND.matcher(line.substring(0, chain));
                if (before.find()) {
                    break;
                }
                line = line.substring(chain + 2);
                chain = line.indexOf("&&");
            }
            Matcher m = COMMAND.matcher(line);
            if (!m.find() || line.strip().startsWith("kms-agent:") || line.contains("kms-agent: ")) {
                continue;
            }
            String args = m.group(1);
            for (String cut : new String[] {" #", " |", " &&", " >", " 2>", " <"}) {
                int at = args.indexOf(cut);
                if (at >= 0) {
                    args = args.substring(0, at);
                }
            }
            if (!args.endsWith("\\")) {
                lines.add(args.strip());
            }
        }
        return lines;
    }

    /** Shell-like words: double or single quotes group, no expansion. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            } else {
                word.append(c);
            }
        }
        if (any || word.length() > 0) {
            words.add(word.toString());
        }
        if (words.stream().anyMatch(w -> w.startsWith("$"))) {
            return List.of();
        }
        return words;
    }
}
