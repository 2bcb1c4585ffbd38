package org.kmsagent.agent.bus.view;

import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.core.WholeNumber;
import org.kmsagent.agent.rules.KmsRules;

/**
 * The host role's settings, as an administrator sets them with {@code slmgr} on a real host.
 *
 * @param activationIntervalMinutes docs/kms-rules.md §2.1: 15-43200
 * @param renewalIntervalMinutes docs/kms-rules.md §2.1: 15-43200
 * @param port the advertised port (nothing listens on it), 1-65535
 * @param publishDns whether the modelled host publishes its SRV record (docs/kms-rules.md §2.6)
 * @throws IllegalArgumentException naming the field that is out of range
 */
public record HostSettingsView(
        int activationIntervalMinutes, int renewalIntervalMinutes, int port, boolean publishDns) {
    public HostSettingsView {
        check(
                "activationIntervalMinutes",
                activationIntervalMinutes,
                KmsRules.MIN_INTERVAL_MINUTES,
                KmsRules.MAX_INTERVAL_MINUTES);
        check(
                "renewalIntervalMinutes",
                renewalIntervalMinutes,
                KmsRules.MIN_INTERVAL_MINUTES,
                KmsRules.MAX_INTERVAL_MINUTES);
        check("port", port, HostPort.MIN_PORT, HostPort.MAX_PORT);
    }

    /**
     * For a person: {@code activation interval 60 min, renewal interval 10080 min, port 1688, publish DNS yes}.
     */
    public String describe() {
        return "activation interval " + activationIntervalMinutes + " min, renewal interval " + renewalIntervalMinutes
                + " min, port " + port + ", publish DNS " + (publishDns ? "yes" : "no");
    }

    private static void check(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    field + ": " + WholeNumber.refusal(WholeNumber.accepted("", min, max), value));
        }
    }
}
