package org.kmsagent.agent.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.kmsagent.agent.config.SimulatedConfig;
import org.kmsagent.agent.daemon.StoredMachine;
import org.kmsagent.agent.host.KmsHost;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.licensing.simulated.SimulatedNetwork;
import org.kmsagent.agent.licensing.simulated.SimulatedProduct;
import org.kmsagent.agent.licensing.simulated.SimulatedWorld;
import org.kmsagent.agent.licensing.slc.WindowsMachine;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.agent.scheduler.Scheduler;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.Sku;
import org.kmsagent.api.WindowsVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated licensing stack as the daemon (and {@code kms-agent status} off Windows) drives it: one
 * {@link SimulatedMachine} standing for this computer, in a {@link SimulatedWorld} of its own on the given scheduler,
 * with the editions {@code simulated.editions} names installed. When the agent plays the KMS host role, its host
 * model is put on the simulated network under the machine's own name (and published in DNS when the host settings
 * say so), so the machine reaches it in-process; otherwise no host is reachable, as on a network without one.
 *
 * <p>Not thread-safe: driven from the scheduler's single context, like the machine.
 */
public final class SimulatedSite {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedSite.class);

    /** The DNS domain of the simulated machine (where it looks for {@code _vlmcs._tcp}, docs/kms-rules.md §2.5). */
    public static final String DOMAIN = "kms-agent.simulated";
    /** The Windows version the simulated machine runs (a current Windows 11 build). */
    public static final WindowsVersion WINDOWS = new WindowsVersion(10, 0, 26100);

    private final SimulatedWorld world;
    private final SimulatedMachine machine;
    private final SimulatedConfig config;
    private final List<SimulatedMachine.StoredProduct> stored;

    private SimulatedSite(
            SimulatedWorld world,
            SimulatedMachine machine,
            SimulatedConfig config,
            List<SimulatedMachine.StoredProduct> stored) {
        this.world = world;
        this.machine = machine;
        this.config = config;
        this.stored = stored;
    }

    /**
     * A site whose machine is the stored one (same name and CMID, so a KMS host counts it once across restarts), or a
     * new machine named after this computer with a fresh CMID.
     */
    public static SimulatedSite create(Scheduler scheduler, SimulatedConfig config, Optional<StoredMachine> stored) {
        SimulatedWorld world = new SimulatedWorld(scheduler);
        String name = stored.map(StoredMachine::name).orElseGet(WindowsMachine::name);
        UUID cmid = stored.map(StoredMachine::cmid).orElseGet(UUID::randomUUID);
        SimulatedMachine machine = new SimulatedMachine(
                name,
                DOMAIN,
                WINDOWS,
                cmid,
                Duration.ZERO,
                world,
                new SplittableRandom(cmid.getLeastSignificantBits()));
        return new SimulatedSite(
                world, machine, config, stored.map(StoredMachine::products).orElse(List.of()));
    }

    /** The machine (the licensing stack the renewal loops drive). */
    public SimulatedMachine machine() {
        return machine;
    }

    /**
     * The machine's store, to persist: its products, and every stored product this process has not installed (its
     * family's plugin did not load this time: a broken update, a jar taken out), kept as it was read. Windows keeps an
     * installed product whatever the agent loads; dropped here, one start without the plugin would lose the product's
     * activation, its KMS setting and its grace clock for good.
     */
    public StoredMachine store() {
        List<SimulatedMachine.StoredProduct> products = new ArrayList<>(machine.stored());
        for (SimulatedMachine.StoredProduct before : stored) {
            if (before.skuId() != null
                    && products.stream().noneMatch(p -> before.skuId().equals(p.skuId()))) {
                products.add(before);
            }
        }
        return new StoredMachine(machine.machineName(), machine.cmid(), products);
    }

    /**
     * Installs the configured editions that belong to this family: as stored if the store has them (key, KMS setting
     * and license clock as they were), else fresh with their GVLK. Makes the family's GVLKs known to the machine's
     * licensing service.
     *
     * @return the editions installed
     */
    public List<Sku> install(LoadedFamily family) throws LicensingException {
        family.catalog().skus().forEach(world::registerGvlk);
        List<Sku> installed = new ArrayList<>();
        for (String name : config.editions()) {
            installEdition(family, name).ifPresent(installed::add);
        }
        return installed;
    }

    /**
     * Installs one edition of {@code family} on the simulated machine, as a person installs a product (Office added
     * to a running machine); empty if the family has no edition of that name with a SKU id.
     */
    public Optional<Sku> installEdition(LoadedFamily family, String name) throws LicensingException {
        Optional<Sku> sku = family.catalog().byName(name);
        if (sku.isEmpty() || sku.get().skuId().isEmpty()) {
            return Optional.empty();
        }
        LicensingService service = family.licensingService(WINDOWS);
        SimulatedProduct product = new SimulatedProduct(
                service,
                family.applicationId(),
                family.id(),
                family.countPool().id(),
                sku.get(),
                family.catalog().gracePeriod(),
                family.catalog().licensePack().map(p -> p.name()));
        if (machine.stored().stream().anyMatch(p -> p.skuId().equals(product.skuId()))) {
            return sku; // still installed (its plugin was unloaded and loaded again): keep it as it is
        }
        Optional<SimulatedMachine.StoredProduct> before = stored.stream()
                .filter(p -> product.skuId().equals(p.skuId())) // a record may have lost its skuId
                .findFirst();
        if (before.isPresent() && restored(product, before.get())) {
            return sku;
        }
        machine.install(product, Optional.of(sku.get().gvlk()));
        return sku;
    }

    /**
     * Puts a product back as the state file stored it; false when the record cannot be (a key or host edited into
     * something malformed, a field missing): the product is then installed afresh, as on a new machine, rather than
     * stopping the agent at every start over one record.
     */
    private boolean restored(SimulatedProduct product, SimulatedMachine.StoredProduct record) {
        try {
            machine.restore(product, record);
            return true;
        } catch (RuntimeException e) {
            LOG.warn(
                    "state.json: the simulated machine's {} could not be restored ({}); installed afresh with its GVLK",
                    product.sku().name(),
                    e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * A line for each configured edition no loaded family knows, as {@code run} logs it at start and {@code status}
     * and {@code doctor} print it: the edition is not installed, and a mistyped name would otherwise go unseen.
     */
    public List<String> unknownEditions(List<LoadedFamily> families) {
        List<String> unknown = new ArrayList<>();
        if (families.isEmpty()) {
            return unknown; // no family loaded at all is said on its own; one line per edition would only repeat it
        }
        for (String name : config.editions()) {
            if (families.stream().noneMatch(f -> f.catalog().byName(name).isPresent())) {
                unknown.add("simulated.editions: no loaded family has the edition '" + name + "'; skipped");
            }
        }
        return unknown;
    }

    /**
     * Puts the agent's host model on the simulated network as {@code <machine name>:port}, replacing what was attached
     * under that name (new settings), and publishes its SRV record in the machine's domain when {@code publishDns}
     * (docs/kms-rules.md §2.6), withdrawing it otherwise.
     */
    public void attachHost(KmsHost host, int port, boolean publishDns, List<HostKey> keys, Set<String> packs) {
        String name = machine.machineName();
        world.network().attach(new SimulatedNetwork.HostEntry(name, port, host, keys, packs));
        world.dns().unpublish(DOMAIN, name);
        if (publishDns) {
            world.dns().publish(DOMAIN, new SrvRecord(0, 0, port, name));
        }
    }

    @Override
    public String toString() {
        return "simulated machine " + machine.machineName() + " (CMID " + machine.cmid() + ")";
    }
}
