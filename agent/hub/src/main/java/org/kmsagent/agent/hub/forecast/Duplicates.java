package org.kmsagent.agent.hub.forecast;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Machines that present the same CMID: images cloned without {@code sysprep /generalize}. A KMS host counts one
 * CMID once, so such machines add nothing to the count however many there are (docs/kms-rules.md §1.2). Pure.
 */
public final class Duplicates {
    private Duplicates() {}

    /**
     * One machine's CMIDs.
     *
     * @param agentId the agent id
     * @param hostName the host name
     * @param cmids the client machine ids it reported (one per licensing application)
     */
    public record Machine(String agentId, String hostName, List<String> cmids) {}

    /**
     * One CMID shared by several machines.
     *
     * @param cmid the shared client machine id
     * @param machines the agent ids sharing it, sorted
     */
    public record Shared(String cmid, List<String> machines) {}

    /** Every CMID reported by more than one machine, by CMID. */
    public static List<Shared> find(List<Machine> machines) {
        Map<String, TreeSet<String>> byCmid = new TreeMap<>();
        for (Machine m : machines) {
            for (String cmid : m.cmids()) {
                byCmid.computeIfAbsent(cmid.toLowerCase(Locale.ROOT), k -> new TreeSet<>())
                        .add(m.agentId());
            }
        }
        List<Shared> out = new ArrayList<>();
        byCmid.forEach((cmid, ids) -> {
            if (ids.size() > 1) {
                out.add(new Shared(cmid, List.copyOf(ids)));
            }
        });
        return out;
    }
}
