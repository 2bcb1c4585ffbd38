package org.kmsagent.agent.scheduler;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;

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
 * <p>Most tasks are due a fixed delay after the moment they are scheduled (a renewal loop's next run, seven days on),
 * and the clock only moves forward, so the tasks scheduled with one delay fall due in the order they were scheduled.
 * Such tasks go into a lane: a first-in first-out queue kept for one delay, where adding a task and taking the first
 * are a few array writes instead of a walk up and down the heap, whose compares the processor cannot predict. A few
 * lanes, each holding one delay while it has tasks, go to delays asked for twice in a row; a task whose delay has no
 * lane goes into the heap. The next task is the least of the heap's head and the lanes' heads by (due time,
 * sequence), so the order is the same as with the heap alone. The engine alone, 100,000 machines, two alternating
 * pairs on a loaded machine: 3.0-3.3 -> 4.9-5.8 million events/s (docs/performance-log.md, "Morning of
 * 2026-12-05, later").
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
    // The lanes (see the class comment; four: a simulated fleet's loops use one to three delays at a time), and how
    // many slots the heap and the lanes hold together.
    private final Lane[] lanes = {new Lane(), new Lane(), new Lane(), new Lane()};
    private int queued;
    // The delay of the task scheduled before: a lane is given to a delay only when two tasks in a row ask for it, so
    // one-off tasks (a fleet's arrivals, an outage's end) do not hold the lanes while recurring ones wait in the heap.
    private long lastDelay = Long.MIN_VALUE;
    // Where the next task is (next()): HEAP, a lane's index, or NONE when nothing is queued.
    private static final int HEAP = -1;
    private static final int NONE = -2;
    // Where tasks stay put while their slots move: a table with a stack of its free places.
    private Runnable[] tasks = new Runnable[INITIAL];
    private int[] freeRefs = new int[INITIAL];
    private int freeCount;
    private int tasksUsed;
    // Sequence numbers of the slots cancelled but still in the heap or a lane.
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
        int ref = place(task);
        queued++;
        Lane lane = laneFor(at - nowMillis, at);
        if (lane != null) {
            lane.add(at, e.seq, ref);
            return;
        }
        if (size == refs.length) {
            int grown = size * 2;
            keys = Arrays.copyOf(keys, 2 * grown);
            refs = Arrays.copyOf(refs, grown);
        }
        siftUp(size++, at, e.seq, ref);
    }

    /**
     * The lane for tasks scheduled {@code delay} after now, due at {@code at}: the one that holds that delay, else an
     * empty one, which takes it; null when every lane holds another delay (the task goes into the heap). A lane's
     * tasks stay in order because the clock never moves back; the check on its last due time keeps that true
     * whatever the caller does.
     */
    private Lane laneFor(long delay, long at) {
        boolean repeated = delay == lastDelay;
        lastDelay = delay;
        Lane empty = null;
        for (Lane lane : lanes) {
            if (lane.delay == delay) {
                return lane.size == 0 || lane.lastAt() <= at ? lane : null;
            }
            if (empty == null && lane.size == 0) {
                empty = lane;
            }
        }
        if (empty != null && repeated) {
            empty.delay = delay;
            return empty;
        }
        return null;
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
        if (cancelled.size() > 64 && cancelled.size() > queued / 2) {
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
        for (int from = next(); from != NONE && dueAt(from) <= endMillis; from = next()) {
            if (runHead(from)) {
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
        for (int from = next(); from != NONE; from = next()) {
            if (runHead(from)) {
                return true;
            }
        }
        return false;
    }

    /** How many tasks are pending. */
    public int pending() {
        return queued - cancelled.size();
    }

    /** How many tasks have run since this scheduler was made. */
    public long executed() {
        return executed;
    }

    /** When the next pending task is due, if any. */
    public Optional<Instant> nextDue() {
        int from = next();
        while (from != NONE && !cancelled.isEmpty() && cancelled.remove(seqAt(from))) {
            release(refAt(from));
            remove(from);
            from = next();
        }
        return from == NONE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(dueAt(from)));
    }

    /** Where the least (due time, sequence) queued is: the heap's head or a lane's first. */
    private int next() {
        int from = NONE;
        long at = Long.MAX_VALUE;
        long seq = Long.MAX_VALUE;
        if (size > 0) {
            from = HEAP;
            at = keys[0];
            seq = keys[1];
        }
        for (int i = 0; i < lanes.length; i++) {
            Lane lane = lanes[i];
            if (lane.size > 0) {
                long laneAt = lane.firstAt();
                if (laneAt < at || (laneAt == at && lane.firstSeq() < seq)) {
                    from = i;
                    at = laneAt;
                    seq = lane.firstSeq();
                }
            }
        }
        return from;
    }

    private long dueAt(int from) {
        return from == HEAP ? keys[0] : lanes[from].firstAt();
    }

    private long seqAt(int from) {
        return from == HEAP ? keys[1] : lanes[from].firstSeq();
    }

    private int refAt(int from) {
        return from == HEAP ? refs[0] : lanes[from].firstRef();
    }

    private void remove(int from) {
        queued--;
        if (from == HEAP) {
            removeHead();
        } else {
            lanes[from].removeFirst();
        }
    }

    /** Takes the first task off the heap or a lane and runs it, unless it was cancelled; returns whether a task ran. */
    private boolean runHead(int from) {
        Runnable task = release(refAt(from));
        long at = dueAt(from);
        long seq = seqAt(from);
        remove(from);
        lastAt = at;
        lastSeq = seq;
        if (!cancelled.isEmpty() && cancelled.remove(seq)) {
            return false;
        }
        nowMillis = at;
        executed++;
        // The next task's header, read before this task runs: at a large fleet the first read of a task is a cache
        // miss (a third of the engine's samples were on the call below), and read here it overlaps this task's work.
        // The engine alone, 100,000 machines, four alternating pairs: 0.30 -> 0.34 of the bare loop. The next task is
        // most often the next of the same lane or the heap; which one exactly is known only after this task ran.
        if (from != HEAP && lanes[from].size > 0) {
            nextTaskType = tasks[lanes[from].firstRef()].getClass();
        } else if (size > 0) {
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

    /**
     * Drops every cancelled slot from the lanes and the heap, and rebuilds the heap (the order of what is left is its
     * keys', so unchanged).
     */
    private void sweep() {
        for (Lane lane : lanes) {
            lane.keepOnly(cancelled, this::release);
        }
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
        queued = size;
        for (Lane lane : lanes) {
            queued += lane.size;
        }
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

    /**
     * A first-in first-out queue of slots (due time, sequence, task place) for one delay, in a ring of arrays that
     * doubles when full; the keys of a slot side by side, as in the heap.
     */
    private static final class Lane {
        long delay = Long.MIN_VALUE; // none yet: a delay is never negative
        private long[] keys = new long[2 * 64];
        private int[] refs = new int[64];
        private int first;
        int size;

        long firstAt() {
            return keys[2 * first];
        }

        long firstSeq() {
            return keys[2 * first + 1];
        }

        int firstRef() {
            return refs[first];
        }

        long lastAt() {
            return keys[2 * ((first + size - 1) & (refs.length - 1))];
        }

        void add(long at, long seq, int ref) {
            if (size == refs.length) {
                grow();
            }
            int i = (first + size) & (refs.length - 1);
            keys[2 * i] = at;
            keys[2 * i + 1] = seq;
            refs[i] = ref;
            size++;
        }

        void removeFirst() {
            first = (first + 1) & (refs.length - 1);
            size--;
        }

        /** Keeps the slots whose sequence is not in {@code cancelled}, in order; hands each dropped place to {@code dropped}. */
        void keepOnly(Set<Long> cancelled, IntConsumer dropped) {
            int mask = refs.length - 1;
            int kept = 0;
            for (int k = 0; k < size; k++) {
                int from = (first + k) & mask;
                int to = (first + kept) & mask; // never ahead of `from`: the kept slots move towards the first
                if (cancelled.contains(keys[2 * from + 1])) {
                    dropped.accept(refs[from]);
                } else {
                    keys[2 * to] = keys[2 * from];
                    keys[2 * to + 1] = keys[2 * from + 1];
                    refs[to] = refs[from];
                    kept++;
                }
            }
            size = kept;
        }

        private void grow() {
            int n = refs.length;
            long[] grownKeys = new long[4 * n];
            int[] grownRefs = new int[2 * n];
            for (int k = 0; k < size; k++) {
                int i = (first + k) & (n - 1);
                grownKeys[2 * k] = keys[2 * i];
                grownKeys[2 * k + 1] = keys[2 * i + 1];
                grownRefs[k] = refs[i];
            }
            keys = grownKeys;
            refs = grownRefs;
            first = 0;
        }
    }

    /** A timer: its keys in the heap or a lane, and whether it was cancelled. */
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
