package org.kmsagent.agent.rules;

import java.time.Duration;
import java.util.UUID;
import org.kmsagent.api.KmsEndpoint;

/**
 * Every KMS constant kms-agent implements, once, with the section of {@code docs/kms-rules.md} that states it.
 * Code that needs one of these facts refers here rather than repeating the number. Two kinds live in the plugin API
 * instead, because plugins name them: the activation thresholds (25, 5, 5) are {@link org.kmsagent.api.ThresholdClass}'s
 * (§1.5), and the KMS port is {@link KmsEndpoint#DEFAULT_PORT}, which {@link #DEFAULT_PORT} is (§2.5). A grace period is each
 * catalog's ({@code gracePeriodDays}, §2.2).
 */
public final class KmsRules {
    private KmsRules() {}

    // --- applications and their count tables (§1.1, §1.4) ---
    /** Windows' licensing application id: Windows client and server share one count table (§1.1, §1.4). */
    public static final UUID WINDOWS_APPLICATION = UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f");
    /** Office 2010's licensing application id, counted apart from every other Office (§1.4). */
    public static final UUID OFFICE_2010_APPLICATION = UUID.fromString("59a52881-a989-479d-af46-f275c6370663");
    /** The application id of Office 2013 and every later release: one count table for them all (§1.4, §3.4). */
    public static final UUID OFFICE_2013_AND_LATER_APPLICATION =
            UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663");

    // --- what a host counts (§1.2, §1.3) ---
    /** A client's entry counts for 30 days after its last request (§1.2). */
    public static final Duration COUNT_WINDOW = Duration.ofDays(30);
    /** The host keeps at most this many times the highest threshold of a table's entries (§1.3). */
    public static final int TABLE_CAP_FACTOR = 2;
    /** A request whose clock differs from the host's by more than this is refused (§2.4). */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofHours(4);

    // --- the client's schedule (§2.1, §2.2) ---
    /** How often an unactivated client retries, unless its host says otherwise: 120 minutes (§2.1). */
    public static final Duration ACTIVATION_INTERVAL = Duration.ofMinutes(120);
    /** How often an activated client renews, unless its host says otherwise: 7 days (§2.1). */
    public static final Duration RENEWAL_INTERVAL = Duration.ofMinutes(10_080);
    /** The bounds a host's intervals may be set to, in whole minutes (§2.1). */
    public static final int MIN_INTERVAL_MINUTES = 15;
    /** The bounds a host's intervals may be set to, in whole minutes (§2.1). */
    public static final int MAX_INTERVAL_MINUTES = 43_200;
    /** A KMS activation is valid this long after the last successful request (§2.1). */
    public static final Duration VALIDITY = Duration.ofDays(180);

    // --- the network (§2.5) ---
    /** The TCP port a KMS host listens on unless configured otherwise (§2.5). */
    public static final int DEFAULT_PORT = KmsEndpoint.DEFAULT_PORT;

    /**
     * How many entries a count table holds: {@link #TABLE_CAP_FACTOR} times the highest minimum count it has been
     * asked for (50 once a client OS asked, 10 for servers and Office alone), and at least one minimum's worth when a
     * logged minimum reads 0 (§1.3).
     */
    public static int tableCap(int highestMinimumCount) {
        return TABLE_CAP_FACTOR * Math.max(1, highestMinimumCount);
    }
}
