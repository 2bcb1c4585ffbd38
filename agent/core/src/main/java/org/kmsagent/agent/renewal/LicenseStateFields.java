package org.kmsagent.agent.renewal;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;

/**
 * The parts of a {@link LicenseState} the renewal loop schedules by (status, grace left, end of the activation, the
 * two intervals), held in fields that are written in place: a loop owns one and fills it on every run, from the
 * record a stack returns ({@link #set(LicenseState)}) or, where the stack is a {@link Reader}, straight from the
 * stack without a record. Both give the same values; the second builds no objects, which matters where a run is a
 * few microseconds (the simulator, at a fleet of 100,000 machines, reads a state twice per run, some 13 million
 * times a year).
 *
 * <p>Not thread-safe: one loop fills and reads it on its own thread.
 */
public final class LicenseStateFields {
    private LicenseStatus status;
    private long graceRemainingMillis;
    private boolean hasValidUntil;
    private long validUntilMillis;
    private Duration activationInterval;
    private Duration renewalInterval;

    /** A licensing stack that can fill the fields itself instead of building a {@link LicenseState}. */
    public interface Reader {
        /**
         * Writes what {@link org.kmsagent.api.LicensingStack#licenseState} would return into {@code into}, failing as
         * it would.
         */
        void licenseState(LicensingService service, UUID skuId, LicenseStateFields into) throws LicensingException;
    }

    /** Takes the fields of {@code state}. */
    public void set(LicenseState state) {
        set(
                state.status(),
                state.graceRemaining().toMillis(),
                state.validUntil().isPresent(),
                state.validUntil().map(Instant::toEpochMilli).orElse(0L),
                state.activationInterval(),
                state.renewalInterval());
    }

    /**
     * Sets every field, as {@link LicenseState}'s components.
     *
     * @param validUntilMillis the end of the activation in epoch milliseconds; read only when {@code hasValidUntil}
     */
    public void set(
            LicenseStatus status,
            long graceRemainingMillis,
            boolean hasValidUntil,
            long validUntilMillis,
            Duration activationInterval,
            Duration renewalInterval) {
        // The references are stored only when they change: these fields are read twice per run of a loop that lives
        // for the whole simulation, and a store of a reference marks the object's card for the next young collection
        // to scan, even when the value is the same.
        if (this.status != status) {
            this.status = status;
        }
        this.graceRemainingMillis = graceRemainingMillis;
        this.hasValidUntil = hasValidUntil;
        this.validUntilMillis = validUntilMillis;
        if (this.activationInterval != activationInterval) {
            this.activationInterval = activationInterval;
        }
        if (this.renewalInterval != renewalInterval) {
            this.renewalInterval = renewalInterval;
        }
    }

    /** {@link LicenseState#status()}. */
    public LicenseStatus status() {
        return status;
    }

    /** {@link LicenseState#graceRemaining()} in milliseconds. */
    public long graceRemainingMillis() {
        return graceRemainingMillis;
    }

    /** Whether {@link LicenseState#validUntil()} is present. */
    public boolean hasValidUntil() {
        return hasValidUntil;
    }

    /** {@link LicenseState#validUntil()} in epoch milliseconds, when {@link #hasValidUntil()}. */
    public long validUntilMillis() {
        return validUntilMillis;
    }

    /** {@link LicenseState#activationInterval()}. */
    public Duration activationInterval() {
        return activationInterval;
    }

    /** {@link LicenseState#renewalInterval()}. */
    public Duration renewalInterval() {
        return renewalInterval;
    }
}
