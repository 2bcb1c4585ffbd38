package org.kmsagent.agent.live;

import jakarta.inject.Inject;
import java.util.concurrent.TimeoutException;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.api.LicensingException;

/**
 * The way in to the machine thread for everyone else: a call is handed to it and waited for (at most
 * {@value #WAIT_SECONDS} s), its failures mapped to what the control API reports, and refused once the agent is
 * stopping. Everything that touches the licensing stack, the loops or the plugin host goes through here, so that they
 * never interleave.
 */
final class MachineAccess {
    static final long WAIT_SECONDS = 120;

    private final MachineThread machine;
    private volatile boolean closed;

    @Inject
    MachineAccess(MachineThread machine) {
        this.machine = machine;
    }

    /** The machine thread. */
    MachineThread thread() {
        return machine;
    }

    boolean closed() {
        return closed;
    }

    /** From now on, calls are refused and scheduled tasks skipped. */
    void markClosed() {
        closed = true;
    }

    boolean onMachineThread() {
        return machine != null && machine.isCurrent();
    }

    /** Runs {@code body} on the machine context and waits, mapping failures to what the control API reports. */
    <T> T onMachine(MachineThread.Call<T> body) {
        try {
            return onMachineUnchecked(body);
        } catch (ControlException | IllegalArgumentException e) {
            throw e;
        } catch (LicensingException e) {
            throw new ControlException(BusCodes.CONFLICT, e.getMessage());
        } catch (RuntimeException e) {
            throw e;
        } catch (TimeoutException e) {
            throw new ControlException(BusCodes.TIMEOUT, "the agent did not finish within " + WAIT_SECONDS + " s");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    <T> T onMachineUnchecked(MachineThread.Call<T> body) throws Exception {
        if (closed) {
            throw new ControlException(BusCodes.UNAVAILABLE, "the agent is stopping");
        }
        return machine.call(body, WAIT_SECONDS);
    }
}
