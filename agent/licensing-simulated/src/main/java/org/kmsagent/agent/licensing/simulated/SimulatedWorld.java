package org.kmsagent.agent.licensing.simulated;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;

/**
 * What every simulated machine shares: the clock, the network, DNS, Microsoft's MAK activation service, and the
 * product-key configuration the licensing service recognises keys by (on Windows, the pkeyconfig data: a key
 * names its SKU).
 */
public final class SimulatedWorld {
    private final Scheduler scheduler;
    private final SimulatedNetwork network = new SimulatedNetwork();
    private final SimulatedDns dns = new SimulatedDns();
    private final MakActivationService microsoft = new MakActivationService();
    private final SharedAnswers answers = new SharedAnswers();
    private final Map<String, UUID> gvlkSkus = new HashMap<>();
    private final Map<InstalledProduct, InstalledProduct> described = new HashMap<>();
    private long gvlkGeneration;

    public SimulatedWorld(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public SimulatedNetwork network() {
        return network;
    }

    public SimulatedDns dns() {
        return dns;
    }

    public MakActivationService microsoft() {
        return microsoft;
    }

    /**
     * The result a machine reports for a host's answer: one object per distinct answer, shared by every machine
     * ({@link SharedAnswers}).
     *
     * @param code what the host answered
     * @param host the host's name
     * @param count the count it reported, 0 for none
     * @param required the count the product needed
     */
    public ActivationResult answer(HResult code, String host, int count, int required) {
        return answers.of(code, host, count, required);
    }

    /**
     * The result a machine reports when no host granted its request, naming the host that concerns (it refused the
     * machine's clock, or did not answer): no count. Shared as {@link #answer}'s are.
     */
    ActivationResult concerning(HResult code, String host) {
        return answers.concerning(code, host);
    }

    /**
     * The world's one instance of a product as a machine reports it installed: an immutable value that every machine
     * with that edition, key and channel reports alike, so they share it (a fleet's worth of equal records and their
     * texts were six objects per product, nearly a third of those a simulated machine keeps). Asked only when a machine's key changes.
     */
    public synchronized InstalledProduct shared(InstalledProduct product) {
        return described.computeIfAbsent(product, p -> p);
    }

    /** Makes an edition's GVLK known to every machine's licensing service. */
    public void registerGvlk(Sku sku) {
        sku.skuId().ifPresent(id -> gvlkSkus.put(sku.gvlk().value(), id));
        gvlkGeneration++;
    }

    /**
     * A number that changes whenever what a key means may have changed (a GVLK or a MAK registered): a machine may keep
     * what it found out about its installed key until then, instead of looking the key up on every activation.
     */
    public long keyGeneration() {
        return gvlkGeneration + microsoft.generation();
    }

    /** The SKU a GVLK belongs to, if it is one. */
    public Optional<UUID> gvlkSku(ProductKey key) {
        return Optional.ofNullable(gvlkSkus.get(key.value()));
    }
}
