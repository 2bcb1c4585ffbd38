package org.kmsagent.agent.bus.view;

import java.time.Instant;
import java.util.List;

/**
 * The KMS host model's state.
 *
 * @param enabled whether the host role is on
 * @param pools one per counting pool (application id)
 * @param ledger the clients currently counted
 */
public record HostView(boolean enabled, List<Pool> pools, List<LedgerEntry> ledger) {
  public HostView {
    pools = List.copyOf(pools);
    ledger = List.copyOf(ledger);
  }

  /** A counting pool and its thresholds (docs/kms-rules.md §1.4, §1.5). */
  public record Pool(String applicationId, String family, int count, List<Threshold> thresholds) {
    public Pool {
      thresholds = List.copyOf(thresholds);
    }
  }

  /** One threshold class: the count it needs and whether the pool has reached it. */
  public record Threshold(String thresholdClass, int required, boolean met) {}

  /** One counted client. */
  public record LedgerEntry(String clientMachineId, String applicationId, String skuId, Instant lastSeen) {}
}
