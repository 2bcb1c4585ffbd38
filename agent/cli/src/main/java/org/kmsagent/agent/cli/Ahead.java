package org.kmsagent.agent.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.LoggerFactory;

/**
 * Work a short command will need, started on a second thread before the command line is even parsed, so that it
 * runs beside picocli's and Guice's own start-up on the machine's other core (docs/performance-log.md, "Machine agent
 * start-up footprint", sixth round). Whoever asks for the result first either waits for that thread or, if it never
 * started, does the work itself; a failure reaches the asker as it was thrown.
 */
final class Ahead<T> {
    private final FutureTask<T> task;
    private final String threadName;
    private boolean started;

    Ahead(String threadName, Callable<T> work) {
        this.threadName = threadName;
        this.task = new FutureTask<>(work);
    }

    /** Starts the work on a daemon thread (once; later calls do nothing). */
    synchronized Ahead<T> start() {
        if (!started) {
            started = true;
            // SLF4J must be set up before a second thread may log: calls made by another thread while it sets itself
            // up are replayed afterwards with a four-line warning on stderr, in the middle of a command's output.
            LoggerFactory.getILoggerFactory();
            Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            t.start();
        }
        return this;
    }

    /** The result: waits for the thread that does the work, or does it here when no thread has taken it yet. */
    T get() {
        task.run(); // returns at once when the work is running or done elsewhere
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw rethrown(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(cause);
    }
}
