package org.kmsagent.agent.hub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM on the test class path (a hub or an agent) that a test can kill like a crashed machine. */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final StringBuilder output = new StringBuilder();
    /** Lines printed after the ready marker, for {@link #ask}. */
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildJvm(Process process, String readyMarker) {
        this.process = process;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            synchronized (output) {
                                output.append(line).append('\n');
                            }
                            if (ready.isDone()) {
                                lines.add(line);
                            } else if (line.contains(readyMarker)) {
                                ready.complete(line);
                            }
                        }
                        ready.completeExceptionally(
                                new IllegalStateException("child exited before '" + readyMarker + "': " + output()));
                    } catch (IOException e) {
                        ready.completeExceptionally(e);
                    }
                },
                "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass args} and waits until it prints a line containing the marker. */
    static ChildJvm start(String mainClass, List<String> args, String readyMarker, Path log, Duration timeout)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(
                "-Xmx192m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-Dlogback.configurationFile=" + logging()));
        String opens = System.getProperty("kmsagent.test.jvmArgs", "");
        if (!opens.isBlank()) {
            cmd.addAll(List.of(opens.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        ChildJvm child = new ChildJvm(p, readyMarker);
        try {
            child.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            child.close();
            // CI shows only this message, not the log file: its last lines say where the child stopped.
            throw new IllegalStateException(
                    "child " + mainClass + " did not get ready within " + timeout + " (" + e + "); output: "
                            + child.output() + "; last lines of " + log + ":\n" + tail(log, 40),
                    e);
        }
        return child;
    }

    /** {@code child-jvm-logback.xml}: Hazelcast's cluster lines too, for {@link #tail}. */
    private static String logging() {
        try {
            return Path.of(ChildJvm.class.getResource("/child-jvm-logback.xml").toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last {@code lines} lines of {@code log}, without stack frames (they would crowd out the messages). */
    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.stripLeading().startsWith("at ")
                            && !l.stripLeading().startsWith("... "))
                    .toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /**
     * Writes {@code request} as a line to the child's standard input and returns the next line it prints after that
     * starts with {@code answerPrefix} (other lines are skipped).
     */
    String ask(String request, String answerPrefix, Duration timeout) throws Exception {
        process.getOutputStream().write((request + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException(
                        "no answer to '" + request + "' within " + timeout + "; output: " + output());
            }
            if (line.startsWith(answerPrefix)) {
                return line;
            }
        }
    }

    /** Stops the process (SIGSTOP), as a long pause or a starved CPU stops it; {@link #resume} lets it go on. */
    void pause() throws Exception {
        signal("STOP");
    }

    /** Lets a paused process go on (SIGCONT). */
    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /**
     * Asks it to stop (SIGTERM), as a service manager does, and waits for it to exit; returns its exit code. Sent with
     * {@code kill}: {@link Process#destroy()} would also close the pipe its last lines come through.
     */
    int stop(Duration timeout) throws Exception {
        signal("TERM");
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(
                    "child did not stop within " + timeout + " of SIGTERM; output: " + output());
        }
        return process.exitValue();
    }

    /** Kills it at once (SIGKILL): no shutdown hook, no goodbye to the cluster or the hub. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
