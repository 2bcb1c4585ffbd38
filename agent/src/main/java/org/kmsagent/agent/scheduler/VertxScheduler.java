package org.kmsagent.agent.scheduler;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The live scheduler: Vert.x timers on the system clock (or a given clock, for tests). Tasks run on the Vert.x
 * context that scheduled them (an event loop), so a task must not block: blocking licensing calls go through
 * {@code executeBlocking} in the caller.
 */
public final class VertxScheduler implements Scheduler {
  private final Vertx vertx;
  private final Clock clock;

  public VertxScheduler(Vertx vertx) {
    this(vertx, Clock.systemUTC());
  }

  public VertxScheduler(Vertx vertx, Clock clock) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.clock = Objects.requireNonNull(clock, "clock");
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
    timer.id = vertx.setTimer(delay, id -> {
      timer.done = true;
      task.run();
    });
    return timer;
  }

  @Override
  public boolean cancel(Timer timer) {
    if (!(timer instanceof VertxTimer t) || t.done) {
      return false;
    }
    t.done = true;
    return vertx.cancelTimer(t.id);
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
