package org.kmsagent.agent.licensing.simulated;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.kmsagent.agent.licensing.ForwardingStack;
import org.kmsagent.agent.renewal.Faults;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.ProductKey;

/**
 * Wraps any licensing stack and makes a seeded share of its calls fail the way a real machine's licensing service
 * fails (docs/troubleshooting.md, "How the agent treats licensing failures"): the service not running, its RPC
 * endpoint gone, {@code SLOpen} refused, access denied, WMI busy, or a call that never returns. A failed call never
 * reaches the wrapped stack, so it changes nothing on the machine.
 *
 * <p>Deterministic: one draw pair per call from the given random source, whatever the outcome, so a seed gives the
 * same faults on the same calls.
 *
 * <p>Hangs: on a virtual clock ({@link HangMode#TIMEOUT}) a hung call is reported at once as the agent's deadline
 * passing; on the live agent ({@link HangMode#BLOCK}) it really blocks its thread, as a stuck native call would, for
 * {@code hangFor} (or until {@link #release()}), then fails without touching the machine.
 *
 * <p>Only the calls of the renewal path fail; the rest ({@code slmgr /dlv}'s details, the diagnosis) pass through as
 * {@link ForwardingStack} passes them, and take no draw.
 */
public final class FaultyStack extends ForwardingStack {

    /** How a licensing call fails. */
    public enum Kind {
        /** {@code 0x80070426}: the Software Protection service is not running (restarting after an update). */
        SERVICE_NOT_RUNNING,
        /** {@code 0x800706BA}: the service's RPC server is unavailable. */
        RPC_UNAVAILABLE,
        /** {@code SLOpen} failed: no session with the licensing service. */
        SLOPEN_FAILED,
        /** {@code 0x80070005}: access denied (the service starting up). */
        ACCESS_DENIED,
        /** {@code 0x80041045}: WMI too busy (at boot). */
        WMI_BUSY,
        /** The call does not return. */
        HANG;

        /** The name used in configuration and scenario files: {@code service-not-running}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The kind named {@code id} ({@code rpc-unavailable} or {@code RPC_UNAVAILABLE}). */
        public static Optional<Kind> parse(String id) {
            String n = id.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Kind k : values()) {
                if (k.name().equals(n)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }

        /** Every id, for error messages and docs. */
        public static List<String> ids() {
            return Arrays.stream(values()).map(Kind::id).toList();
        }
    }

    /** What a blocked call does on the live agent versus on a virtual clock. */
    public enum HangMode {
        /** Report the hang at once as the agent's call deadline passing (virtual clock: time cannot pass mid-call). */
        TIMEOUT,
        /** Block the calling thread, as a stuck native call does; the agent's deadline abandons it. */
        BLOCK
    }

    /**
     * Which calls fail and how.
     *
     * @param rate the fraction of calls that fail, with a kind drawn evenly from {@code kinds}
     * @param hangRate a further fraction of calls that hang
     * @param kinds the kinds {@code rate} draws from (not empty when {@code rate} is above 0)
     * @param until faults stop at this time, if given
     * @param from faults start at this time, if given
     */
    public record Plan(double rate, double hangRate, Set<Kind> kinds, Optional<Instant> until, Optional<Instant> from) {
        /** No faults. */
        public static final Plan NONE = new Plan(0, 0, EnumSet.allOf(Kind.class), Optional.empty());

        public Plan {
            if (!(rate >= 0 && rate <= 1) || !(hangRate >= 0 && hangRate <= 1) || rate + hangRate > 1) {
                throw new IllegalArgumentException(
                        "fault rates must be between 0 and 1 and add up to at most 1; got rate " + rate + ", hangRate "
                                + hangRate);
            }
            kinds = kinds == null || kinds.isEmpty() ? EnumSet.allOf(Kind.class) : EnumSet.copyOf(kinds);
            Objects.requireNonNull(until, "until");
            Objects.requireNonNull(from, "from");
        }

        /** Faults from the start. */
        public Plan(double rate, double hangRate, Set<Kind> kinds, Optional<Instant> until) {
            this(rate, hangRate, kinds, until, Optional.empty());
        }

        /** {@code rate} of calls failing with every kind (hangs included), no extra hangs. */
        public static Plan everyKind(double rate) {
            return new Plan(rate, 0, EnumSet.allOf(Kind.class), Optional.empty());
        }

        /** Whether any call can fail. */
        public boolean enabled() {
            return rate > 0 || hangRate > 0;
        }

        /** The same plan, ending at {@code at}. */
        public Plan until(Instant at) {
            return new Plan(rate, hangRate, kinds, Optional.of(at), from);
        }

        /** The same plan, starting at {@code at}. */
        public Plan from(Instant at) {
            return new Plan(rate, hangRate, kinds, until, Optional.of(at));
        }

        /** E.g. {@code 10% of calls fail (rpc-unavailable, wmi-busy), 1% hang}. */
        @Override
        public String toString() {
            if (!enabled()) {
                return "no faults";
            }
            // The extra hangs only when there are any: "0% hang" beside calls that hung as one of the kinds of the
            // rate read as a contradiction.
            return String.format(
                    Locale.ROOT,
                    "%s%% of licensing calls fail (%s)%s%s",
                    pct(rate),
                    String.join(", ", kinds.stream().map(Kind::id).toList()),
                    hangRate > 0 ? ", " + pct(hangRate) + "% hang" : "",
                    from.map(u -> ", from " + u).orElse("")
                            + until.map(u -> ", until " + u).orElse(""));
        }

        private static String pct(double r) {
            return BigDecimal.valueOf(r * 100).stripTrailingZeros().toPlainString();
        }
    }

    private final Plan plan;
    private final Kind[] kinds;
    private final SplittableRandom rng;
    private final Supplier<Instant> clock;
    private final HangMode hangMode;
    private final Duration hangFor;
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong hung = new AtomicLong();

    /**
     * @param delegate the stack whose calls go through when no fault is drawn
     * @param plan which calls fail
     * @param rng the seeded source (a split of the scenario's, so faults follow the seed)
     * @param clock the time faults are judged by ({@link Plan#until})
     * @param hangMode what a hang does
     * @param hangFor how long a blocked call blocks ({@link HangMode#BLOCK})
     */
    public FaultyStack(
            LicensingStack delegate,
            Plan plan,
            SplittableRandom rng,
            Supplier<Instant> clock,
            HangMode hangMode,
            Duration hangFor) {
        super(delegate);
        this.plan = Objects.requireNonNull(plan, "plan");
        this.kinds = plan.kinds().toArray(new Kind[0]);
        this.rng = Objects.requireNonNull(rng, "rng");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.hangMode = Objects.requireNonNull(hangMode, "hangMode");
        this.hangFor = Objects.requireNonNull(hangFor, "hangFor");
    }

    /** The plan in force. */
    public Plan plan() {
        return plan;
    }

    /** Licensing calls made through this stack. */
    public long calls() {
        return calls.get();
    }

    /** Calls that failed with an injected fault (hangs not counted). */
    public long failed() {
        return failed.get();
    }

    /** Calls that hung. */
    public long hung() {
        return hung.get();
    }

    /** Ends every blocked call now, and all later hangs at once (the agent is stopping). */
    public void release() {
        released.countDown();
    }

    private void maybeFail(String call) throws LicensingException {
        calls.incrementAndGet();
        double draw;
        int pick;
        synchronized (rng) {
            draw = rng.nextDouble();
            pick = rng.nextInt(kinds.length);
        }
        Instant now = clock.get();
        if (plan.until().isPresent() && !now.isBefore(plan.until().get())
                || plan.from().isPresent() && now.isBefore(plan.from().get())) {
            return;
        }
        Kind kind;
        if (draw < plan.hangRate()) {
            kind = Kind.HANG;
        } else if (draw < plan.hangRate() + plan.rate()) {
            kind = kinds[pick];
        } else {
            return;
        }
        String where = call + " on " + machineName() + " (injected fault)";
        switch (kind) {
            case SERVICE_NOT_RUNNING -> fail(HResult.ERROR_SERVICE_NOT_ACTIVE, where);
            case RPC_UNAVAILABLE -> fail(HResult.RPC_S_SERVER_UNAVAILABLE, where);
            case SLOPEN_FAILED -> fail(HResult.of(0x80004005), "SLC SLOpen failed: " + where);
            case ACCESS_DENIED -> fail(HResult.E_ACCESSDENIED, where);
            case WMI_BUSY -> fail(HResult.WBEM_E_SERVER_TOO_BUSY, where);
            case HANG -> hang(where);
            default -> throw new IllegalStateException(kind.name());
        }
    }

    private void fail(HResult h, String where) throws LicensingException {
        failed.incrementAndGet();
        throw new LicensingException(h, where);
    }

    private void hang(String where) throws LicensingException {
        hung.incrementAndGet();
        if (hangMode == HangMode.TIMEOUT) {
            throw new LicensingException(Faults.CALL_TIMED_OUT, where + " never returned; abandoned at its deadline");
        }
        try {
            released.await(hangFor.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Whatever the caller did meanwhile, a hung call never reaches the machine.
        throw new LicensingException(
                HResult.RPC_S_SERVER_UNAVAILABLE, where + " hung for " + hangFor.toSeconds() + " s");
    }

    @Override
    public List<InstalledProduct> installedProducts(LicensingService service, UUID applicationId)
            throws LicensingException {
        maybeFail("installedProducts");
        return super.installedProducts(service, applicationId);
    }

    @Override
    public LicenseState licenseState(LicensingService service, UUID skuId) throws LicensingException {
        maybeFail("licenseState");
        return super.licenseState(service, skuId);
    }

    @Override
    public void installProductKey(LicensingService service, ProductKey key) throws LicensingException {
        maybeFail("installProductKey");
        super.installProductKey(service, key);
    }

    @Override
    public void setKmsEndpoint(LicensingService service, UUID skuId, KmsEndpoint endpoint) throws LicensingException {
        maybeFail("setKmsEndpoint");
        super.setKmsEndpoint(service, skuId, endpoint);
    }

    @Override
    public ActivationResult activate(LicensingService service, UUID skuId) throws LicensingException {
        maybeFail("activate");
        return super.activate(service, skuId);
    }
}
