package org.kmsagent.agent.config;

import java.util.List;
import java.util.Objects;
import org.kmsagent.agent.rules.KmsRules;

/**
 * The KMS host role. The host is an in-process model of a KMS host's counting (never a network listener); these are
 * the settings an administrator would give a real host with {@code slmgr}.
 *
 * @param enabled whether this agent plays the KMS host role at all
 * @param activationIntervalMinutes retry interval handed to unactivated clients (docs/kms-rules.md §2.1: default 120,
 *     15-43200)
 * @param renewalIntervalMinutes renewal interval handed to activated clients (docs/kms-rules.md §2.1: default 10080,
 *     15-43200)
 * @param port the port the modelled host advertises (docs/kms-rules.md §2.5: default 1688); nothing listens on it
 * @param publishDns whether the modelled host publishes its {@code _vlmcs._tcp} SRV record (docs/kms-rules.md §2.6)
 * @param hostKeys names of the host keys (CSVLKs) the modelled host holds, from the loaded families' catalogs; empty:
 *     every host key the loaded families declare
 * @param licensePacks names of the Office license packs the modelled host holds; empty: every pack the loaded
 *     families declare
 * @param mode {@code model} (default): the in-process host model; {@code watch}: follow the genuine Windows KMS host
 *     on this machine (its Key Management Service event log and licensing counters; docs/host.md)
 */
public record HostRoleConfig(
        Boolean enabled,
        Integer activationIntervalMinutes,
        Integer renewalIntervalMinutes,
        Integer port,
        Boolean publishDns,
        List<String> hostKeys,
        List<String> licensePacks,
        HostMode mode) {

    public HostRoleConfig {
        enabled = Objects.requireNonNullElse(enabled, false);
        activationIntervalMinutes =
                Objects.requireNonNullElse(activationIntervalMinutes, (int) KmsRules.ACTIVATION_INTERVAL.toMinutes());
        renewalIntervalMinutes =
                Objects.requireNonNullElse(renewalIntervalMinutes, (int) KmsRules.RENEWAL_INTERVAL.toMinutes());
        port = Objects.requireNonNullElse(port, KmsRules.DEFAULT_PORT);
        publishDns = Objects.requireNonNullElse(publishDns, true);
        hostKeys = hostKeys == null ? List.of() : List.copyOf(hostKeys);
        licensePacks = licensePacks == null ? List.of() : List.copyOf(licensePacks);
        mode = Objects.requireNonNullElse(mode, HostMode.MODEL);
    }

    /** The settings without a mode (the model). */
    public HostRoleConfig(
            Boolean enabled,
            Integer activationIntervalMinutes,
            Integer renewalIntervalMinutes,
            Integer port,
            Boolean publishDns,
            List<String> hostKeys,
            List<String> licensePacks) {
        this(
                enabled,
                activationIntervalMinutes,
                renewalIntervalMinutes,
                port,
                publishDns,
                hostKeys,
                licensePacks,
                null);
    }
}
