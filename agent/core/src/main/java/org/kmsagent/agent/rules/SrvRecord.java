package org.kmsagent.agent.rules;

import java.util.Objects;

/**
 * One {@code _vlmcs._tcp} SRV record: where a KMS host publishes itself (docs/kms-rules.md §2.5, §2.6). The one type
 * for the doctor's real lookups and the simulated zone, fields in the record's wire order.
 *
 * @param priority lower is tried first (honoured by Windows 7 / 2008 R2 and later, §2.5)
 * @param weight among equal priorities, the share of clients
 * @param port the host's KMS port
 * @param target the host name, without the trailing dot
 */
public record SrvRecord(int priority, int weight, int port, String target) {
    public SrvRecord {
        Objects.requireNonNull(target, "target");
    }

    @Override
    public String toString() {
        return target + ":" + port + " (priority " + priority + ", weight " + weight + ")";
    }
}
