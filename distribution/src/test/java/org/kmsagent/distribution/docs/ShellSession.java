package org.kmsagent.distribution.docs;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One bash, as a reader of one document has one terminal: commands typed in order in the installation directory,
 * with its bin/ on the PATH, so that {@code cd}, {@code export}, {@code $?} and jobs started with {@code &} carry
 * over from one command to the next. Standard output and error come back merged, as a terminal shows them.
 */
final class ShellSession implements AutoCloseable {
    private static final String DONE = "@@docs-run-done@@";

    private final Process bash;
    private final Writer in;
    private final StringBuilder output = new StringBuilder();
    private final Thread reader;
    private int commands;

    /** What one command printed, and its exit code (0 for a job started with {@code &}). */
    record Result(List<String> lines, int exit, boolean timedOut) {}

    ShellSession(Path home) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc")
                .directory(home.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PATH", home.resolve("bin") + java.io.File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("TERM", "dumb");
        bash = pb.start();
        in = new java.io.OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
        reader = new Thread(this::read, "docs-run-shell");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        char[] buffer = new char[8192];
        try (java.io.Reader out = new java.io.InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8)) {
            for (int n; (n = out.read(buffer)) > 0; ) {
                synchronized (output) {
                    output.append(buffer, 0, n);
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // bash has gone: run() stops waiting when it sees the process end.
        }
    }

    /**
     * Types one command and waits for its prompt to come back. A command ending in {@code &} returns at once; then
     * {@code ready} decides, over the output so far, when the job has printed what the docs show (or the time is up).
     */
    Result run(String command, Duration timeout, Predicate<List<String>> ready) throws IOException {
        int start;
        synchronized (output) {
            start = output.length();
        }
        String done = DONE + (++commands);
        in.write(command + "\n__docs_run_rc=$?; printf '\\n%s %d\\n' '" + done + "' \"$__docs_run_rc\"; "
                + "(exit $__docs_run_rc)\n");
        in.flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        String text;
        int exit = -1;
        boolean timedOut = false;
        synchronized (output) {
            int at;
            while ((at = output.indexOf(done + " ", start)) < 0 && System.nanoTime() < deadline && bash.isAlive()) {
                waitFor(deadline);
            }
            if (at < 0) {
                timedOut = true;
                text = output.substring(start);
            } else {
                int eol = output.indexOf("\n", at);
                while (eol < 0 && System.nanoTime() < deadline) {
                    waitFor(deadline);
                    eol = output.indexOf("\n", at);
                }
                exit = Integer.parseInt(output.substring(at + done.length() + 1, eol < 0 ? output.length() : eol)
                        .strip());
                if (ready != null) {
                    while (!ready.test(lines(withoutMarker(start, at, eol))) && System.nanoTime() < deadline) {
                        waitFor(deadline);
                    }
                    timedOut = !ready.test(lines(withoutMarker(start, at, eol)));
                }
                text = withoutMarker(start, at, eol);
            }
        }
        return new Result(lines(text), exit, timedOut);
    }

    private String withoutMarker(int start, int at, int eol) {
        // The marker follows a newline of its own: drop it, and the line break it added.
        String before = output.substring(start, at);
        if (before.endsWith("\n")) {
            before = before.substring(0, before.length() - 1);
        }
        return before + (eol < 0 ? "" : output.substring(eol + 1));
    }

    private void waitFor(long deadline) {
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try {
            output.wait(Math.min(millis, 200));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        lines.replaceAll(String::stripTrailing);
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** Ends the jobs started with {@code &} (SIGTERM, as Ctrl+C would), then the shell; forcibly if they linger. */
    @Override
    public void close() throws IOException {
        try {
            if (bash.isAlive()) {
                in.write("kill $(jobs -p) 2>/dev/null; wait; exit\n");
                in.flush();
                in.close();
            }
            if (!bash.waitFor(30, TimeUnit.SECONDS)) {
                bash.descendants().forEach(ProcessHandle::destroyForcibly);
                bash.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            bash.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
