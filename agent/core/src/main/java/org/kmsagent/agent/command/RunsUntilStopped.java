package org.kmsagent.agent.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What a command that serves until it is told to stop ({@code kms-agent run}, {@code kms-agent hub}) prints on its
 * standard output, and how it stops on SIGTERM or Ctrl-C: a JVM shutdown hook that says the stop began, closes what
 * the command started, then says it ended, so that whoever reads its output (a terminal, a service manager's journal)
 * sees the stop begin and end.
 *
 * <p>As text: the ready lines, then {@code <name>: stopping} and {@code <name>: stopped}. With {@code --json}: one
 * compact JSON object per line (JSON Lines), each with an {@code event}: {@code ready} (the command's facts: where it
 * listens, its certificate, ...), {@code stopping}, {@code stopped} (with {@code problem} when the stop was not
 * clean); nothing else is written to standard output, so a supervisor can read each line as it comes.
 */
public final class RunsUntilStopped {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String name;
    private final PrintWriter out;
    private final boolean json;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private RunsUntilStopped(String name, PrintWriter out, boolean json) {
        this.name = name;
        this.out = out;
        this.json = json;
    }

    /**
     * Installs the shutdown hook; install it before the command says that it is ready.
     *
     * @param name what the text lines begin with, e.g. {@code kms-agent} or {@code kms-agent hub}
     * @param out where the lines go, the command's standard output
     * @param json JSON Lines instead of text ({@code --json})
     * @param service what the command started; closed once, on the hook's thread
     */
    public static RunsUntilStopped install(String name, PrintWriter out, boolean json, AutoCloseable service) {
        RunsUntilStopped run = new RunsUntilStopped(name, out, json);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> run.stop(service), name.replace(' ', '-') + "-shutdown"));
        return run;
    }

    /**
     * Says that the command is ready: its banner's text lines then {@code logging: <logging>}, or with {@code --json}
     * one line holding {@code "event": "ready"}, the process id, {@code facts} (keys in their order; absent values
     * left out) and {@code logging}.
     *
     * @param logging where the command's log goes, as {@code ResidentLogging} says it
     */
    public void ready(List<String> lines, Map<String, Object> facts, String logging) {
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("event", "ready");
            document.put("pid", ProcessHandle.current().pid());
            facts.forEach((k, v) -> {
                if (v != null) {
                    document.put(k, v);
                }
            });
            document.put("logging", logging);
            line(document);
        } else {
            lines.forEach(out::println);
            out.println("logging: " + logging);
            out.flush();
        }
    }

    private void stop(AutoCloseable service) {
        say("stopping", null);
        String problem = null;
        try {
            service.close();
        } catch (Exception e) {
            problem = e.toString();
        }
        if (problem != null && !json) {
            out.println(name + ": did not stop cleanly: " + problem);
        }
        say("stopped", problem);
        stopped.countDown();
    }

    private void say(String event, String problem) {
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("event", event);
            if (problem != null) {
                document.put("problem", problem);
            }
            line(document);
        } else {
            out.println(name + ": " + event);
            out.flush();
        }
    }

    private void line(Map<String, Object> document) {
        try {
            out.println(MAPPER.writeValueAsString(document));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Blocks the command's thread until the shutdown hook has closed the service. */
    public void await() throws InterruptedException {
        stopped.await();
    }
}
