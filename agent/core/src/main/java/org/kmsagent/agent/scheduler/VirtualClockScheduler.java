package org.kmsagent.agent.scheduler;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A discrete-event scheduler on a virtual clock: time moves only when {@link #runUntil(Instant)} (or
 * {@link #runNext()}) takes the next due task, so a simulated year takes as long as its events take to compute.
 *
 * <p>Tasks are ordered by (due time, scheduling sequence): two tasks due at the same instant run in the order they
 * were scheduled, which makes every run with the same inputs identical. The queue is a binary heap over an array
 * of small entries that know their own heap slot, so {@link #cancel(Timer)} removes an entry at once instead of
 * leaving garbage behind (a renewal loop re-arms its timer on every change).
 *
 * <p>Not thread-safe: one thread drives it, and tasks run on that thread.
 */
public final class VirtualClockScheduler implements Scheduler {
    private Entry[] heap = new Entry[1024];
    private int size;
    private long sequence;
    private long nowMillis;
    private long executed;

    /** A scheduler whose clock starts at {@code start}. */
    public VirtualClockScheduler(Instant start) {
        this.nowMillis = start.toEpochMilli();
    }

    @Override
    public Instant now() {
        return Instant.ofEpochMilli(nowMillis);
    }

    @Override
    public long nowMillis() {
        return nowMillis;
    }

    @Override
    public Timer schedule(Instant at, Runnable task) {
        return scheduleAt(at.toEpochMilli(), task);
    }

    /** {@link #schedule(Instant, Runnable)} in epoch milliseconds, without building an {@link Instant}. */
    public Timer scheduleAt(long atMillis, Runnable task) {
        Objects.requireNonNull(task, "task");
        Entry e = new Entry(Math.max(atMillis, nowMillis), sequence++, task);
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        e.slot = size;
        heap[size++] = e;
        siftUp(e.slot);
        return e;
    }

    @Override
    public boolean cancel(Timer timer) {
        if (!(timer instanceof Entry e) || e.slot < 0 || e.slot >= size || heap[e.slot] != e) {
            return false;
        }
        removeAt(e.slot);
        return true;
    }

    /**
     * Runs every task due at or before {@code end}, in order, then leaves the clock at {@code end}.
     *
     * @return how many tasks ran
     */
    public long runUntil(Instant end) {
        long endMillis = end.toEpochMilli();
        long ran = 0;
        while (size > 0 && heap[0].atMillis <= endMillis) {
            runHead();
            ran++;
        }
        if (endMillis > nowMillis) {
            nowMillis = endMillis;
        }
        return ran;
    }

    /** Runs the next task, moving the clock to its due time; false when nothing is pending. */
    public boolean runNext() {
        if (size == 0) {
            return false;
        }
        runHead();
        return true;
    }

    /** How many tasks are pending. */
    public int pending() {
        return size;
    }

    /** How many tasks have run since this scheduler was made. */
    public long executed() {
        return executed;
    }

    /** When the next pending task is due, if any. */
    public java.util.Optional<Instant> nextDue() {
        return size == 0 ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(heap[0].atMillis));
    }

    private void runHead() {
        Entry e = heap[0];
        removeAt(0);
        nowMillis = e.atMillis;
        executed++;
        e.task.run();
    }

    private void removeAt(int slot) {
        Entry removed = heap[slot];
        removed.slot = -1;
        size--;
        if (slot == size) {
            heap[size] = null;
            return;
        }
        Entry last = heap[size];
        heap[size] = null;
        heap[slot] = last;
        last.slot = slot;
        siftDown(slot);
        if (heap[slot] == last) {
            siftUp(slot);
        }
    }

    private void siftUp(int slot) {
        Entry e = heap[slot];
        while (slot > 0) {
            int parent = (slot - 1) >>> 1;
            Entry p = heap[parent];
            if (!before(e, p)) {
                break;
            }
            heap[slot] = p;
            p.slot = slot;
            slot = parent;
        }
        heap[slot] = e;
        e.slot = slot;
    }

    private void siftDown(int slot) {
        Entry e = heap[slot];
        int half = size >>> 1;
        while (slot < half) {
            int child = 2 * slot + 1;
            Entry c = heap[child];
            int right = child + 1;
            if (right < size && before(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!before(c, e)) {
                break;
            }
            heap[slot] = c;
            c.slot = slot;
            slot = child;
        }
        heap[slot] = e;
        e.slot = slot;
    }

    private static boolean before(Entry a, Entry b) {
        return a.atMillis < b.atMillis || (a.atMillis == b.atMillis && a.seq < b.seq);
    }

    private static final class Entry implements Timer {
        final long atMillis;
        final long seq;
        final Runnable task;
        int slot;

        Entry(long atMillis, long seq, Runnable task) {
            this.atMillis = atMillis;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public Instant dueAt() {
            return Instant.ofEpochMilli(atMillis);
        }
    }
}
