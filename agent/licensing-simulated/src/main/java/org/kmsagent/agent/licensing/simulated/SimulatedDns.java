package org.kmsagent.agent.licensing.simulated;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kmsagent.agent.rules.SrvRecord;

/**
 * A DNS zone holding {@code _vlmcs._tcp} SRV records per domain, as KMS hosts publish them (docs/kms-rules.md §2.6) and
 * clients look them up (§2.5).
 */
public final class SimulatedDns {
    /** The SRV name KMS clients query (docs/kms-rules.md §2.5). */
    public static final String KMS_SRV_NAME = "_vlmcs._tcp";

    private final Map<String, List<SrvRecord>> zone = new HashMap<>();

    /** Publishes a record in a domain (what a KMS host with DNS publishing on does, §2.6). */
    public void publish(String domain, SrvRecord record) {
        zone.computeIfAbsent(key(domain), d -> new ArrayList<>()).add(record);
    }

    /** Removes every record a host published in a domain. */
    public void unpublish(String domain, String target) {
        List<SrvRecord> records = zone.get(key(domain));
        if (records != null) {
            records.removeIf(r -> r.target().equalsIgnoreCase(target));
        }
    }

    /** The {@code _vlmcs._tcp} records of a domain, in publishing order; empty when there are none. */
    public List<SrvRecord> lookup(String domain) {
        return zone.getOrDefault(key(domain), List.of());
    }

    private static String key(String domain) {
        return domain.toLowerCase(Locale.ROOT);
    }
}
