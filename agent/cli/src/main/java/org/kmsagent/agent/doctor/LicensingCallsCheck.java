package org.kmsagent.agent.doctor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.kmsagent.agent.licensing.CallTimeouts;
import org.kmsagent.agent.licensing.CallTimeoutsFile;

/**
 * The {@code licensing-calls} finding: the licensing calls the agent (the daemon, {@code kms-agent run}) abandoned
 * at their deadline, from the record it keeps in its data directory. Recent timeouts are a warning: the licensing
 * service hung, and activation and renewal wait behind it.
 */
public final class LicensingCallsCheck {
    /** Timeouts this recent are a warning; older ones are told for the record. */
    static final Duration RECENT = Duration.ofHours(24);

    private LicensingCallsCheck() {}

    /**
     * The finding from the record in {@code dataDir}, if any; a damaged record is a warning saying so, naming the file.
     * The agent never reads the record back: it writes a new one over it at its next abandoned call
     * ({@code MachineLicensing}), so a damaged one stays until then.
     */
    public static Optional<Finding> check(Path dataDir, Instant now, boolean simulated) {
        try {
            return finding(CallTimeoutsFile.read(dataDir), dataDir.toString(), now, simulated);
        } catch (CallTimeoutsFile.DamagedException e) {
            return Optional.of(Finding.warn(
                    "agent",
                    "licensing-calls",
                    e.getMessage() + "; the agent does not read it back, and writes a new record over it at its next "
                            + "licensing-call timeout",
                    "delete it to clear this warning: it holds only the count of abandoned licensing calls"));
        } catch (IOException e) {
            return Optional.of(Finding.warn(
                    "agent",
                    "licensing-calls",
                    e.getMessage(),
                    "delete the file; the agent writes it again at its next timeout"));
        }
    }

    /**
     * The finding, or empty when the agent never recorded a timeout there.
     *
     * @param record what {@link org.kmsagent.agent.licensing.CallTimeoutsFile} read, empty when there is no record
     * @param where the data directory read, for the message
     * @param now the local clock
     * @param simulated whether the stack is the simulated one, whose hangs are injected faults, not sppsvc's
     */
    public static Optional<Finding> finding(
            Optional<CallTimeouts> record, String where, Instant now, boolean simulated) {
        if (record.isEmpty() || record.get().timedOut() == 0) {
            return Optional.empty();
        }
        CallTimeouts t = record.get();
        String detail = "the agent started " + t.since() + " abandoned " + t.timedOut() + " licensing call(s) at their"
                + " deadline (" + t.deadline().toSeconds() + " s, activation "
                + t.activationDeadline().toSeconds() + " s): "
                + t.perCall() + t.lastCall().map(c -> "; last: " + c).orElse("")
                + t.lastAt().map(a -> " at " + a).orElse("") + "; " + t.stillHung()
                + " still not returned when recorded"
                + " (" + where + ")";
        boolean recent = t.lastAt()
                .map(a -> Duration.between(a, now).compareTo(RECENT) < 0)
                .orElse(false);
        if (!recent) {
            return Optional.of(Finding.info("agent", "licensing-calls", detail));
        }
        return Optional.of(Finding.warn(
                "agent",
                "licensing-calls",
                detail,
                simulated
                        ? "the simulated stack hung these calls as its faults ask (simulated.faults: hangRate);"
                                + " nothing on this computer hung; renewal.callDeadlineSeconds sets the deadline"
                        : "the Software Protection service (sppsvc) did not answer in time: check it in services.msc"
                                + " and the Application log, restart it if it hangs; renewal.callDeadlineSeconds sets"
                                + " the deadline"));
    }
}
