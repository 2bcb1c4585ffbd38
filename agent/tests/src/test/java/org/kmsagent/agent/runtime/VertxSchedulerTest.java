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
        // Due a second from now, so that the cancel below always comes first even when this thread is descheduled
        // on a loaded machine (at 5 ms it once fired before the cancel, at a load of 12 on 2 cores).
        Scheduler.Timer t = s.scheduleAfter(Duration.ofSeconds(1), () -> cancelledRan.set(true));
        assertThat(s.cancel(t)).isTrue();
        assertThat(s.cancel(t)).isFalse();
        s.scheduleAfter(Duration.ofMillis(1_500), () -> laterRan.set(true));

        await().atMost(Duration.ofSeconds(5)).untilTrue(laterRan);
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
        AtomicBoolean cancelledRan = new AtomicBoolean();
        Scheduler.Timer cancelled = s.scheduleAfter(Duration.ofMillis(500), () -> cancelledRan.set(true));
        s.scheduleAfter(Duration.ofMillis(1), () -> {
            onWorker.set(Context.isOnWorkerThread() && vertx.getOrCreateContext() == worker.get());
            s.cancel(cancelled);
        });
        AtomicBoolean later = new AtomicBoolean();
        s.scheduleAfter(Duration.ofMillis(1000), () -> later.set(true));

        await().atMost(Duration.ofSeconds(5)).untilTrue(later);
        assertThat(onWorker.get()).isTrue();
        assertThat(cancelledRan).isFalse();
    }
}
