package org.kmsagent.agent.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.kmsagent.agent.host.KmsHost;
import org.kmsagent.agent.host.KmsRequest;
import org.kmsagent.agent.host.KmsResponse;
import org.kmsagent.api.HResult;
import org.kmsagent.api.HostKey;

/**
 * A test-only KMS host that follows kms-facts.md §1–§3 in memory, for testing the client side until the ledger
 * host is merged: skew check (§2.4), host key / license pack (§3), one table per pool keeping distinct CMIDs for
 * 30 days after their last request (§1.2), capped at twice the highest threshold seen (§1.3).
 */
public final class RuleFollowingTestHost implements KmsHost {
  private static final long WINDOW = Duration.ofDays(30).toMillis();
  private static final long SKEW = Duration.ofHours(4).toMillis();

  private final String name;
  private final List<HostKey> keys;
  private final Set<String> packs;
  private final Duration activationInterval;
  private final Duration renewalInterval;
  private final Map<String, Pool> pools = new HashMap<>();
  private int requests;

  private static final class Pool {
    final LinkedHashMap<UUID, Long> lastSeen = new LinkedHashMap<>();
    int capacity;
  }

  public RuleFollowingTestHost(String name, List<HostKey> keys, Set<String> packs, Duration activationInterval,
      Duration renewalInterval) {
    this.name = name;
    this.keys = List.copyOf(keys);
    this.packs = Set.copyOf(packs);
    this.activationInterval = activationInterval;
    this.renewalInterval = renewalInterval;
  }

  @Override
  public String name() {
    return name;
  }

  public int requests() {
    return requests;
  }

  @Override
  public KmsResponse handle(KmsRequest r, Instant now) {
    requests++;
    int needed = r.thresholdClass().minimumCount();
    long t = now.toEpochMilli();
    if (Math.abs(r.clientTime().toEpochMilli() - t) > SKEW) {
      return answer(HResult.SL_E_VL_BAD_TIMESTAMP, 0, needed);
    }
    boolean served = false;
    for (HostKey k : keys) {
      if (k.activates(r.group()) && (k.licensePack().isEmpty() || packs.contains(k.licensePack().get()))) {
        served = true;
        break;
      }
    }
    if (!served) {
      return answer(HResult.SL_E_VL_INVALID_PRODUCT, 0, needed);
    }
    Pool p = pools.computeIfAbsent(r.poolId(), id -> new Pool());
    p.capacity = Math.max(p.capacity, 2 * needed);
    p.lastSeen.remove(r.cmid());
    for (Iterator<Long> it = p.lastSeen.values().iterator(); it.hasNext(); ) {
      if (t - it.next() >= WINDOW) {
        it.remove();
      } else {
        break;
      }
    }
    p.lastSeen.put(r.cmid(), t);
    while (p.lastSeen.size() > p.capacity) {
      p.lastSeen.remove(p.lastSeen.keySet().iterator().next());
    }
    int count = p.lastSeen.size();
    return answer(count >= needed ? HResult.S_OK : HResult.SL_E_VL_NOT_ENOUGH_COUNT, count, needed);
  }

  private KmsResponse answer(HResult h, int count, int needed) {
    return new KmsResponse(h, count, needed, activationInterval, renewalInterval, name);
  }
}
