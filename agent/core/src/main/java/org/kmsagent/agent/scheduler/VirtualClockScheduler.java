package org.kmsagent.agent.scheduler;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A discrete-event scheduler on a virtual clock: time moves only when {@link #runUntil(Instant)} (or
 * {@link #runNext()}) takes the next due task, so a simulated year takes as long as its events take to compute.
 *
 * <p>Tasks are ordered by (due time, scheduling sequence): two tasks due at the same instant run in the order they
 * were scheduled, which makes every run with the same inputs identical. The queue is a 4-ary heap whose keys are
 * held in one primitive array beside the tasks (each slot's {@code long} due time and sequence number side by
 * side), so ordering the heap reads one contiguous array and never the tasks themselves: at a fleet of 100,000
 * machines the tasks are scattered over a heap of hundreds of MB, and each one read would be a cache miss. A task
 * is read once, when it runs. Four children a node (their keys 64 bytes in a row) make the heap half as deep as a
 * binary one, and a pop reads about half as many cache lines of keys; the order is the keys' either way.
 *
 * <p>The heap holds its tasks' places in a table of tasks (ints), not their timers: running the head reads its keys
 * and its task, which it has to read to run it anyway, and no timer object (another cache miss per event at a large
 * fleet); moving a slot moves two longs and an int, and never touches a task. A timer knows its
 * keys; {@link #cancel(Timer)} notes its sequence number and leaves the slot in the heap, where it is skipped when it
 * comes up (a timer that knew its heap slot would have to be written on every move). When cancelled slots make up half
 * the heap, they are swept out at once, so the garbage stays bounded by the live tasks. Whether a timer has run
 * needs no state either: the heap runs tasks in increasing (due time, sequence), so a timer not cancelled has run
 * when its keys are at or before the last task's. {@link #reschedule} reuses a timer that is no longer pending,
 * which spares a task that is always due once (a renewal loop) a new timer, kept alive for days of simulated
 * time, per run.
 *
 * <p>Not thread-safe: one thread drives it, and tasks run on that thread.
 */
public final class VirtualClockScheduler implements Scheduler {
    private static final int INITIAL = 1024;

    // The heap: slot i holds the task tasks[refs[i]], due at keys[2 * i], scheduled as number keys[2 * i + 1]; its
    // children are the slots 4 * i + 1 to 4 * i + 4. Sifting moves only primitives: storing a reference into an array
    // of an interface type makes the JIT check the stored object's class, and reading its header is a cache miss per
    // level at a large fleet (a quarter of a 100,000-machine year's samples were in siftDown before).
    private static final int ARITY = 4;
    private long[] keys = new long[2 * INITIAL];
    private int[] refs = new int[INITIAL];
    private int size;
    // Where tasks stay put while their slots move: a table with a stack of its free places.
    private Runnable[] tasks = new Runnable[INITIAL];
    private int[] freeRefs = new int[INITIAL];
    private int freeCount;
    private int tasksUsed;
    // Sequence numbers of the slots cancelled but still in the heap.
    private final Set<Long> cancelled = new HashSet<>();
    private long sequence;
    private long nowMillis;
    private long executed;
    // The keys of the last task taken off the heap: every timer at or before them has run or was cancelled.
    private long lastAt = Long.MIN_VALUE;
    private long lastSeq = -1;

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
        Entry e = new Entry(this);
        push(e, atMillis, task);
        return e;
    }

    /** Reuses {@code previous} when it is this scheduler's and no longer pending (see the class comment). */
    @Override
    public Timer reschedule(Timer previous, long atMillis, Runnable task) {
        if (previous instanceof Entry e && e.owner == this) {
            cancel(e);
            push(e, atMillis, task);
            return e;
        }
        return scheduleAt(atMillis, task);
    }

    private void push(Entry e, long atMillis, Runnable task) {
        Objects.requireNonNull(task, "task");
        long at = Math.max(atMillis, nowMillis);
        e.dueMillis = at;
        e.seq = sequence++;
        e.cancelled = false;
        if (size == refs.length) {
            int grown = size * 2;
            keys = Arrays.copyOf(keys, 2 * grown);
            refs = Arrays.copyOf(refs, grown);
        }
        siftUp(size++, at, e.seq, place(task));
    }

    /** Puts the task in the table; returns its place. */
    private int place(Runnable task) {
        if (freeCount > 0) {
            int ref = freeRefs[--freeCount];
            tasks[ref] = task;
            return ref;
        }
        if (tasksUsed == tasks.length) {
            tasks = Arrays.copyOf(tasks, tasksUsed * 2);
            freeRefs = Arrays.copyOf(freeRefs, tasksUsed * 2);
        }
        tasks[tasksUsed] = task;
        return tasksUsed++;
    }

    /** Takes the task out of the table, freeing its place. */
    private Runnable release(int ref) {
        Runnable task = tasks[ref];
        tasks[ref] = null;
        freeRefs[freeCount++] = ref;
        return task;
    }

    @Override
    public boolean cancel(Timer timer) {
        if (!(timer instanceof Entry e) || e.owner != this || !pending(e)) {
            return false;
        }
        e.cancelled = true;
        cancelled.add(e.seq);
        if (cancelled.size() > 64 && cancelled.size() > size / 2) {
            sweep();
        }
        return true;
    }

    /** Neither cancelled nor run: runs happen in increasing keys, so a timer has run when the last run is not before it. */
    private boolean pending(Entry e) {
        return !e.cancelled && (e.dueMillis > lastAt || (e.dueMillis == lastAt && e.seq > lastSeq));
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
        return size - cancelled.size();
    }

    /** How many tasks have run since this scheduler was made. */
    public long executed() {
        return executed;
    }

    /** When the next pending task is due, if any. */
    public Optional<Instant> nextDue() {
        while (size > 0 && !cancelled.isEmpty() && cancelled.remove(keys[1])) {
            release(refs[0]);
            removeHead();
        }
        return size == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(keys[0]));
    }

    /** Takes the head off the heap and runs it, unless it was cancelled; returns whether a task ran. */
    private boolean runHead() {
        Runnable task = release(refs[0]);
        long at = keys[0];
        long seq = keys[1];
        removeHead();
        lastAt = at;
        lastSeq = seq;
        if (!cancelled.isEmpty() && cancelled.remove(seq)) {
            return false;
        }
        nowMillis = at;
        executed++;
        if (size > 0) {
            // The next task's header, read before this task runs: at a large fleet the first read of a task is a cache
            // miss (a third of the engine's samples were on the call below), and read here it overlaps this task's
            // work. The engine alone, 100,000 machines, four alternating pairs: 0.30 -> 0.34 of the bare loop.
            nextTaskType = tasks[refs[0]].getClass();
        }
        task.run();
        return true;
    }

    // Written so that the read above is not dropped; never read.
    private Class<?> nextTaskType;

    private void removeHead() {
        int last = --size;
        int moved = refs[last];
        long movedAt = keys[2 * last];
        long movedSeq = keys[2 * last + 1];
        if (last > 0) {
            siftDown(0, movedAt, movedSeq, moved);
        }
    }

    /** Drops every cancelled slot and rebuilds the heap (the order of what is left is its keys', so unchanged). */
    private void sweep() {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (cancelled.contains(keys[2 * i + 1])) {
                release(refs[i]);
            } else {
                refs[kept] = refs[i];
                keys[2 * kept] = keys[2 * i];
                keys[2 * kept + 1] = keys[2 * i + 1];
                kept++;
            }
        }
        size = kept;
        cancelled.clear();
        for (int i = (size - 2) / ARITY; i >= 0; i--) {
            siftDown(i, keys[2 * i], keys[2 * i + 1], refs[i]);
        }
    }

    /** Places (at, seq, ref) at {@code slot} or above it, moving larger parents down. */
    private void siftUp(int slot, long at, long seq, int ref) {
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
            refs[slot] = refs[parent];
            slot = parent;
        }
        k[2 * slot] = at;
        k[2 * slot + 1] = seq;
        refs[slot] = ref;
    }

    /** Places (at, seq, ref) at {@code slot} or below it, moving smaller children up. */
    private void siftDown(int slot, long at, long seq, int ref) {
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
            refs[slot] = refs[child];
            slot = child;
        }
        k[2 * slot] = at;
        k[2 * slot + 1] = seq;
        refs[slot] = ref;
    }

    /** A timer: its keys in the heap, and whether it was cancelled. */
    private static final class Entry implements Timer {
        final VirtualClockScheduler owner;
        long dueMillis;
        long seq;
        boolean cancelled;

        Entry(VirtualClockScheduler owner) {
            this.owner = owner;
        }

        @Override
        public Instant dueAt() {
            return Instant.ofEpochMilli(dueMillis);
        }
    }
}
