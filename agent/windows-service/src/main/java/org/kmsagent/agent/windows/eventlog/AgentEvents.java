package org.kmsagent.agent.windows.eventlog;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One typed method per {@link AgentEventId}, formatting the insertion strings the way the table of
 * docs/windows-service-notes.md documents them: times in UTC ISO-8601 to the second, error codes as
 * {@code 0xXXXXXXXX}, product keys as their last five characters only.
 */
public final class AgentEvents {
    private final EventLogWriter writer;

    public AgentEvents(EventLogWriter writer) {
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    public void agentStarted(String version, String javaRuntime, long pid) {
        writer.report(AgentEventId.AGENT_STARTED, version, javaRuntime, Long.toString(pid));
    }

    public void agentStopped(String reason, Duration uptime) {
        writer.report(
                AgentEventId.AGENT_STOPPED,
                reason,
                uptime.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    public void serviceStartFailed(int serviceSpecificCode, String error, String whatToDo) {
        writer.report(AgentEventId.SERVICE_START_FAILED, Integer.toString(serviceSpecificCode), error, whatToDo);
    }

    public void serviceStopFailed(String reason, String error) {
        writer.report(AgentEventId.SERVICE_STOP_FAILED, reason, error);
    }

    public void configurationProblem(String where, String problem) {
        writer.report(AgentEventId.CONFIGURATION_PROBLEM, where, problem);
    }

    public void activationSucceeded(String product, String key, String kmsHost, Instant validUntil) {
        writer.report(AgentEventId.ACTIVATION_SUCCEEDED, product, ProductKeys.lastFive(key), kmsHost, time(validUntil));
    }

    public void activationFailed(String product, String key, int hresult, String cause, String diagnosis) {
        writer.report(
                AgentEventId.ACTIVATION_FAILED, product, ProductKeys.lastFive(key), hex(hresult), cause, diagnosis);
    }

    public void makFallbackUsed(String product, String makKey, String kmsFailure) {
        writer.report(AgentEventId.MAK_FALLBACK_USED, product, ProductKeys.lastFive(makKey), kmsFailure);
    }

    public void renewalSucceeded(String product, String kmsHost, Instant validUntil) {
        writer.report(AgentEventId.RENEWAL_SUCCEEDED, product, kmsHost, time(validUntil));
    }

    public void renewalFailed(String product, int hresult, String cause, Instant validUntil, Instant nextAttempt) {
        writer.report(AgentEventId.RENEWAL_FAILED, product, hex(hresult), cause, time(validUntil), time(nextAttempt));
    }

    /** {@code lastError} is e.g. {@code 0xC004F074 SL_E_NO_KMS_...: ...}, or null when no renewal has failed. */
    public void lapseAhead7Days(String product, Instant validUntil, String lastError) {
        writer.report(AgentEventId.LAPSE_AHEAD_7_DAYS, product, time(validUntil), orNone(lastError));
    }

    public void lapseAhead1Day(String product, Instant validUntil, String lastError) {
        writer.report(AgentEventId.LAPSE_AHEAD_1_DAY, product, time(validUntil), orNone(lastError));
    }

    public void licenseExpired(String product, Instant expiredAt, String licenseStatus) {
        writer.report(AgentEventId.LICENSE_EXPIRED, product, time(expiredAt), licenseStatus);
    }

    /** An HRESULT or Win32 code as the table writes it: {@code 0xC004F074}. */
    public static String hex(int code) {
        return String.format("0x%08X", code);
    }

    /** A time as the table writes it: UTC ISO-8601 to the second, {@code 2025-01-31T12:00:00Z}; "unknown" for null. */
    public static String time(Instant t) {
        return t == null ? "unknown" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String orNone(String s) {
        return s == null || s.isBlank() ? "none" : s;
    }
}
