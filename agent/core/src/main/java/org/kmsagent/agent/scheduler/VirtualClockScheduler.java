package org.kmsagent.agent.scheduler;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A discrete-event scheduler on a virtual clock: time moves only when {@link #runUntil(Instant)} (or
 * {@link #runNext()}) takes the next due task, so a simulated year takes as long as its events take to compute.
 *
 * <p>Tasks are ordered by (due time, scheduling sequence): two tasks due at the same instant run in the order they
 * were scheduled, which makes every run with the same inputs identical. The queue is a 4-ary heap whose keys are
 * held in one primitive array beside the entries (each slot's {@code long} due time and sequence number side by
 * side), so ordering the heap reads one contiguous array and never the entries themselves: at a fleet of 100,000
 * machines the entries are scattered over a heap of hundreds of MB, and each one read would be a cache miss. An entry
 * is read once, when it runs. Four children a node (their keys 64 bytes in a row) make the heap half as deep as a
 * binary one, and a pop reads about half as many cache lines of keys; the order is the keys' either way.
 *
 * <p>{@link #cancel(Timer)} marks the entry and leaves it in the heap, where it is skipped when it comes up (an entry
 * that knew its heap slot would have to be written on every move). When cancelled entries make up half the heap,
 * they are swept out at once, so the garbage stays bounded by the live tasks.
 *
 * <p>Not thread-safe: one thread drives it, and tasks run on that thread.
 */
public final class VirtualClockScheduler implements Scheduler {
    private static final int INITIAL = 1024;

    // The heap: slot i holds entries[i], due at keys[2 * i], scheduled as number keys[2 * i + 1]; its children are
    // the slots 4 * i + 1 to 4 * i + 4.
    private static final int ARITY = 4;
    private long[] keys = new long[2 * INITIAL];
    private Entry[] entries = new Entry[INITIAL];
    private int size;
    private int cancelled;
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
        long at = Math.max(atMillis, nowMillis);
        Entry e = new Entry(this, at, task);
        if (size == entries.length) {
            int grown = size * 2;
            keys = Arrays.copyOf(keys, 2 * grown);
            entries = Arrays.copyOf(entries, grown);
        }
        siftUp(size++, at, sequence++, e);
        return e;
    }

    @Override
    public boolean cancel(Timer timer) {
        if (!(timer instanceof Entry e) || e.owner != this || e.state != Entry.PENDING) {
            return false;
        }
        e.state = Entry.CANCELLED;
        cancelled++;
        if (cancelled > 64 && cancelled > size / 2) {
            sweep();
        }
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
        while (size > 0 && keys[0] <= endMillis) {
            if (runHead()) {
                ran++;
            }
        }
        if (endMillis > nowMillis) {
            nowMillis = endMillis;
        }
        return ran;
    }

    /** Runs the next task, moving the clock to its due time; false when nothing is pending. */
    public boolean runNext() {
        while (size > 0) {
            if (runHead()) {
                return true;
            }
        }
        return false;
    }

    /** How many tasks are pending. */
    public int pending() {
        return size - cancelled;
    }

    /** How many tasks have run since this scheduler was made. */
    public long executed() {
        return executed;
    }

    /** When the next pending task is due, if any. */
    public Optional<Instant> nextDue() {
        while (size > 0 && entries[0].state == Entry.CANCELLED) {
            removeHead();
            cancelled--;
        }
        return size == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(keys[0]));
    }

    /** Takes the head off the heap and runs it, unless it was cancelled; returns whether a task ran. */
    private boolean runHead() {
        Entry e = entries[0];
        long at = keys[0];
        removeHead();
        if (e.state == Entry.CANCELLED) {
            cancelled--;
            return false;
        }
        e.state = Entry.DONE;
        nowMillis = at;
        executed++;
        e.task.run();
        return true;
    }

    private void removeHead() {
        int last = --size;
        Entry moved = entries[last];
        long movedAt = keys[2 * last];
        long movedSeq = keys[2 * last + 1];
        entries[last] = null;
        if (last > 0) {
            siftDown(0, movedAt, movedSeq, moved);
        }
    }

    /** Drops every cancelled entry and rebuilds the heap (the order of what is left is its keys', so unchanged). */
    private void sweep() {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            Entry e = entries[i];
            if (e.state != Entry.CANCELLED) {
                entries[kept] = e;
                keys[2 * kept] = keys[2 * i];
                keys[2 * kept + 1] = keys[2 * i + 1];
                kept++;
            }
        }
        Arrays.fill(entries, kept, size, null);
        size = kept;
        cancelled = 0;
        for (int i = (size - 2) / ARITY; i >= 0; i--) {
            siftDown(i, keys[2 * i], keys[2 * i + 1], entries[i]);
        }
    }

    /** Places (at, seq, e) at {@code slot} or above it, moving larger parents down. */
    private void siftUp(int slot, long at, long seq, Entry e) {
        long[] k = keys;
        while (slot > 0) {
            int parent = (slot - 1) / ARITY;
            long pAt = k[2 * parent];
            long pSeq = k[2 * parent + 1];
            if (at > pAt || (at == pAt && seq > pSeq)) {
                break;
            }
            k[2 * slot] = pAt;
            k[2 * slot + 1] = pSeq;
            entries[slot] = entries[parent];
            slot = parent;
        }
        k[2 * slot] = at;
        k[2 * slot + 1] = seq;
        entries[slot] = e;
    }

    /** Places (at, seq, e) at {@code slot} or below it, moving smaller children up. */
    private void siftDown(int slot, long at, long seq, Entry e) {
        long[] k = keys;
        int n = size;
        while (true) {
            int first = ARITY * slot + 1;
            if (first >= n) {
                break;
            }
            // The smallest of the (up to four) children.
            int child = first;
            long cAt = k[2 * first];
            long cSeq = k[2 * first + 1];
            int end = Math.min(first + ARITY, n);
            for (int c = first + 1; c < end; c++) {
                long oAt = k[2 * c];
                if (oAt < cAt || (oAt == cAt && k[2 * c + 1] < cSeq)) {
                    child = c;
                    cAt = oAt;
                    cSeq = k[2 * c + 1];
                }
            }
            if (at < cAt || (at == cAt && seq < cSeq)) {
                break;
            }
            k[2 * slot] = cAt;
            k[2 * slot + 1] = cSeq;
            entries[slot] = entries[child];
            slot = child;
        }
        k[2 * slot] = at;
        k[2 * slot + 1] = seq;
        entries[slot] = e;
    }

    private static final class Entry implements Timer {
        static final byte PENDING = 0;
        static final byte DONE = 1;
        static final byte CANCELLED = 2;

        final VirtualClockScheduler owner;
        final long dueMillis;
        final Runnable task;
        byte state = PENDING;

        Entry(VirtualClockScheduler owner, long dueMillis, Runnable task) {
            this.owner = owner;
            this.dueMillis = dueMillis;
            this.task = task;
        }

        @Override
        public Instant dueAt() {
            return Instant.ofEpochMilli(dueMillis);
        }
    }
}
