package org.kmsagent.agent.command;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * How a command that serves until it is told to stop ({@code kms-agent run}, {@code kms-agent hub}) stops on SIGTERM or
 * Ctrl-C: a JVM shutdown hook that prints {@code <name>: stopping}, closes what the command started, then prints
 * {@code <name>: stopped}, so that whoever reads its output (a terminal, a service manager's journal) sees the stop
 * begin and end.
 */
public final class RunsUntilStopped {
    private final CountDownLatch stopped = new CountDownLatch(1);

    private RunsUntilStopped() {}

    /**
     * Installs the shutdown hook; install it before the command prints that it runs.
     *
     * @param name what the lines begin with, e.g. {@code kms-agent} or {@code kms-agent hub}
     * @param out where the lines go, the command's standard output
     * @param service what the command started; closed once, on the hook's thread
     */
    public static RunsUntilStopped install(String name, PrintWriter out, AutoCloseable service) {
        RunsUntilStopped run = new RunsUntilStopped();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println(name + ": stopping");
                            out.flush();
                            try {
                                service.close();
                            } catch (Exception e) {
                                out.println(name + ": did not stop cleanly: " + e);
                            }
                            out.println(name + ": stopped");
                            out.flush();
                            run.stopped.countDown();
                        },
                        name.replace(' ', '-') + "-shutdown"));
        return run;
    }

    /** Blocks the command's thread until the shutdown hook has closed the service. */
    public void await() throws InterruptedException {
        stopped.await();
    }
}
