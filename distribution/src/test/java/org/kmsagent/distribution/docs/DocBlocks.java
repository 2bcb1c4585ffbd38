package org.kmsagent.distribution.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of one Markdown file, read the way docs/building.md ("How the docs are tested") describes:
 * in a {@code console} block a line starting with {@code $ } or {@code > } is a command, the lines below it until the
 * next command are its output; an HTML comment {@code <!-- docs-run: … -->} on the line before the fence says how
 * (or why not) the block is run.
 */
record DocBlocks(Path doc, List<Block> blocks) {
    private static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*docs-run:\\s*(.*?)\\s*-->\\s*$");

    /** One fenced block: where it opens, its info string, its docs-run marker (or null), its lines. */
    record Block(int line, String info, String marker, List<Line> lines) {
        boolean console() {
            return info.equals("console");
        }

        /** The commands of a console block with the output lines shown under each. */
        List<Command> commands() {
            List<Command> commands = new ArrayList<>();
            for (Line l : lines) {
                String prompt = l.text().startsWith("$ ") || l.text().startsWith("> ")
                        ? l.text().substring(2)
                        : null;
                if (prompt != null) {
                    commands.add(new Command(l.number(), prompt.strip(), new ArrayList<>()));
                } else if (!commands.isEmpty()) {
                    commands.get(commands.size() - 1).output().add(l);
                }
            }
            return commands;
        }
    }

    /** A line of a document: its 1-based number and its text (a block's own indentation removed). */
    record Line(int number, String text) {}

    /** A command shown in a console block and the output the docs say it prints. */
    record Command(int line, String text, List<Line> output) {
        boolean background() {
            return text.endsWith("&") && !text.endsWith("&&");
        }
    }

    static DocBlocks read(Path doc) throws IOException {
        List<String> raw = Files.readAllLines(doc);
        List<Block> blocks = new ArrayList<>();
        String previous = "";
        for (int i = 0; i < raw.size(); i++) {
            String line = raw.get(i);
            String stripped = line.strip();
            if (stripped.startsWith("```")) {
                int indent = line.indexOf('`');
                String fence = stripped.substring(
                        0, stripped.length() - stripped.replaceFirst("^`+", "").length());
                Matcher m = MARKER.matcher(previous);
                String marker = m.matches() ? m.group(1) : null;
                List<Line> body = new ArrayList<>();
                int open = i + 1;
                for (i++; i < raw.size() && !raw.get(i).strip().equals(fence); i++) {
                    String l = raw.get(i);
                    body.add(new Line(
                            i + 1,
                            l.length() >= indent && l.substring(0, indent).isBlank()
                                    ? l.substring(indent).stripTrailing()
                                    : l.strip()));
                }
                blocks.add(new Block(open, stripped.substring(fence.length()).strip(), marker, body));
                previous = "";
            } else if (!stripped.isEmpty()) {
                previous = line;
            }
        }
        return new DocBlocks(doc, blocks);
    }
}
