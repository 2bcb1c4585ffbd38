package org.kmsagent.agent.live;

import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.kmsagent.agent.scheduler.Scheduler;

/** The scheduler the loops see: every task runs on the machine context, and its outcome is persisted. */
final class PersistingScheduler implements Scheduler {
    private final Scheduler live;
    private final BooleanSupplier closed;
    private final Runnable persist;

    /**
     * @param live the scheduler on the machine context
     * @param closed whether the agent is stopping (tasks are then skipped)
     * @param persist run after every task
     */
    PersistingScheduler(Scheduler live, BooleanSupplier closed, Runnable persist) {
        this.live = live;
        this.closed = closed;
        this.persist = persist;
    }

    @Override
    public Instant now() {
        return live.now();
    }

    @Override
    public Timer schedule(Instant at, Runnable task) {
        return live.schedule(at, () -> {
            if (closed.getAsBoolean()) {
                return;
            }
            task.run();
            persist.run();
        });
    }

    @Override
    public boolean cancel(Timer timer) {
        return live.cancel(timer);
    }
}
