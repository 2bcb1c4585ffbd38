package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.config.SimulatedConfig;
import org.kmsagent.agent.daemon.StoredMachine;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.scheduler.VirtualClockScheduler;
import org.kmsagent.agent.testsupport.TestFamilies;

/** What the simulated machine keeps in state.json across starts. */
class SimulatedSiteStoreTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final SimulatedConfig EDITIONS =
            new SimulatedConfig(List.of("Windows 11 Enterprise", "Office 2013 Professional Plus"), null);

    @Test
    void aStartWithoutAFamilysPluginKeepsThatFamilysStoredProductForTheNextStart() throws Exception {
        LoadedFamily windows = TestFamilies.byId("windows-client");
        LoadedFamily office = TestFamilies.byId("office2013");
        SimulatedSite first = SimulatedSite.create(new VirtualClockScheduler(NOW), EDITIONS, Optional.empty());
        first.install(windows);
        first.install(office);
        StoredMachine both = first.store();
        UUID officeSku = office.catalog()
                .byName("Office 2013 Professional Plus")
                .orElseThrow()
                .skuId()
                .orElseThrow();
        SimulatedMachine.StoredProduct officeRecord = both.products().stream()
                .filter(p -> officeSku.equals(p.skuId()))
                .findFirst()
                .orElseThrow();

        // The office2013 plugin failed to load at the next start (a broken update): only Windows is installed.
        SimulatedSite without = SimulatedSite.create(new VirtualClockScheduler(NOW), EDITIONS, Optional.of(both));
        without.install(windows);
        StoredMachine saved = without.store();

        // Before: the Office record was dropped from the store, so the start after the fix lost its state.
        assertThat(saved.products()).hasSize(2).contains(officeRecord);
        SimulatedSite again = SimulatedSite.create(new VirtualClockScheduler(NOW), EDITIONS, Optional.of(saved));
        again.install(windows);
        again.install(office);
        assertThat(again.store().products()).contains(officeRecord);
    }
}
