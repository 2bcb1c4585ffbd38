package org.kmsagent.agent.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.host.ActivationLedger;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.host.HostSettings;
import org.kmsagent.agent.host.KmsHost;
import org.kmsagent.agent.host.KmsRequest;
import org.kmsagent.agent.host.KmsResponse;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.host.PoolEntry;
import org.kmsagent.agent.plugin.CountPools;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.ThresholdClass;

/**
 * This agent's KMS host role: the {@link LedgerKmsHost} model over the durable ledger in the data directory, under
 * the machine's name. Its keys and packs follow the loaded families (or the configured subset) and its settings the
 * control API, so the model is rebuilt over the same ledger when either changes (the ledger keeps every count).
 *
 * <p>Thread-safe: the model serializes requests; reconfiguring swaps it atomically.
 */
final class HostRole implements KmsHost, AutoCloseable {
    private final String name;
    private final ActivationLedger ledger;
    private final List<String> wantedKeys;
    private final List<String> wantedPacks;
    private volatile LedgerKmsHost host;
    // Written under the lock by families(), read by the start-up banner's thread.
    private volatile List<String> unknownKeys = List.of();
    private volatile List<String> unknownPacks = List.of();
    private volatile List<String> declaredKeys = List.of();
    private volatile List<String> declaredPacks = List.of();

    /**
     * @param wantedKeys host key names to hold; empty: every key the families declare
     * @param wantedPacks license pack names to hold; empty: every pack the families declare
     */
    HostRole(
            String name,
            ActivationLedger ledger,
            List<String> wantedKeys,
            List<String> wantedPacks,
            HostSettings settings) {
        this.name = name;
        this.ledger = ledger;
        this.wantedKeys = List.copyOf(wantedKeys);
        this.wantedPacks = List.copyOf(wantedPacks);
        this.host = new LedgerKmsHost(new HostConfig(name, List.of(), Set.of(), settings), ledger);
    }

    /** Rebuilds the model for these families' keys and packs, keeping the settings. */
    synchronized void families(List<LoadedFamily> families) {
        Map<String, HostKey> declared = new LinkedHashMap<>();
        Set<String> packs = new LinkedHashSet<>();
        for (LoadedFamily f : families) {
            f.catalog().hostKeys().forEach(k -> declared.putIfAbsent(k.name(), k));
            f.catalog().licensePack().ifPresent(p -> packs.add(p.name()));
        }
        List<HostKey> keys = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        if (wantedKeys.isEmpty()) {
            keys.addAll(declared.values());
        } else {
            for (String k : wantedKeys) {
                HostKey key = declared.get(k);
                if (key == null) {
                    unknown.add(k);
                } else {
                    keys.add(key);
                }
            }
        }
        unknownKeys = List.copyOf(unknown);
        declaredKeys = List.copyOf(declared.keySet());
        declaredPacks = List.copyOf(packs);
        // Checked against the catalogs as the host keys are: an unknown pack is reported and ignored, not held
        // silently.
        Set<String> held = new LinkedHashSet<>(packs);
        if (!wantedPacks.isEmpty()) {
            held.retainAll(wantedPacks);
        }
        unknownPacks = wantedPacks.stream().filter(p -> !packs.contains(p)).toList();
        Map<HostKey, String> catalogKeys = new LinkedHashMap<>();
        families.forEach(f ->
                f.catalog().hostKeys().forEach(k -> catalogKeys.putIfAbsent(k, HostConfig.keyClass(f.catalog()))));
        host = new LedgerKmsHost(new HostConfig(name, keys, held, host.config().settings(), catalogKeys), ledger);
    }

    /** Applies new settings (intervals handed to clients, advertised port, DNS publishing). */
    synchronized void settings(HostSettings settings) {
        host = new LedgerKmsHost(host.config().withSettings(settings), ledger);
    }

    /** Configured host key names that no loaded family declares. */
    List<String> unknownKeys() {
        return unknownKeys;
    }

    /** Configured license pack names that no loaded family declares. */
    List<String> unknownPacks() {
        return unknownPacks;
    }

    /** The host key names the loaded families declare, each once. */
    List<String> declaredKeys() {
        return declaredKeys;
    }

    /** The license pack names the loaded families declare. */
    List<String> declaredPacks() {
        return declaredPacks;
    }

    /** The model in force (for queries). */
    LedgerKmsHost model() {
        return host;
    }

    /**
     * The host's state for the control API: every loaded family's count pool (and any other pool the ledger holds)
     * with its count now against the threshold classes of the families that use it (docs/kms-rules.md §1.4, §1.5), and the
     * clients counted now. The ledger keeps CMIDs per pool, not per SKU, so entries carry no SKU id.
     */
    HostView view(List<LoadedFamily> families, Instant now) {
        LedgerKmsHost model = host;
        Map<String, List<LoadedFamily>> byPool = new TreeMap<>();
        for (LoadedFamily f : families) {
            byPool.computeIfAbsent(f.countPool().id(), k -> new ArrayList<>()).add(f);
        }
        model.poolIds().forEach(p -> byPool.computeIfAbsent(p, k -> new ArrayList<>()));
        List<HostView.Pool> pools = new ArrayList<>();
        List<HostView.LedgerEntry> ledger = new ArrayList<>();
        for (Map.Entry<String, List<LoadedFamily>> e : byPool.entrySet()) {
            int count = model.count(e.getKey(), now);
            Map<String, Integer> classes = new TreeMap<>();
            for (LoadedFamily f : e.getValue()) {
                for (ThresholdClass c : f.catalog().thresholdClasses()) {
                    classes.putIfAbsent(c.name(), c.minimumCount());
                }
            }
            List<HostView.Threshold> thresholds = classes.entrySet().stream()
                    .map(c -> new HostView.Threshold(c.getKey(), c.getValue(), count >= c.getValue()))
                    .toList();
            // A pool no loaded family uses (its plugin taken out) is still in the ledger: its application is known
            // for Microsoft's three pools, and none of its thresholds is (they come from the families' catalogs).
            String app = e.getValue().isEmpty()
                    ? CountPools.applicationOf(e.getKey()).map(UUID::toString).orElse(null)
                    : e.getValue().get(0).applicationId().toString();
            List<String> ids = e.getValue().stream().map(LoadedFamily::id).toList();
            String family = e.getValue().isEmpty() ? e.getKey() : String.join(",", ids);
            pools.add(new HostView.Pool(app, family, count, thresholds, e.getKey(), ids));
            for (PoolEntry pe : model.entries(e.getKey(), now)) {
                ledger.add(new HostView.LedgerEntry(pe.cmid().toString(), app, null, pe.lastSeen()));
            }
        }
        return new HostView(true, pools, ledger);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public KmsResponse handle(KmsRequest request, Instant now) {
        return host.handle(request, now);
    }

    @Override
    public Optional<HostConfig> configuration() {
        return Optional.of(host.config());
    }

    @Override
    public void close() {
        ledger.close();
    }
}
