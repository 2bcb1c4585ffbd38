package org.kmsagent.agent.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class VirtualClockSchedulerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void runsTasksInTimeOrderAndMovesTheClockToEachDueTime() {
        VirtualClockScheduler s = new VirtualClockScheduler(T0);
        List<String> seen = new ArrayList<>();
        s.schedule(T0.plusSeconds(30), () -> seen.add("30s@" + s.now()));
        s.schedule(T0.plusSeconds(10), () -> seen.add("10s@" + s.now()));
        s.scheduleAfter(Duration.ofSeconds(20), () -> seen.add("20s@" + s.now()));

        long ran = s.runUntil(T0.plusSeconds(60));

        assertThat(ran).isEqualTo(3);
        assertThat(seen)
                .containsExactly("10s@2026-01-01T00:00:10Z", "20s@2026-01-01T00:00:20Z", "30s@2026-01-01T00:00:30Z");
        assertThat(s.now()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void tasksDueAtTheSameInstantRunInSchedulingOrder() {
        VirtualClockScheduler s = new VirtualClockScheduler(T0);
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            s.schedule(T0.plusSeconds(5), () -> seen.add(n));
        }
        s.runUntil(T0.plusSeconds(5));
        assertThat(seen).isSorted().hasSize(50);
    }

    @Test
    void runUntilLeavesLaterTasksPendingAndIncludesTheEndInstant() {
        VirtualClockScheduler s = new VirtualClockScheduler(T0);
        List<String> seen = new ArrayList<>();
        s.schedule(T0.plusSeconds(10), () -> seen.add("at end"));
        s.schedule(T0.plusSeconds(11), () -> seen.add("after end"));

        s.runUntil(T0.plusSeconds(10));

        assertThat(seen).containsExactly("at end");
        assertThat(s.pending()).isEqualTo(1);
        assertThat(s.nextDue()).contains(T0.plusSeconds(11));
    }

    @Test
    void cancelledTaskNeverRunsAndCancelReportsWhetherItWasPending() {
        VirtualClockScheduler s = new VirtualClockScheduler(T0);
        List<String> seen = new ArrayList<>();
        Scheduler.Timer a = s.schedule(T0.plusSeconds(1), () -> seen.add("a"));
        Scheduler.Timer b = s.schedule(T0.plusSeconds(2), () -> seen.add("b"));

        assertThat(s.cancel(a)).isTrue();
        assertThat(s.cancel(a)).isFalse();
        s.runUntil(T0.plusSeconds(5));

        assertThat(seen).containsExactly("b");
        assertThat(s.cancel(b)).as("already ran").isFalse();
    }

    @Test
    void taskMayScheduleAndCancelFromInsideAndPastTimesRunNow() {
        VirtualClockScheduler s = new VirtualClockScheduler(T0);
        List<String> seen = new ArrayList<>();
        Scheduler.Timer[] later = new Scheduler.Timer[1];
        later[0] = s.schedule(T0.plusSeconds(100), () -> seen.add("never"));
        s.schedule(T0.plusSeconds(1), () -> {
            s.cancel(later[0]);
            s.schedule(T0.minusSeconds(50), () -> seen.add("past@" + s.now()));
        });
        s.runUntil(T0.plusSeconds(200));
        assertThat(seen).containsExactly("past@2026-01-01T00:00:01Z");
    }

    @Test
    void randomScheduleAndCancelMatchesASortedReference() {
        Random rng = new Random(42);
        VirtualClockScheduler s = new VirtualClockScheduler(T0);
        List<long[]> expected = new ArrayList<>();
        List<long[]> seen = new ArrayList<>();
        List<Scheduler.Timer> timers = new ArrayList<>();
        List<long[]> keys = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            long at = rng.nextInt(1000);
            long[] key = {at, i};
            timers.add(s.schedule(
                    T0.plusMillis(at), () -> seen.add(new long[] {s.nowMillis() - T0.toEpochMilli(), key[1]})));
            keys.add(key);
        }
        for (int i = 0; i < keys.size(); i++) {
            if (rng.nextInt(3) == 0) {
                assertThat(s.cancel(timers.get(i))).isTrue();
            } else {
                expected.add(keys.get(i));
            }
        }
        expected.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        s.runUntil(T0.plusSeconds(10));
        assertThat(seen).hasSize(expected.size());
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).containsExactly(expected.get(i));
        }
        assertThat(s.executed()).isEqualTo(expected.size());
    }

    @Test
    void cancellingMostTimersLeavesTheRestInOrderAndCountsOnlyThePending() {
        VirtualClockScheduler s = new VirtualClockScheduler(T0);
        List<Integer> seen = new ArrayList<>();
        List<Scheduler.Timer> timers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            timers.add(s.schedule(T0.plusSeconds(1000 - i / 2), () -> seen.add(n)));
        }
        for (int i = 0; i < 1000; i++) {
            if (i % 10 != 0) {
                assertThat(s.cancel(timers.get(i))).isTrue();
            }
        }
        assertThat(s.pending()).isEqualTo(100);
        assertThat(s.nextDue()).contains(T0.plusSeconds(1000 - 990 / 2));
        assertThat(s.cancel(timers.get(1))).as("cancelled already").isFalse();

        assertThat(s.runNext()).isTrue();
        assertThat(seen).containsExactly(990);
        s.runUntil(T0.plusSeconds(2000));

        assertThat(seen).hasSize(100);
        assertThat(seen.subList(0, 3)).containsExactly(990, 980, 970);
        assertThat(s.executed()).isEqualTo(100);
        assertThat(s.pending()).isZero();
        assertThat(s.runNext()).isFalse();
    }

    @Test
    void aTimerOfAnotherSchedulerIsNotCancelled() {
        VirtualClockScheduler a = new VirtualClockScheduler(T0);
        VirtualClockScheduler b = new VirtualClockScheduler(T0);
        Scheduler.Timer t = a.schedule(T0.plusSeconds(1), () -> {});
        assertThat(b.cancel(t)).isFalse();
        assertThat(a.pending()).isEqualTo(1);
    }

    @Test
    void aRearmedTimerIsTheSameHandleRunsOnceAtItsNewTimeAndItsCancelledSlotNeverRuns() {
        VirtualClockScheduler s = new VirtualClockScheduler(T0);
        List<String> seen = new ArrayList<>();
        Scheduler.Timer t = s.schedule(T0.plusSeconds(10), () -> seen.add("first@" + s.now()));
        assertThat(s.cancel(t)).isTrue();

        Scheduler.Timer again = s.reschedule(t, T0.plusSeconds(5).toEpochMilli(), () -> seen.add("again@" + s.now()));

        assertThat(again).isSameAs(t);
        assertThat(again.dueAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(s.pending()).isEqualTo(1);
        s.runUntil(T0.plusSeconds(20));
        assertThat(seen).containsExactly("again@2026-01-01T00:00:05Z");
        assertThat(s.cancel(again)).as("it ran").isFalse();
        assertThat(s.pending()).isZero();
    }

    @Test
    void reschedulingAPendingTimerMovesIt() {
        VirtualClockScheduler s = new VirtualClockScheduler(T0);
        List<String> seen = new ArrayList<>();
        Scheduler.Timer t = s.schedule(T0.plusSeconds(10), () -> seen.add("early"));
        s.reschedule(t, T0.plusSeconds(20).toEpochMilli(), () -> seen.add("late@" + s.now()));
        s.runUntil(T0.plusSeconds(15));
        assertThat(seen).isEmpty();
        s.runUntil(T0.plusSeconds(30));
        assertThat(seen).containsExactly("late@2026-01-01T00:00:20Z");
    }

    /**
     * Timers re-armed from inside their own task (what a renewal loop does), and from outside while pending or after
     * a cancel: every task runs exactly at the due time the reference last gave it, never from a slot left behind, and
     * once per due time.
     */
    @Test
    void randomRearmsMatchASortedReference() {
        Random rng = new Random(7);
        VirtualClockScheduler s = new VirtualClockScheduler(T0);
        int loops = 200;
        Scheduler.Timer[] timers = new Scheduler.Timer[loops];
        long[] due = new long[loops]; // the reference: each loop's one pending due time
        List<String> seen = new ArrayList<>();
        Runnable[] tasks = new Runnable[loops];
        for (int i = 0; i < loops; i++) {
            int n = i;
            tasks[i] = () -> {
                long now = s.nowMillis() - T0.toEpochMilli();
                assertThat(due[n]).as("loop %d ran when due", n).isEqualTo(now);
                seen.add(n + "@" + now);
                due[n] = now + 1 + rng.nextInt(50);
                timers[n] = s.reschedule(timers[n], T0.toEpochMilli() + due[n], tasks[n]);
            };
            due[i] = rng.nextInt(50);
            timers[i] = s.schedule(T0.plusMillis(due[i]), tasks[i]);
        }
        for (int step = 0; step < 300; step++) {
            int n = rng.nextInt(loops);
            switch (rng.nextInt(3)) {
                case 0 -> { // cancel, then re-arm later
                    s.cancel(timers[n]);
                    due[n] = s.nowMillis() - T0.toEpochMilli() + 1 + rng.nextInt(50);
                    timers[n] = s.reschedule(timers[n], T0.toEpochMilli() + due[n], tasks[n]);
                }
                case 1 -> { // re-arm while pending
                    due[n] = s.nowMillis() - T0.toEpochMilli() + 1 + rng.nextInt(50);
                    timers[n] = s.reschedule(timers[n], T0.toEpochMilli() + due[n], tasks[n]);
                }
                default -> s.runNext();
            }
            assertThat(s.pending()).isEqualTo(loops);
        }
        // Each loop ran at each due time the reference gave it, and the pending ones are exactly the reference's.
        for (int i = 0; i < loops; i++) {
            assertThat(timers[i].dueAt()).isEqualTo(T0.plusMillis(due[i]));
        }
        assertThat(s.executed()).isEqualTo(seen.size());
        assertThat(seen).hasSizeGreaterThan(50).doesNotHaveDuplicates();
    }

    /**
     * A fleet's shape: loops that re-arm themselves a fixed delay on (a week, two hours: the scheduler's lanes),
     * one-off tasks at scattered times (its heap), ties between the two, and cancellations of both, enough to sweep.
     * The order of every run must be the definition's, (due time, scheduling order), which a plain sorted queue gives.
     */
    @Test
    void recurringDelaysAndOneOffsRunInTheOrderASortedQueueGives() {
        List<String> lanes = drive(new VirtualClockScheduler(T0));
        List<String> sorted = drive(new SortedQueue(T0));
        assertThat(lanes).hasSizeGreaterThan(5_000).isEqualTo(sorted);
    }

    /** Drives a scheduler with the same seeded calls whatever it is; returns what ran, when, in order. */
    private static List<String> drive(Scheduler s) {
        Random rng = new Random(11);
        List<String> seen = new ArrayList<>();
        long hour = Duration.ofHours(1).toMillis();
        long[] delays = {7 * 24 * hour, 2 * hour, 7 * 24 * hour, 0, 24 * hour};
        int loops = 300;
        Scheduler.Timer[] timers = new Scheduler.Timer[loops];
        List<Scheduler.Timer> oneOffs = new ArrayList<>();
        Runnable[] tasks = new Runnable[loops];
        for (int i = 0; i < loops; i++) {
            int n = i;
            tasks[i] = () -> {
                seen.add("loop " + n + "@" + s.nowMillis());
                if (rng.nextInt(10) == 0) {
                    oneOffs.add(s.schedule(
                            Instant.ofEpochMilli(s.nowMillis() + rng.nextInt((int) (48 * hour))),
                            () -> seen.add("one-off@" + s.nowMillis())));
                }
                if (rng.nextInt(20) == 0 && !oneOffs.isEmpty()) {
                    s.cancel(oneOffs.remove(rng.nextInt(oneOffs.size())));
                }
                if (rng.nextInt(50) == 0) {
                    int other = rng.nextInt(loops);
                    if (other != n) {
                        s.cancel(timers[other]); // stopped for a while: re-armed by the next loop that runs
                    }
                }
                long delay = delays[rng.nextInt(delays.length)];
                timers[n] = s.reschedule(timers[n], s.nowMillis() + delay, tasks[n]);
                int revived = rng.nextInt(loops);
                if (timers[revived] != null && timers[revived].dueAt().toEpochMilli() < s.nowMillis()) {
                    timers[revived] = s.reschedule(timers[revived], s.nowMillis() + delays[0], tasks[revived]);
                }
            };
            // Arrivals every minute, two at a time, as a fleet's machines come.
            timers[i] = s.schedule(T0.plusSeconds(60L * (i / 2)), tasks[i]);
        }
        Instant end = T0.plus(Duration.ofDays(60));
        if (s instanceof VirtualClockScheduler v) {
            v.runUntil(end);
        } else {
            ((SortedQueue) s).runUntil(end);
        }
        return seen;
    }

    /** The order by definition: a sorted queue of (due time, sequence); a cancelled entry leaves it. */
    private static final class SortedQueue implements Scheduler {
        private final TreeMap<long[], Runnable> queue =
                new TreeMap<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        private long now;
        private long sequence;

        SortedQueue(Instant start) {
            now = start.toEpochMilli();
        }

        @Override
        public Instant now() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public Timer schedule(Instant at, Runnable task) {
            long[] key = {Math.max(at.toEpochMilli(), now), sequence++};
            queue.put(key, task);
            return new Entry(key);
        }

        @Override
        public boolean cancel(Timer timer) {
            return timer instanceof Entry e && queue.remove(e.key) != null;
        }

        void runUntil(Instant end) {
            while (!queue.isEmpty() && queue.firstKey()[0] <= end.toEpochMilli()) {
                var first = queue.pollFirstEntry();
                now = first.getKey()[0];
                first.getValue().run();
            }
            now = Math.max(now, end.toEpochMilli());
        }

        private record Entry(long[] key) implements Timer {
            @Override
            public Instant dueAt() {
                return Instant.ofEpochMilli(key[0]);
            }
        }
    }
}
