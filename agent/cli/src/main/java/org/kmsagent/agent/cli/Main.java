package org.kmsagent.agent.cli;

import picocli.CommandLine;

/** The {@code kms-agent} entry point. */
public final class Main {
    /** Guice's switch for generating a class per injected constructor and method (its {@code InternalFlags}). */
    static final String GUICE_BYTECODE_GEN = "guice_bytecode_gen_option";

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
     * A command whose standard output could not be written (a full disk behind {@code > year.txt}, a closed pipe)
     * failed, whatever it returned: Java's print streams keep write errors to themselves, and a script took the
     * cut-short file for the whole with exit 0.
     */
    static int withOutputWritten(CommandLine commandLine, int exitCode) {
        boolean lost = commandLine.getOut().checkError() | System.out.checkError();
        if (!lost || exitCode != 0) {
            return exitCode;
        }
        commandLine
                .getErr()
                .println("kms-agent: standard output could not be written (a full disk, or a pipe closed before the"
                        + " end): what it printed is incomplete");
        commandLine.getErr().flush();
        return 1;
    }
}
