package org.kmsagent.distribution.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every command that README.md, docs/ and plugins/&#42;/README.md show, run as they show it, from the unpacked
 * release archives, and its output compared with what the docs say it prints. The conventions (console blocks,
 * {@code …}, docs-run markers) are in docs/building.md, "How the docs are tested". What each command really
 * printed is left in target/docs-run/&lt;doc&gt;.console.md, ready to paste into the doc.
 */
class DocsRunIT {
    private static final Path TARGET =
            Path.of(System.getProperty("kmsagent.target", "target")).toAbsolutePath();
    private static final Path SOURCE = Path.of(System.getProperty("kmsagent.basedir", "."))
            .toAbsolutePath()
            .normalize()
            .getParent();
    private static final String VERSION = System.getProperty("kmsagent.version", "0.1.0-SNAPSHOT");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration BACKGROUND_TIMEOUT = Duration.ofSeconds(120);

    /** {@code kms-agent …} anywhere in a line, as DocsCommandsTest finds commands, Windows paths included. */
    private static final Pattern KMS_AGENT =
            Pattern.compile("(?:^|[\\s/\\\\])kms-agent(?:\\.cmd|\\.exe)?[ \\t]+(\\S.*)$");
    /** Syntax rather than an example: HOST, HOST[:PORT], <file>, [--json], … or "...". */
    private static final Pattern PLACEHOLDER = Pattern.compile("^[A-Z][A-Z_]+(?:\\[.*)?$|[\\[<…]|\\.\\.\\.");

    private static final Pattern SKIP = Pattern.compile("^skip\\s*(?:\\((.+)\\)|:\\s*(.+))$");

    private final List<String> problems = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> timings = new ArrayList<>();
    private int ran;

    @Test
    void everyCommandTheDocsShowPrintsWhatTheDocsSay() throws Exception {
        Path work = TARGET.resolve("docs-run");
        delete(work);
        Files.createDirectories(work);
        long start = System.nanoTime();
        for (Path doc : documents()) {
            long began = System.nanoTime();
            int before = ran;
            runDocument(DocBlocks.read(doc), work);
            if (ran > before) {
                timings.add(SOURCE.relativize(doc) + " " + (ran - before) + " in "
                        + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began) + " s");
            }
        }
        System.out.printf(
                "docs-run: %d commands run and compared in %d s (%s); not run:%n  %s%n",
                ran,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                String.join(", ", timings),
                String.join("\n  ", skipped));
        assertThat(problems)
                .as(
                        "Commands in the docs that print something else than the docs show, or that are neither run nor marked "
                                + "(see docs/building.md, \"How the docs are tested\"; what each command printed is in "
                                + TARGET.relativize(work) + "/*.console.md)")
                .isEmpty();
        assertThat(ran).as("commands run from the docs").isGreaterThan(10);
    }

    private void runDocument(DocBlocks doc, Path work) throws IOException, InterruptedException {
        String name = SOURCE.relativize(doc.doc()).toString();
        Map<String, ShellSession> sessions = new LinkedHashMap<>();
        StringBuilder transcript = new StringBuilder();
        try {
            for (DocBlocks.Block block : doc.blocks()) {
                String where = name + ":" + block.line();
                String install = "full";
                if (block.marker() != null) {
                    Matcher skip = SKIP.matcher(block.marker());
                    if (skip.matches()) {
                        skipped.add(where + ": " + (skip.group(1) != null ? skip.group(1) : skip.group(2)));
                        continue;
                    } else if (block.marker().equals("machine")) {
                        install = "machine";
                    } else {
                        problems.add(where + ": unknown marker <!-- docs-run: " + block.marker()
                                + " -->; known: skip (reason), " + "machine");
                        continue;
                    }
                }
                if (!block.console()) {
                    unmarkedCommands(name, block);
                    continue;
                }
                ShellSession shell = sessions.get(install);
                if (shell == null) {
                    Path home = unpack(work.resolve(name.replace('/', '_')), install);
                    madeBySkippedBlocks(name, home);
                    shell = new ShellSession(home);
                    sessions.put(install, shell);
                }
                if (!runBlock(name, block, shell, transcript)) {
                    problems.add(name + ": the rest of this document was not run");
                    break;
                }
            }
        } finally {
            for (ShellSession s : sessions.values()) {
                s.close();
            }
            if (transcript.length() > 0) {
                Files.writeString(work.resolve(name.replace('/', '_') + ".console.md"), transcript);
            }
        }
    }

    /** Runs a console block's commands in order; false when one hung, and the shell can take no more. */
    private boolean runBlock(String name, DocBlocks.Block block, ShellSession shell, StringBuilder transcript)
            throws IOException {
        List<DocBlocks.Command> commands = block.commands();
        if (commands.isEmpty()) {
            problems.add(name + ":" + block.line() + ": a console block without a `$ ` or `> ` command line");
        }
        block.lines().stream()
                .filter(l -> !l.text().isBlank())
                .findFirst()
                .filter(l -> !l.text().startsWith("$ ") && !l.text().startsWith("> "))
                .ifPresent(l -> problems.add(name + ":" + l.number()
                        + ": output before the block's first command (a command " + "line starts with `$ `)"));
        for (int i = 0; i < commands.size(); i++) {
            DocBlocks.Command c = commands.get(i);
            String where = name + ":" + c.line() + ": `" + c.text() + "`";
            if (block.lines().stream()
                    .anyMatch(l -> l.number() == c.line() && l.text().startsWith("> "))) {
                problems.add(where + ": a Windows command (`> ` prompt) in a block that is run here; mark the block "
                        + "<!-- docs-run: skip (Windows only) -->");
                continue;
            }
            if (syntax(c.text())) {
                problems.add(where + ": a placeholder in a command to run; write concrete values, or mark the block "
                        + "<!-- docs-run: skip (reference) -->");
                continue;
            }
            List<DocBlocks.Line> shown =
                    c.output().stream().filter(l -> !l.text().isBlank()).toList();
            if (c.background()
                    && (shown.isEmpty()
                            || shown.get(shown.size() - 1).text().strip().equals("…"))) {
                problems.add(
                        where + ": a job started with & must show its output up to its last line at start, with no "
                                + "`…` at the end: the test waits for that line, and a later one would be taken for the next command's");
            }
            OutputPattern expected = new OutputPattern(c.output());
            ShellSession.Result r = shell.run(
                    c.text(),
                    c.background() ? BACKGROUND_TIMEOUT : COMMAND_TIMEOUT,
                    c.background() ? lines -> expected.mismatch(lines) == null : null);
            ran++;
            transcript
                    .append("<!-- ")
                    .append(name)
                    .append(':')
                    .append(c.line())
                    .append(" -->\n$ ")
                    .append(c.text())
                    .append('\n');
            r.lines().forEach(l -> transcript.append(l).append('\n'));
            transcript.append("[exit ").append(r.exit()).append("]\n\n");
            if (r.timedOut() && !c.background()) {
                problems.add(where + ": did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s; printed:\n"
                        + excerpt(r.lines()));
                return false;
            }
            String mismatch = expected.mismatch(r.lines());
            if (mismatch != null) {
                problems.add(where + ": " + (c.background() ? "within " + BACKGROUND_TIMEOUT.toSeconds() + " s, " : "")
                        + mismatch + "; it printed:\n" + excerpt(r.lines()));
            }
            boolean exitShown =
                    i + 1 < commands.size() && commands.get(i + 1).text().equals("echo $?");
            if (r.exit() != 0 && !exitShown) {
                problems.add(where + ": exited " + r.exit() + ", and the docs show no exit code (add `$ echo $?` and "
                        + r.exit() + " below it if that is what it should do)");
            }
        }
        return true;
    }

    /** kms-agent commands outside console blocks: syntax with placeholders is reference; anything else is unmarked. */
    private void unmarkedCommands(String name, DocBlocks.Block block) {
        for (DocBlocks.Line line : block.lines()) {
            Matcher m = KMS_AGENT.matcher(line.text());
            if (!m.find() || line.text().contains("kms-agent: ")) {
                continue;
            }
            String[] words = m.group(1).split("\\s+");
            boolean output = words[0].endsWith(":");
            if (!output && !syntax(line.text())) {
                problems.add(name + ":" + line.number() + ": `" + line.text().strip() + "` is neither run nor marked: "
                        + "show it in a ```console block as `$ kms-agent "
                        + m.group(1).strip() + "` with the output it prints, or put "
                        + "<!-- docs-run: skip (why) --> on the line before the block (line " + block.line() + ")");
            }
        }
    }

    /**
     * Whether a kms-agent command is written as syntax: a placeholder among its arguments, which end at a pipe,
     * redirection, chain or comment. The rest of a shell line ({@code printf '[%s]'}) is not kms-agent's syntax.
     */
    private static boolean syntax(String line) {
        Matcher m = KMS_AGENT.matcher(line);
        if (!m.find()) {
            return false;
        }
        String args = m.group(1);
        for (String cut : new String[] {" #", " |", " &&", " ;", ";", " >", " 2>", " <", " &"}) {
            int at = args.indexOf(cut);
            args = at >= 0 ? args.substring(0, at) : args;
        }
        return Stream.of(args.strip().split("\\s+"))
                .anyMatch(w -> PLACEHOLDER.matcher(w).find());
    }

    /** What a command printed, for the failure message: its first and last 20 lines when it is long. */
    private static String excerpt(List<String> lines) {
        List<String> shown = new ArrayList<>(lines);
        if (lines.size() > 40) {
            shown = new ArrayList<>(lines.subList(0, 20));
            shown.add("… (" + (lines.size() - 40) + " lines more; all in the .console.md file)");
            shown.addAll(lines.subList(lines.size() - 20, lines.size()));
        }
        return "      | " + String.join("\n      | ", shown);
    }

    /** A fresh copy of one install, unpacked from its release archive as a user would. */
    private static Path unpack(Path dir, String install) throws IOException, InterruptedException {
        String base = install.equals("machine") ? "kms-agent-machine-" : "kms-agent-";
        Path archive = TARGET.resolve(base + VERSION + ".tar.gz");
        assertThat(archive).as("the release archive (built by package)").exists();
        Path into = dir.resolve(install);
        Files.createDirectories(into);
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString())
                .inheritIO()
                .start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0)
                .as("tar -xzf " + archive)
                .isTrue();
        return into.resolve(base + VERSION);
    }

    /** The example plugin's jar, where plugin-guide.md's Maven block leaves it in the installation. */
    private static final String EXAMPLE_PLUGIN_JAR =
            "docs/examples/windows-server-sac-plugin/target/windows-server-sac-plugin-1.0.0.jar";

    /**
     * What a block skipped for a need this test does not meet would have left in the installation, taken from the
     * project's own build, so that the blocks after it run: plugin-guide.md builds the example plugin with Maven
     * (a network and a repository this test does not touch), and the reactor has built the same project.
     */
    private static void madeBySkippedBlocks(String doc, Path home) throws IOException {
        if (!doc.equals("docs/plugin-guide.md")) {
            return;
        }
        Path built = SOURCE.resolve(EXAMPLE_PLUGIN_JAR);
        assertThat(built)
                .as("the example plugin, built by the reactor (module docs/examples/windows-server-sac-plugin)")
                .exists();
        Files.createDirectories(home.resolve(EXAMPLE_PLUGIN_JAR).getParent());
        Files.copy(built, home.resolve(EXAMPLE_PLUGIN_JAR));
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(SOURCE.resolve("README.md")));
        try (Stream<Path> files = Files.walk(SOURCE.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        try (Stream<Path> files = Files.list(SOURCE.resolve("plugins"))) {
            files.map(p -> p.resolve("README.md"))
                    .filter(Files::exists)
                    .sorted()
                    .forEach(docs::add);
        }
        return docs;
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
