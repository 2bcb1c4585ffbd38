package org.kmsagent.agent.runtime;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.kmsagent.agent.scheduler.Scheduler;

/**
 * The live scheduler: Vert.x timers on the system clock (or a given clock, for tests). Without a context, tasks run
 * on the Vert.x context that scheduled them (an event loop), so a task must not block. With a context (the daemon
 * gives a worker context of its own, whose tasks may block on licensing calls), every task runs on that context;
 * tasks and cancellations made there never race, so a cancelled task never runs.
 */
public final class VertxScheduler implements Scheduler {
    private final Vertx vertx;
    private final Clock clock;
    private final Context runOn;

    public VertxScheduler(Vertx vertx) {
        this(vertx, Clock.systemUTC());
    }

    public VertxScheduler(Vertx vertx, Clock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.runOn = null;
    }

    /** Tasks run on {@code runOn} (e.g. a worker context, where they may block). */
    public VertxScheduler(Vertx vertx, Clock clock, Context runOn) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.runOn = Objects.requireNonNull(runOn, "runOn");
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public Timer schedule(Instant at, Runnable task) {
        Objects.requireNonNull(task, "task");
        // Vert.x timers need a delay of at least 1 ms.
        long delay = Math.max(1, Duration.between(now(), at).toMillis());
        VertxTimer timer = new VertxTimer(at);
        if (runOn == null) {
            timer.id = vertx.setTimer(delay, id -> {
                timer.done = true;
                task.run();
            });
        } else {
            timer.id = vertx.setTimer(
                    delay,
                    id -> runOn.runOnContext(v -> {
                        // Cancelled after the Vert.x timer fired but before this ran: cancel() already answered true.
                        if (!timer.done) {
                            timer.done = true;
                            task.run();
                        }
                    }));
        }
        return timer;
    }

    @Override
    public boolean cancel(Timer timer) {
        if (!(timer instanceof VertxTimer t) || t.done) {
            return false;
        }
        t.done = true;
        boolean cancelled = vertx.cancelTimer(t.id);
        // On a context, the done flag alone decides: a task whose Vert.x timer already fired is still stopped.
        return runOn != null || cancelled;
    }

    private static final class VertxTimer implements Timer {
        private final Instant dueAt;
        volatile long id;
        volatile boolean done;

        VertxTimer(Instant dueAt) {
            this.dueAt = dueAt;
        }

        @Override
        public Instant dueAt() {
            return dueAt;
        }
    }
}
