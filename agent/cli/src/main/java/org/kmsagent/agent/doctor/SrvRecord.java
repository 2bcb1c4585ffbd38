package org.kmsagent.agent.doctor;

/**
 * One {@code _vlmcs._tcp} SRV record: where a KMS host publishes itself (docs/kms-rules.md §2.5, §2.6).
 *
 * @param priority lower is tried first
 * @param weight among equal priorities, the share of clients
 * @param port the host's KMS port
 * @param target the host name, without the trailing dot
 */
public record SrvRecord(int priority, int weight, int port, String target) {
    @Override
    public String toString() {
        return target + ":" + port + " (priority " + priority + ", weight " + weight + ")";
    }
}
