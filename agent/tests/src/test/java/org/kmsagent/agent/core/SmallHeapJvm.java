package org.kmsagent.agent.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on the test class path with the heap the machine agent runs with ({@code -Xmx64m}, as the launcher
 * gives it), for tests that a damaged file does not run the agent out of memory: what the test JVM's large heap would
 * survive fails there.
 */
public final class SmallHeapJvm {
    /** The launcher's heap for {@code kms-agent run}. */
    public static final String HEAP = "-Xmx64m";

    private SmallHeapJvm() {}

    /** What the child printed (standard output and error together) and how it exited. */
    public record Result(int exit, String output) {}

    /** Runs {@code mainClass args} and waits for it (two minutes at most). */
    public static Result run(Class<?> mainClass, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP,
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass.getName()));
        cmd.addAll(Arrays.asList(args));
        Path output = Files.createTempFile("small-heap-", ".log");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("the child " + mainClass.getName() + " did not end: "
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Appends {@code bytes} bytes of {@code x} to {@code file}, a megabyte at a time (never held whole). */
    public static void appendFiller(Path file, long bytes) throws IOException {
        byte[] block = new byte[1024 * 1024];
        Arrays.fill(block, (byte) 'x');
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (long left = bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(left, block.length));
            }
        }
    }
}
