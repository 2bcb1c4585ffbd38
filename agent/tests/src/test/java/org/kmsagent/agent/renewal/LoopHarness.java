package org.kmsagent.agent.renewal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Predicate;
import org.kmsagent.agent.host.H2ActivationLedger;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.host.HostSettings;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.licensing.simulated.SimulatedNetwork;
import org.kmsagent.agent.licensing.simulated.SimulatedProduct;
import org.kmsagent.agent.licensing.simulated.SimulatedWorld;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.agent.scheduler.VirtualClockScheduler;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.WindowsVersion;

/**
 * A small world for exact timelines: the real host model (in-memory ledger), a few machines, each with one loop, on
 * a virtual clock.
 */
final class LoopHarness {
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    static final String HOST = "kms1.corp.example";

    final VirtualClockScheduler scheduler = new VirtualClockScheduler(T0);
    final SimulatedWorld world = new SimulatedWorld(scheduler);
    final LedgerKmsHost host;
    final List<RenewalEvent> events = new ArrayList<>();
    final Map<String, SimulatedMachine> machines = new HashMap<>();
    private final SplittableRandom rng = new SplittableRandom(1);

    LoopHarness() {
        this(Duration.ofMinutes(120), Duration.ofMinutes(10_080), true);
    }

    LoopHarness(Duration activationInterval, Duration renewalInterval, boolean publishDns) {
        List<HostKey> keys = new ArrayList<>();
        TestFamilies.all().forEach(f -> keys.addAll(f.catalog().hostKeys()));
        Set<String> packs = Set.of("Office 2010 KMS Host License Pack", "Office 2013 Volume License Pack");
        host = new LedgerKmsHost(
                new HostConfig(
                        HOST, keys, packs, new HostSettings(activationInterval, renewalInterval, 1688, publishDns)),
                H2ActivationLedger.inMemory());
        world.network().attach(new SimulatedNetwork.HostEntry(HOST, 1688, host, keys, packs));
        if (publishDns) {
            world.dns().publish("corp.example", new SrvRecord(0, 0, 1688, HOST));
        }
        TestFamilies.all().forEach(f -> f.catalog().skus().forEach(world::registerGvlk));
    }

    SimulatedMachine machine(String name, Duration skew) {
        return machines.computeIfAbsent(
                name,
                n -> new SimulatedMachine(
                        name,
                        "corp.example",
                        WindowsVersion.WINDOWS_10,
                        new UUID(rng.nextLong(), rng.nextLong()),
                        skew,
                        world,
                        rng.split()));
    }

    /** Installs the edition (with its GVLK) on the machine now and starts its loop. */
    RenewalLoop start(SimulatedMachine m, String familyId, String edition, MakFallbackPolicy policy) {
        LoadedFamily f = TestFamilies.byId(familyId);
        Sku sku = f.catalog().byName(edition).orElseThrow();
        SimulatedProduct p = product(f, sku, m);
        m.install(p, Optional.of(sku.gvlk()));
        RenewalLoop loop = new RenewalLoop(scheduler, f, m, p.skuId(), policy, events::add);
        loop.start();
        return loop;
    }

    static SimulatedProduct product(LoadedFamily f, Sku sku, SimulatedMachine m) {
        try {
            return new SimulatedProduct(
                    f.licensingService(m.windowsVersion()),
                    f.applicationId(),
                    f.id(),
                    f.countPool().id(),
                    sku,
                    f.catalog().gracePeriod(),
                    f.catalog().licensePack().map(l -> l.name()));
        } catch (LicensingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a server machine named {@code srv-N} with Windows Server 2019 Standard, now. */
    RenewalLoop server(int n) {
        return start(
                machine("srv-" + n, Duration.ZERO),
                "windows-server",
                "Windows Server 2019 Standard",
                MakFallbackPolicy.OFF);
    }

    void runFor(Duration d) {
        scheduler.runUntil(scheduler.now().plus(d));
    }

    void runUntil(Duration sinceT0) {
        scheduler.runUntil(T0.plus(sinceT0));
    }

    List<RenewalEvent> of(String machine, RenewalEvent.Kind... kinds) {
        Set<RenewalEvent.Kind> wanted = Set.of(kinds);
        return events.stream()
                .filter(e -> e.machine().equals(machine) && wanted.contains(e.kind()))
                .toList();
    }

    List<Duration> times(String machine, RenewalEvent.Kind... kinds) {
        return of(machine, kinds).stream()
                .map(e -> Duration.between(T0, e.time()))
                .toList();
    }

    List<RenewalEvent> where(Predicate<RenewalEvent> p) {
        return events.stream().filter(p).toList();
    }

    static LicenseState state(SimulatedMachine m, String familyId, String edition) throws LicensingException {
        LoadedFamily f = TestFamilies.byId(familyId);
        Sku sku = f.catalog().byName(edition).orElseThrow();
        return m.licenseState(product(f, sku, m).service(), sku.skuId().orElseThrow());
    }

    static ProductKey key(String text) {
        return ProductKey.parse(text);
    }

    static KmsEndpoint pinned() {
        return KmsEndpoint.host(HOST);
    }
}
