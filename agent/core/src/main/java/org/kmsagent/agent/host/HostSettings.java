package org.kmsagent.agent.host;

import java.time.Duration;
import java.util.Objects;
import org.kmsagent.agent.rules.KmsRules;

/**
 * The settings a KMS host hands to its clients and publishes (docs/kms-rules.md §2.1, §2.5, §2.6).
 *
 * <p>The port and DNS publishing are kept as a host's settings for the simulated network and DNS zone to read; the
 * host model itself never listens on any port.
 *
 * @param activationInterval how often a not-yet-activated client retries ({@code slmgr /sai}); whole minutes in
 *     15..43200, default 120 (docs/kms-rules.md §2.1)
 * @param renewalInterval how often an activated client renews ({@code slmgr /sri}); whole minutes in 15..43200,
 *     default 10080 (docs/kms-rules.md §2.1)
 * @param port the TCP port the host tells clients and publishes in its SRV record, 1..65535, default 1688 (§2.5)
 * @param dnsPublishing whether the host publishes its {@code _vlmcs._tcp} SRV record, default on (§2.6)
 */
public record HostSettings(Duration activationInterval, Duration renewalInterval, int port, boolean dnsPublishing) {

    public HostSettings {
        checkInterval("activationInterval", activationInterval);
        checkInterval("renewalInterval", renewalInterval);
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("host setting port: " + port + " is outside 1..65535");
        }
    }

    /** The host defaults: the intervals and port of {@link KmsRules}, DNS publishing on. */
    public static HostSettings defaults() {
        return new HostSettings(KmsRules.ACTIVATION_INTERVAL, KmsRules.RENEWAL_INTERVAL, KmsRules.DEFAULT_PORT, true);
    }

    /** Settings with intervals given in minutes, as {@code slmgr /sai} and {@code /sri} take them. */
    public static HostSettings ofMinutes(long activationMinutes, long renewalMinutes, int port, boolean dnsPublishing) {
        return new HostSettings(
                Duration.ofMinutes(activationMinutes), Duration.ofMinutes(renewalMinutes), port, dnsPublishing);
    }

    // docs/kms-rules.md §2.1: both intervals are whole minutes from 15 minutes to 30 days.
    private static void checkInterval(String field, Duration interval) {
        Objects.requireNonNull(interval, "host setting " + field);
        if (interval.toSecondsPart() != 0 || interval.toNanosPart() != 0 || interval.isNegative()) {
            throw new IllegalArgumentException(
                    "host setting " + field + ": " + interval + " is not a whole number of minutes");
        }
        long minutes = interval.toMinutes();
        if (minutes < KmsRules.MIN_INTERVAL_MINUTES || minutes > KmsRules.MAX_INTERVAL_MINUTES) {
            throw new IllegalArgumentException("host setting " + field + ": " + minutes
                    + " minutes is outside the allowed " + KmsRules.MIN_INTERVAL_MINUTES + ".."
                    + KmsRules.MAX_INTERVAL_MINUTES + " minutes (docs/kms-rules.md §2.1)");
        }
    }
}
