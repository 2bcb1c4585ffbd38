package org.kmsagent.agent.simulate;

import java.util.List;
import java.util.Map;

/**
 * The scenario file as written (YAML or JSON), before validation; docs/simulate.md documents every field. Absent
 * fields are null here and get their defaults in {@link ScenarioReader}.
 */
record ScenarioFile(
        String name,
        String description,
        Long seed,
        Integer days,
        String start,
        HostFile host,
        List<GroupFile> machines,
        Map<String, MakFile> makFallback,
        FaultsFile faults,
        List<HostFile> hosts,
        String snapshots,
        PresentFile present) {

    record FaultsFile(Double rate, Double hangRate, List<String> kinds, String until) {}

    /**
     * The fleet as it is at {@code start} ({@code kms-agent ctl fleet snapshot} writes it): machines by name with their
     * CMID and products' state, and each host's table.
     */
    record PresentFile(List<PresentMachineFile> machines, List<LedgerFile> ledgers) {}

    record PresentMachineFile(String name, String cmid, List<PresentProductFile> products) {}

    record PresentProductFile(
            String edition, String status, String validUntil, String lastSuccess, String host, String nextAttempt) {}

    record LedgerFile(String host, List<LedgerClientFile> clients) {}

    record LedgerClientFile(
            String cmid, String skuId, String family, String name, String lastRequest, Integer requiredCount) {}

    record HostFile(
            String name,
            String domain,
            Integer port,
            Boolean publishDns,
            List<String> hostKeys,
            List<String> licensePacks,
            String activationInterval,
            String renewalInterval,
            List<OutageFile> outages,
            Integer priority,
            Integer weight,
            List<ChangeFile> changes) {}

    /** What an administrator does to a host at a time: install license packs or host keys. */
    record ChangeFile(String at, List<String> licensePacks, List<String> hostKeys) {}

    record OutageFile(String from, String to) {}

    record GroupFile(
            String name,
            Integer count,
            String family,
            String edition,
            List<ProductFile> products,
            String arrive,
            String every,
            String leave,
            String clockSkew,
            String kms,
            Boolean hostCaching,
            Boolean cloned,
            String windows,
            String domain) {}

    record ProductFile(String family, String edition) {}

    record MakFile(String after, String key, Integer activations) {}
}
