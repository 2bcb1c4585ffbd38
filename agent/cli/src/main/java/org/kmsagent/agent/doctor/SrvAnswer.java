package org.kmsagent.agent.doctor;

import java.util.List;
import java.util.Optional;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.api.HResult;

/**
 * The answer to one SRV lookup.
 *
 * @param name the name asked for, {@code _vlmcs._tcp.<domain>}
 * @param records the records found, by priority then weight (empty on error)
 * @param error the Windows code a KMS client would log for this failure (docs/kms-rules.md §5), if it failed
 * @param detail what the resolver said
 */
public record SrvAnswer(String name, List<SrvRecord> records, Optional<HResult> error, String detail) {
    public SrvAnswer {
        records = List.copyOf(records);
    }
}
