package org.kmsagent.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** The {@code kms-agent} entry point. */
public final class Main {
    /** Guice's switch for generating a class per injected constructor and method (its {@code InternalFlags}). */
    static final String GUICE_BYTECODE_GEN = "guice_bytecode_gen_option";

    /** Where Linux shows what the process's descriptor 1 is: {@code pipe:[inode]} for an anonymous pipe. */
    static final Path STANDARD_OUTPUT_LINK = Path.of("/proc/self/fd/1");

    private Main() {}

    public static void main(String[] args) {
        // Guice builds its injectors with reflection rather than generating a class for each injected constructor
        // through its own copy of ASM: nothing here is built by Guice often enough to gain from the generated code, and
        // generating it cost `run` 4% of its CPU to ready and 1.4 MB of idle memory, loading ASM's classes from the jar
        // every time (docs/performance-log.md). A -D given to the JVM wins.
        if (System.getProperty(GUICE_BYTECODE_GEN) == null) {
            System.setProperty(GUICE_BYTECODE_GEN, "DISABLED");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 done, 1 failed, 2 usage (picocli's own convention). */
    public static int run(String... args) {
        CommandLine commandLine = KmsAgentCommand.forProcess(args);
        return withOutputWritten(commandLine, commandLine.execute(args));
    }

    /**
     * A command whose standard output could not be written (a full disk behind {@code > year.txt}) failed, whatever
     * it returned: Java's print streams keep write errors to themselves, and a script took the cut-short file for the
     * whole with exit 0. The loss is said whatever the command's own exit code: {@code doctor --json > file} that
     * found problems exits 1 either way, and a script must be told that the file does not hold them all. A command
     * that already failed keeps its exit code (doctor's 1, a usage error's 2, ctl's 3), one that did not exits 1. A
     * pipe whose reader stopped early ({@code | grep -q}, {@code | head -1}) is not that: the reader had what it
     * wanted, and a command killed by SIGPIPE would have said nothing either (the JVM ignores the signal, so the
     * command keeps its own exit code rather than 141).
     */
    static int withOutputWritten(CommandLine commandLine, int exitCode) {
        return withOutputWritten(commandLine, exitCode, STANDARD_OUTPUT_LINK);
    }

    /** As {@link #withOutputWritten(CommandLine, int)}, telling a pipe by {@code standardOutputLink}. */
    static int withOutputWritten(CommandLine commandLine, int exitCode, Path standardOutputLink) {
        boolean lost = commandLine.getOut().checkError() | System.out.checkError();
        if (!lost || standardOutputIsPipe(standardOutputLink)) {
            return exitCode;
        }
        commandLine
                .getErr()
                .println("kms-agent: standard output could not be written (a full disk, or a pipe closed before the"
                        + " end): what it printed is incomplete");
        commandLine.getErr().flush();
        return exitCode != 0 ? exitCode : 1;
    }

    /**
     * Whether standard output is an anonymous pipe: a write to one fails only once its reader has closed it (EPIPE),
     * so a failed write there means the reader stopped, never data lost on a disk. Known on Linux only (elsewhere, and
     * for a named pipe, a failed write is reported as lost).
     */
    static boolean standardOutputIsPipe(Path descriptorLink) {
        try {
            return Files.readSymbolicLink(descriptorLink).toString().startsWith("pipe:");
        } catch (IOException | UnsupportedOperationException | SecurityException notKnown) {
            return false;
        }
    }
}
