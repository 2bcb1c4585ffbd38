package org.kmsagent.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.scheduler.Scheduler;

class VertxSchedulerTest {
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void runsTaskAfterItsDelayOnTheSystemClock() {
        VertxScheduler s = new VertxScheduler(vertx);
        long before = System.nanoTime();
        AtomicReference<Long> ranAfterNanos = new AtomicReference<>();
        Scheduler.Timer t = s.scheduleAfter(Duration.ofMillis(20), () -> ranAfterNanos.set(System.nanoTime() - before));

        await().atMost(Duration.ofSeconds(5)).until(() -> ranAfterNanos.get() != null);
        // Timers have millisecond granularity; allow one millisecond of rounding.
        assertThat(ranAfterNanos.get())
                .isGreaterThanOrEqualTo(Duration.ofMillis(19).toNanos());
        assertThat(s.cancel(t)).as("a timer that ran cannot be cancelled").isFalse();
    }

    @Test
    void cancelledTimerDoesNotRunWhileALaterOneDoes() {
        VertxScheduler s = new VertxScheduler(vertx);
        AtomicBoolean cancelledRan = new AtomicBoolean();
        AtomicBoolean laterRan = new AtomicBoolean();
        List<Boolean> cancels = new CopyOnWriteArrayList<>();
        // Scheduled and cancelled on one event loop, which runs nothing else meanwhile: the cancel always comes
        // before the timer is due, however loaded the machine (from this thread, a timer due in 5 ms once fired
        // before the cancel). The later timer is on the same loop, which fires timers in the order they are due: once
        // it has run, the cancelled one's time has passed.
        vertx.getOrCreateContext().runOnContext(v -> {
            Scheduler.Timer t = s.scheduleAfter(Duration.ofMillis(5), () -> cancelledRan.set(true));
            cancels.add(s.cancel(t));
            cancels.add(s.cancel(t));
            s.scheduleAfter(Duration.ofMillis(10), () -> laterRan.set(true));
        });

        await().atMost(Duration.ofSeconds(5)).untilTrue(laterRan);
        assertThat(cancels).as("cancelled, then already cancelled").containsExactly(true, false);
        assertThat(cancelledRan).isFalse();
    }

    @Test
    void onAGivenWorkerContextTasksRunThereAndACancelledOneNever() throws Exception {
        AtomicReference<Context> worker = new AtomicReference<>();
        vertx.deployVerticle(
                        new AbstractVerticle() {
                            @Override
                            public void start() {
                                worker.set(context);
                            }
                        },
                        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
                .await();
        VertxScheduler s = new VertxScheduler(vertx, Clock.systemUTC(), worker.get());
        AtomicReference<Boolean> onWorker = new AtomicReference<>();
        AtomicReference<Boolean> cancel = new AtomicReference<>();
        AtomicBoolean cancelledRan = new AtomicBoolean();
        AtomicBoolean later = new AtomicBoolean();
        AtomicReference<Scheduler.Timer> cancelled = new AtomicReference<>();
        // Scheduled from the worker context, each due after the one before, the three timers fire on its event loop in
        // the order they are due and their tasks run on the context in that order: the cancel comes first, however
        // loaded the machine, even when the cancelled timer has already fired in Vert.x; once the later one has run,
        // the cancelled one's time has passed.
        worker.get().runOnContext(v -> {
            s.scheduleAfter(Duration.ofMillis(1), () -> {
                onWorker.set(Context.isOnWorkerThread() && vertx.getOrCreateContext() == worker.get());
                cancel.set(s.cancel(cancelled.get()));
            });
            cancelled.set(s.scheduleAfter(Duration.ofMillis(5), () -> cancelledRan.set(true)));
            s.scheduleAfter(Duration.ofMillis(10), () -> later.set(true));
        });

        await().atMost(Duration.ofSeconds(5)).untilTrue(later);
        assertThat(onWorker.get()).isTrue();
        assertThat(cancel.get()).isTrue();
        assertThat(cancelledRan).isFalse();
    }
}
