package org.kmsagent.agent.scheduler;

import java.time.Duration;
import java.time.Instant;

/**
 * Runs tasks at points in time on one clock: the live system clock (the runtime module's {@code VertxScheduler}) or a discrete-event
 * virtual clock ({@link VirtualClockScheduler}). The renewal loop and the simulated lab only ever see this
 * interface, so the same code runs a real fleet and a simulated year.
 *
 * <p>Threading: tasks of one scheduler never run concurrently with each other. Scheduling and cancelling from
 * inside a task is allowed.
 */
public interface Scheduler {

    /** The scheduler's current time. */
    Instant now();

    /** The current time as epoch milliseconds (cheaper than {@link #now()} on hot paths). */
    default long nowMillis() {
        return now().toEpochMilli();
    }

    /** Runs {@code task} at {@code at}, or as soon as possible when {@code at} is not in the future. */
    Timer schedule(Instant at, Runnable task);

    /** Runs {@code task} after {@code delay} (a negative delay counts as zero). */
    default Timer scheduleAfter(Duration delay, Runnable task) {
        return schedule(now().plus(delay), task);
    }

    /**
     * Runs {@code task} at {@code atMillis}, as {@link #schedule} does, after cancelling {@code previous} if it is still
     * pending (null when there is none). A scheduler may hand {@code previous} back, re-armed, instead of a new timer:
     * a task that is always due once, like a renewal loop, then makes no timer per run. The caller must hold no other
     * use for {@code previous}.
     */
    default Timer reschedule(Timer previous, long atMillis, Runnable task) {
        if (previous != null) {
            cancel(previous);
        }
        return schedule(Instant.ofEpochMilli(atMillis), task);
    }

    /**
     * Cancels a timer that has not run yet.
     *
     * @return whether it was pending and is now cancelled (false when it already ran or was cancelled)
     */
    boolean cancel(Timer timer);

    /** A handle on one scheduled task. */
    interface Timer {
        /** When the task is (or was) due. */
        Instant dueAt();
    }
}
