package org.kmsagent.agent.cli;

/** The {@code kms-agent} entry point. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 done, 1 failed, 2 usage (picocli's own convention). */
    public static int run(String... args) {
        return KmsAgentCommand.forProcess(args).execute(args);
    }
}
