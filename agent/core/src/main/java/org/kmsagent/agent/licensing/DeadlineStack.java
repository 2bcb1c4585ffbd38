package org.kmsagent.agent.licensing;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.kmsagent.agent.renewal.Faults;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.ProductKey;

/**
 * Gives every licensing call a deadline. Each call runs on a thread of its own; the caller (the agent's machine
 * thread) waits at most the deadline, then abandons the call, which keeps its thread until it returns, if ever, and
 * gets {@link Faults#CALL_TIMED_OUT}: a transient failure, so the renewal loop retries with its backoff and reports a
 * {@code CALL_TIMED_OUT} event. An abandoned call's result is dropped.
 *
 * <p>At most {@link #MAX_ABANDONED} abandoned calls are left running; beyond that new calls fail at once rather than
 * pile threads up behind a licensing service that answers no one.
 */
public final class DeadlineStack extends ForwardingStack {
    /** Reads (products, license state, keys, endpoints): the licensing service answers these in well under a second. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
    /** An activation contacts a KMS host (DNS, then RPC over TCP), which takes longer when hosts do not answer. */
    public static final Duration DEFAULT_ACTIVATION_DEADLINE = Duration.ofSeconds(90);
    /** Abandoned calls allowed to run on before new calls are refused. */
    public static final int MAX_ABANDONED = 4;

    private final Duration deadline;
    private final Duration activationDeadline;
    private final ExecutorService threads;
    private final AtomicInteger abandonedRunning = new AtomicInteger();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicInteger threadNumber = new AtomicInteger();
    private volatile String lastTimeout = "";
    private final Supplier<Instant> clock;
    private final Instant since;
    private final Map<String, AtomicLong> byCall = new ConcurrentHashMap<>();
    private volatile String lastCall;
    private volatile Instant lastAt;
    private volatile Consumer<CallTimeouts> onTimeout = t -> {};

    /** With the default deadlines. */
    public DeadlineStack(LicensingStack delegate) {
        this(delegate, DEFAULT_DEADLINE, DEFAULT_ACTIVATION_DEADLINE);
    }

    public DeadlineStack(LicensingStack delegate, Duration deadline, Duration activationDeadline) {
        this(delegate, deadline, activationDeadline, Instant::now);
    }

    /** @param clock when a call is abandoned (the agent's clock) */
    public DeadlineStack(
            LicensingStack delegate, Duration deadline, Duration activationDeadline, Supplier<Instant> clock) {
        super(delegate);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.since = clock.get();
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.activationDeadline = Objects.requireNonNull(activationDeadline, "activationDeadline");
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "licensing-call-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Calls abandoned at their deadline since start. */
    public long timedOut() {
        return timedOut.get();
    }

    /** Abandoned calls that still have not returned. */
    public int stillHung() {
        return abandonedRunning.get();
    }

    /** The deadline of reads and of activations. */
    public Duration deadline() {
        return deadline;
    }

    /** The deadline of an activation. */
    public Duration activationDeadline() {
        return activationDeadline;
    }

    /** What was abandoned since start, by call. */
    public CallTimeouts timeouts() {
        Map<String, Long> counts = new HashMap<>();
        byCall.forEach((k, v) -> counts.put(k, v.get()));
        return new CallTimeouts(
                since,
                deadline,
                activationDeadline,
                timedOut.get(),
                abandonedRunning.get(),
                counts,
                Optional.ofNullable(lastCall),
                Optional.ofNullable(lastAt));
    }

    /**
     * Tells {@code listener} after each call abandoned (on the caller's thread, after the counts are updated), e.g.
     * to keep a record that {@code kms-agent doctor} reads. A listener that throws is ignored.
     */
    public void onTimeout(Consumer<CallTimeouts> listener) {
        this.onTimeout = Objects.requireNonNull(listener, "listener");
    }

    private void count(String what) {
        timedOut.incrementAndGet();
        byCall.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
        lastCall = what;
        lastAt = clock.get();
        try {
            onTimeout.accept(timeouts());
        } catch (RuntimeException e) {
            // A record that cannot be kept must not turn a timeout into another failure.
        }
    }

    /** One line for status and doctor. */
    public String describe() {
        return "licensing calls: deadline " + deadline.toSeconds() + " s (activation " + activationDeadline.toSeconds()
                + " s); " + timedOut.get() + " abandoned since start, " + abandonedRunning.get() + " still not returned"
                + (lastTimeout.isEmpty() ? "" : "; last: " + lastTimeout);
    }

    /** Stops accepting calls (threads of abandoned calls are daemons and end with the process). */
    public void close() {
        threads.shutdownNow();
    }

    private <T> T call(String what, Duration limit, Callable<T> body) throws LicensingException {
        int stuck = abandonedRunning.get();
        if (stuck >= MAX_ABANDONED) {
            count(what);
            throw new LicensingException(
                    Faults.CALL_TIMED_OUT,
                    what + " not started: " + stuck + " earlier licensing calls still have not returned");
        }
        boolean[] abandoned = new boolean[1];
        Future<T> f;
        try {
            f = threads.submit(() -> {
                try {
                    return body.call();
                } finally {
                    synchronized (abandoned) {
                        if (abandoned[0]) {
                            abandonedRunning.decrementAndGet();
                        }
                        abandoned[0] = false;
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            throw new LicensingException(Faults.CALL_TIMED_OUT, what + ": the agent is stopping", e);
        }
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            synchronized (abandoned) {
                if (!f.isDone()) {
                    abandoned[0] = true;
                    abandonedRunning.incrementAndGet();
                }
            }
            lastTimeout = what + " abandoned after " + text(limit) + " at " + clock.get();
            count(what);
            throw new LicensingException(
                    Faults.CALL_TIMED_OUT,
                    what + " on " + machineName() + " did not return within " + text(limit)
                            + "; abandoned on its own thread");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof LicensingException le) {
                throw le;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(what + " failed", c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LicensingException(Faults.CALL_TIMED_OUT, what + ": interrupted while waiting", e);
        }
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public List<InstalledProduct> installedProducts(LicensingService service, UUID applicationId)
            throws LicensingException {
        return call("installedProducts", deadline, () -> super.installedProducts(service, applicationId));
    }

    @Override
    public LicenseState licenseState(LicensingService service, UUID skuId) throws LicensingException {
        return call("licenseState", deadline, () -> super.licenseState(service, skuId));
    }

    /** The wrapped stack's details, within the read deadline; empty when it reads none. */
    @Override
    public Optional<Details> licenseDetails(InstalledProduct product) throws LicensingException {
        return call("licenseDetails", deadline, () -> super.licenseDetails(product));
    }

    @Override
    public void installProductKey(LicensingService service, ProductKey key) throws LicensingException {
        call("installProductKey", deadline, () -> {
            super.installProductKey(service, key);
            return null;
        });
    }

    @Override
    public void setKmsEndpoint(LicensingService service, UUID skuId, KmsEndpoint endpoint) throws LicensingException {
        call("setKmsEndpoint", deadline, () -> {
            super.setKmsEndpoint(service, skuId, endpoint);
            return null;
        });
    }

    @Override
    public ActivationResult activate(LicensingService service, UUID skuId) throws LicensingException {
        return call("activate", activationDeadline, () -> super.activate(service, skuId));
    }
}
