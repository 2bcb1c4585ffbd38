package org.kmsagent.agent.bus.audit;

/**
 * Where the bridge and the dashboard report admin actions and refusals. Called on event loops: an implementation
 * must not block ({@link AuditLog} hands the write to its own thread).
 */
@FunctionalInterface
public interface AuditTrail {
    /** Nothing is recorded (tests, benchmarks, components without a data directory). */
    AuditTrail NONE = r -> {};

    /** Records one action; a record without a time is stamped when it is written. */
    void record(AuditRecord record);
}
