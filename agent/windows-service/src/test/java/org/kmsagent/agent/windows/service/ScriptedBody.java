package org.kmsagent.agent.windows.service;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link ServiceBody} whose start and stop run scripted actions and count their calls. */
final class ScriptedBody implements ServiceBody {
    interface Action {
        void run() throws Exception;
    }

    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();
    final AtomicReference<StopReason> reason = new AtomicReference<>();
    final CountDownLatch stopEntered = new CountDownLatch(1);
    private final Action onStart;
    private final Action onStop;

    ScriptedBody(Action onStart, Action onStop) {
        this.onStart = onStart;
        this.onStop = onStop;
    }

    static ScriptedBody quiet() {
        return new ScriptedBody(() -> {}, () -> {});
    }

    @Override
    public void start() throws Exception {
        starts.incrementAndGet();
        onStart.run();
    }

    @Override
    public void stop(StopReason why) throws Exception {
        stops.incrementAndGet();
        reason.set(why);
        stopEntered.countDown();
        onStop.run();
    }
}
