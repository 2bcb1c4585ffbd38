package org.kmsagent.agent.windows.eventlog;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every event kms-agent writes to the Application log under the source {@code kms-agent}, with its stable id, its
 * type and its insertion strings ({@code %1}, {@code %2}, ... in order).
 *
 * <p>The ids are part of the agent's interface: monitoring rules select on them. Never renumber one, never reuse a
 * retired one, and keep the message text in step with {@code src/main/c/kms-agent-messages.mc}, which is compiled
 * into {@code kms-agent-service.exe} as the message table Event Viewer renders these events with
 * ({@code EventMessagesTest} compares the two). Ranges: 1000-1099 the service itself, 2000-2099 activation,
 * 3000-3099 renewal and the 180-day validity. The table of docs/windows-service-notes.md lists them.
 *
 * <p>No insertion string ever holds a whole product key: {@link EventLogWriter} masks any 5x5 key it finds to its
 * last five characters, and the documented key strings are partial keys to begin with.
 */
public enum AgentEventId {
    /** The service is running: it answered the SCM with RUNNING. */
    AGENT_STARTED(
            1000,
            EventType.INFORMATION,
            "kms-agent started (version %1, Java %2, process %3).",
            "agent version",
            "Java runtime (version, vendor, home)",
            "process id"),

    /** The service stopped cleanly; its state was saved. */
    AGENT_STOPPED(
            1001,
            EventType.INFORMATION,
            "kms-agent stopped (%1) after running for %2. Its state was saved.",
            "why: stop requested, system shutdown or preshutdown",
            "uptime (ISO-8601 duration)"),

    /**
     * The agent failed to start. The SCM also records the failure (System log event 7024 with the service-specific
     * code, and the service's recovery actions apply).
     */
    SERVICE_START_FAILED(
            1002,
            EventType.ERROR,
            "kms-agent could not start: %2%nService-specific exit code: %1.%nWhat to do: %3",
            "service-specific exit code (ServiceExitCode)",
            "the error",
            "what to do"),

    /** Stopping failed or timed out: state may not have been saved. The service still reports STOPPED. */
    SERVICE_STOP_FAILED(
            1003,
            EventType.WARNING,
            "kms-agent did not stop cleanly (%1): %2%nIts state may not have been saved.",
            "why it was stopping",
            "the error"),

    /** The configuration could not be used; the agent may run on defaults or refuse to start. */
    CONFIGURATION_PROBLEM(
            1004,
            EventType.ERROR,
            "kms-agent configuration problem in %1: %2",
            "configuration file or setting",
            "the problem and what was done about it"),

    /** Written by kms-agent-service.exe itself, before any Java runs: no usable Java runtime was found. */
    JAVA_NOT_FOUND(
            1010,
            EventType.ERROR,
            "kms-agent could not find a 64-bit Java 17 or later runtime. Looked in: %1%nInstall one (for example Eclipse"
                    + " Temurin 17 x64 with its MSI, which writes the registry keys looked at), then start the service"
                    + " again. A machine-wide environment variable KMSAGENT_JAVA_HOME or JAVA_HOME set now reaches the"
                    + " service only after Windows restarts.",
            "the places looked in"),

    /** Written by kms-agent-service.exe itself: Java was found but the JVM could not be loaded or started. */
    JVM_START_FAILED(
            1011,
            EventType.ERROR,
            "kms-agent could not start the Java runtime at %1: %2",
            "Java home",
            "what failed (jvm.dll load, JNI_CreateJavaVM, main class)"),

    /** An activation succeeded. */
    ACTIVATION_SUCCEEDED(
            2000,
            EventType.INFORMATION,
            "%1 (key ending %2) was activated by KMS host %3. The activation is valid until %4.",
            "product",
            "last five characters of the product key",
            "KMS host that answered",
            "valid until (UTC)"),

    /** An activation failed, with the agent's diagnosis. */
    ACTIVATION_FAILED(
            2001,
            EventType.ERROR,
            "Activation of %1 (key ending %2) failed with %3: %4%nDiagnosis: %5",
            "product",
            "last five characters of the product key",
            "error code (0x........)",
            "cause: the code's name and meaning",
            "diagnosis: what kms-agent doctor found and the fix"),

    /** KMS could not activate and the configured MAK was used instead. */
    MAK_FALLBACK_USED(
            2002,
            EventType.WARNING,
            "%1 was activated with its fallback MAK (key ending %2) because KMS activation failed: %3",
            "product",
            "last five characters of the MAK",
            "the KMS failure (code and cause)"),

    /** A renewal succeeded: a new 180-day validity began. */
    RENEWAL_SUCCEEDED(
            3000,
            EventType.INFORMATION,
            "%1 was renewed by KMS host %2. The activation is now valid until %3.",
            "product",
            "KMS host that answered",
            "valid until (UTC)"),

    /** A renewal failed; the current activation is still valid. */
    RENEWAL_FAILED(
            3001,
            EventType.WARNING,
            "Renewal of %1 failed with %2: %3%nThe current activation stays valid until %4. Next attempt: %5.",
            "product",
            "error code (0x........)",
            "cause and diagnosis",
            "valid until (UTC)",
            "next attempt (UTC)"),

    /** Seven days before the 180 days end without a renewal. */
    LAPSE_AHEAD_7_DAYS(
            3002,
            EventType.WARNING,
            "The activation of %1 ends in 7 days, at %2, unless it is renewed. Last renewal error: %3",
            "product",
            "valid until (UTC)",
            "last renewal error (code and cause), or none"),

    /** One day before the 180 days end without a renewal. An error: act now. */
    LAPSE_AHEAD_1_DAY(
            3003,
            EventType.ERROR,
            "The activation of %1 ends in 1 day, at %2, unless it is renewed. Last renewal error: %3",
            "product",
            "valid until (UTC)",
            "last renewal error (code and cause), or none"),

    /** The 180 days ended: the product is no longer activated. */
    LICENSE_EXPIRED(
            3004,
            EventType.ERROR,
            "The activation of %1 expired at %2. License status now: %3",
            "product",
            "when it expired (UTC)",
            "license status now");

    private static final Pattern INSERT = Pattern.compile("%(\\d+)|%n");

    private final int id;
    private final EventType type;
    private final String message;
    private final List<String> insertions;

    AgentEventId(int id, EventType type, String message, String... insertions) {
        this.id = id;
        this.type = type;
        this.message = message;
        this.insertions = List.of(insertions);
    }

    /** The event id ({@code dwEventID}; Event Viewer's Event ID column). */
    public int id() {
        return id;
    }

    /** The event type ({@code wType}). */
    public EventType type() {
        return type;
    }

    /** The message table text, in FormatMessage syntax ({@code %1}... inserts, {@code %n} line breaks). */
    public String message() {
        return message;
    }

    /** What each insertion string holds, in order: {@code %1} first. */
    public List<String> insertions() {
        return insertions;
    }

    /** The message with {@code strings} inserted, as Event Viewer shows it (line breaks as {@code \n}). */
    public String render(List<String> strings) {
        Matcher m = INSERT.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1) == null) {
                replacement = "\n";
            } else {
                int n = Integer.parseInt(m.group(1));
                replacement = n <= strings.size() ? strings.get(n - 1) : m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The event with this numeric id. */
    public static AgentEventId of(int id) {
        for (AgentEventId e : values()) {
            if (e.id == id) {
                return e;
            }
        }
        throw new IllegalArgumentException("no kms-agent event " + id);
    }
}
