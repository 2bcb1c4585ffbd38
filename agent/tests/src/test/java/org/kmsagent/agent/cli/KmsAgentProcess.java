package org.kmsagent.agent.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code kms-agent ARGS} as a real process: a child JVM on the test class path, working in {@code dir} where its
 * output is kept. For what only a process shows: the logging a user gets, the environment it runs in.
 */
public record KmsAgentProcess(int exit, String out, String err) {

    static KmsAgentProcess run(Path dir, List<String> args) throws Exception {
        return run(dir, Map.of(), args);
    }

    /** With {@code environment} added to this JVM's. */
    static KmsAgentProcess run(Path dir, Map<String, String> environment, List<String> args) throws Exception {
        return run(dir, environment, List.of(), args);
    }

    /** With {@code environment} added to this JVM's, and {@code jvmOptions} (e.g. {@code -Dkmsagent.home=...}). */
    static KmsAgentProcess run(Path dir, Map<String, String> environment, List<String> jvmOptions, List<String> args)
            throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(command(jvmOptions, args))
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kms-agent " + String.join(" ", args) + " did not end within 120 s");
        }
        return new KmsAgentProcess(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * The command line of {@code kms-agent ARGS} as the launcher starts it, on the test class path, with
     * {@code jvmOptions}: for a test that starts the process itself (a resident one it stops, say).
     */
    public static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        // As bin/kms-agent starts it: from Java 23 on, without this flag Guava (through Guice) makes the JVM print four
        // WARNING lines on standard error at every command's start (docs/building.md §11), which a user never sees.
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(jvmOptions);
        cmd.add("org.kmsagent.agent.cli.Main");
        cmd.addAll(args);
        return cmd;
    }
}
