package org.kmsagent.agent.cli;

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
        return KmsAgentCommand.forProcess(args).execute(args);
    }
}
