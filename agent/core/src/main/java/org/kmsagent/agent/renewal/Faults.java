package org.kmsagent.agent.renewal;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicensingException;

/**
 * The agent's fault model: every way a licensing call can fail, sorted once, here, into what the renewal loop does
 * about it (docs/troubleshooting.md, "How the agent treats licensing failures").
 *
 * <ul>
 *   <li>{@link FaultClass#TRANSIENT}: the licensing service was not there to ask (restarting after an update,
 *       WMI busy at boot, a call that never returned). Asked again soon, with a backoff that never exceeds the
 *       activation interval ({@link #backoff}).
 *   <li>{@link FaultClass#PERMANENT}: the service answered no (an invalid or blocked key, a disabled service, a
 *       code the model does not know). Asking again soon would not help; the loop reports it and asks again at
 *       the activation interval, in case an administrator fixed it. It never gives up.
 *   <li>{@link FaultClass#GONE}: the product is no longer on the machine. The only failure that ends a loop.
 * </ul>
 */
public final class Faults {
    private Faults() {}

    /** What the renewal loop does about a failed licensing call. */
    public enum FaultClass {
        /** Retry soon, with a bounded backoff. */
        TRANSIENT,
        /** Report; retry at the activation interval. */
        PERMANENT,
        /** The product left the machine: the loop ends. */
        GONE
    }

    /** {@code HRESULT_FROM_WIN32(ERROR_TIMEOUT)}: what the agent reports for a call abandoned at its deadline. */
    public static final HResult CALL_TIMED_OUT = new HResult(
            0x800705B4,
            "ERROR_TIMEOUT",
            "The licensing call did not return before its deadline; the agent abandoned it.");
    /** How long after a loop starts an access-denied answer still counts as the service starting up. */
    public static final Duration STARTUP_WINDOW = Duration.ofMinutes(15);
    /** The first retry after a transient failure; each further one doubles, up to the activation interval. */
    public static final Duration FIRST_RETRY = Duration.ofMinutes(1);

    /** The licensing service or its transport was not there to ask: the answer may differ in a minute. */
    private static final Set<Integer> TRANSIENT = Set.of(
            HResult.ERROR_SERVICE_NOT_ACTIVE.code(), // 0x80070426 sppsvc/osppsvc not running (restart after update)
            HResult.RPC_S_SERVER_UNAVAILABLE.code(), // 0x800706BA the service's RPC endpoint is gone
            HResult.RPC_S_SERVER_TOO_BUSY.code(),
            HResult.RPC_S_CALL_FAILED.code(),
            HResult.RPC_S_CALL_FAILED_DNE.code(), // the service went away before the call ran
            HResult.RPC_E_DISCONNECTED.code(), // a COM object of a service restarted under the call
            HResult.RPC_E_TIMEOUT.code(),
            HResult.CO_E_SERVER_EXEC_FAILURE.code(), // WMI's host process starting or restarting
            CALL_TIMED_OUT.code(),
            HResult.WBEM_E_TRANSPORT_FAILURE.code(),
            HResult.WBEM_E_SHUTTING_DOWN.code(),
            HResult.WBEM_E_SERVER_TOO_BUSY.code());

    /** Access refused: while the service is starting it refuses callers it later admits. */
    private static final Set<Integer> ACCESS_DENIED = Set.of(
            HResult.E_ACCESSDENIED.code(), HResult.SL_E_LUA_ACCESSDENIED.code(), HResult.WBEM_E_ACCESS_DENIED.code());

    /** The product is not (or no longer) installed. */
    private static final Set<Integer> GONE =
            Set.of(HResult.SL_E_SKU_NOT_FOUND.code(), HResult.SL_E_PRODUCT_SKU_NOT_INSTALLED.code());

    /**
     * The class of a failed call's code.
     *
     * @param startingUp whether the loop is still within {@link #STARTUP_WINDOW} of its start
     */
    public static FaultClass classify(HResult hresult, boolean startingUp) {
        int code = Objects.requireNonNull(hresult, "hresult").code();
        if (TRANSIENT.contains(code)) {
            return FaultClass.TRANSIENT;
        }
        if (ACCESS_DENIED.contains(code)) {
            return startingUp ? FaultClass.TRANSIENT : FaultClass.PERMANENT;
        }
        if (GONE.contains(code)) {
            return FaultClass.GONE;
        }
        return FaultClass.PERMANENT;
    }

    /**
     * The class of a failed call: its code, and whatever the code, a failed {@code SLOpen} (no session with the
     * licensing service could be opened, kms-rules §8) is transient: the service is not there yet.
     */
    public static FaultClass classify(LicensingException e, boolean startingUp) {
        String m = e.getMessage();
        if (m != null && m.contains("SLOpen failed")) {
            return FaultClass.TRANSIENT;
        }
        return classify(e.hresult(), startingUp);
    }

    /** Whether the code is an access-denied one (SLC, COM or WMI). */
    static boolean accessDenied(int code) {
        return ACCESS_DENIED.contains(code);
    }

    /** Whether the failure is a call abandoned at its deadline. */
    public static boolean timedOut(HResult hresult) {
        return hresult.code() == CALL_TIMED_OUT.code();
    }

    /**
     * The wait before the retry after the {@code failures}-th transient failure in a row (1-based):
     * {@link #FIRST_RETRY}, doubled each time, never more than {@code cap} (the activation interval), so a product is
     * asked again within one activation interval of the service coming back.
     */
    public static Duration backoff(int failures, Duration cap) {
        int shift = Math.min(Math.max(failures, 1) - 1, 20);
        long millis = FIRST_RETRY.toMillis() << shift;
        return Duration.ofMillis(Math.min(millis, cap.toMillis()));
    }
}
