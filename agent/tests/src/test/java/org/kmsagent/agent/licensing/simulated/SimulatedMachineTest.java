package org.kmsagent.agent.licensing.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.host.H2ActivationLedger;
import org.kmsagent.agent.host.HostConfig;
import org.kmsagent.agent.host.LedgerKmsHost;
import org.kmsagent.agent.licensing.LicenseDetails;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.renewal.Diagnosis.Cause;
import org.kmsagent.agent.rules.SrvRecord;
import org.kmsagent.agent.scheduler.VirtualClockScheduler;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.HostKey;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KeyChannel;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseStatus;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.Sku;
import org.kmsagent.api.WindowsVersion;

/** The simulated licensing service answers as Windows does: keys, channels, discovery, caching, codes. */
class SimulatedMachineTest {
    private static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");
    private static final LoadedFamily CLIENT = TestFamilies.byId("windows-client");

    private VirtualClockScheduler clock;
    private SimulatedWorld world;
    private List<HostKey> keys;

    @BeforeEach
    void setUp() {
        clock = new VirtualClockScheduler(T0);
        world = new SimulatedWorld(clock);
        CLIENT.catalog().skus().forEach(world::registerGvlk);
        keys = TestFamilies.byId("windows-server").catalog().hostKeys();
    }

    private LedgerKmsHost host(String name) {
        LedgerKmsHost h = new LedgerKmsHost(HostConfig.of(name, keys, Set.of()), H2ActivationLedger.inMemory());
        world.network().attach(new SimulatedNetwork.HostEntry(name, 1688, h, keys, Set.of()));
        return h;
    }

    private SimulatedMachine machine(String name) {
        return new SimulatedMachine(
                name,
                "corp.example",
                WindowsVersion.WINDOWS_10,
                UUID.randomUUID(),
                Duration.ZERO,
                world,
                new SplittableRandom(3));
    }

    private static Sku sku(String edition) {
        return CLIENT.catalog().byName(edition).orElseThrow();
    }

    private static SimulatedProduct product(String edition) {
        return new SimulatedProduct(
                LicensingService.SPP,
                CLIENT.applicationId(),
                CLIENT.id(),
                "windows",
                sku(edition),
                Duration.ofDays(30),
                Optional.empty());
    }

    private static UUID id(String edition) {
        return sku(edition).skuId().orElseThrow();
    }

    @Test
    void anotherEditionsKeyIsReportedAsWrongKeyAndItsOwnGvlkFixesIt() throws Exception {
        host("kms1");
        world.dns().publish("corp.example", new SrvRecord(0, 0, 1688, "kms1"));
        SimulatedMachine m = machine("pc");
        m.install(
                product("Windows 10 Enterprise"),
                Optional.of(sku("Windows 10 Pro").gvlk()));

        ActivationResult r = m.activate(LicensingService.SPP, id("Windows 10 Enterprise"));
        assertThat(r.hresult().hex()).isEqualTo("0xC004F050");
        assertThat(m.lastDiagnosis(id("Windows 10 Enterprise")).orElseThrow().cause())
                .isEqualTo(Cause.WRONG_KEY_FOR_EDITION);

        m.installProductKey(LicensingService.SPP, sku("Windows 10 Enterprise").gvlk());
        assertThat(m.activate(LicensingService.SPP, id("Windows 10 Enterprise")).reportedCount())
                .hasValue(1);
        assertThat(m.installedProducts(LicensingService.SPP, CLIENT.applicationId())
                        .get(0)
                        .partialProductKey())
                .contains(sku("Windows 10 Enterprise").gvlk().lastFive());
    }

    @Test
    void theInstalledProductReportedFollowsEveryKeyInstalled() throws Exception {
        ProductKey mak = ProductKey.parse("BCDFG-HJKMP-QRTVW-XY234-6789B");
        world.microsoft().register(mak, Set.of(id("Windows 10 Enterprise")), 5);
        ProductKey gvlk = sku("Windows 10 Enterprise").gvlk();
        SimulatedMachine m = machine("pc");
        m.install(product("Windows 10 Enterprise"), Optional.of(gvlk));
        SimulatedMachine other = machine("other");
        other.install(product("Windows 10 Enterprise"), Optional.of(gvlk));
        assertThat(reported(m)).isEqualTo(reported(other));
        assertThat(reported(m).channel()).isEqualTo(KeyChannel.VOLUME_GVLK);
        assertThat(reported(m).description()).endsWith("edition, VOLUME_KMSCLIENT channel");

        m.installProductKey(LicensingService.SPP, mak);
        assertThat(reported(m).channel()).isEqualTo(KeyChannel.VOLUME_MAK);
        assertThat(reported(m).partialProductKey()).contains(mak.lastFive());
        assertThat(reported(m).description()).endsWith("edition, VOLUME_MAK channel");
        assertThat(reported(other).channel())
                .as("the other machine keeps its GVLK")
                .isEqualTo(KeyChannel.VOLUME_GVLK);

        m.installProductKey(LicensingService.SPP, gvlk);
        assertThat(reported(m)).isEqualTo(reported(other));
        assertThat(reported(m).partialProductKey()).contains(gvlk.lastFive());
    }

    private static InstalledProduct reported(SimulatedMachine m) throws Exception {
        return m.installedProducts(LicensingService.SPP, CLIENT.applicationId()).get(0);
    }

    @Test
    void unknownKeyIsInvalidAndNoKeyMeansNotInstalled() {
        SimulatedMachine m = machine("pc");
        m.install(product("Windows 10 Enterprise"), Optional.empty());
        assertThatThrownBy(() ->
                        m.installProductKey(LicensingService.SPP, ProductKey.parse("BCDFG-HJKMP-QRTVW-XY234-6789B")))
                .isInstanceOf(LicensingException.class)
                .hasMessageContaining("0xC004F050")
                .hasMessageNotContaining("BCDFG-HJKMP");
        assertThat(m.installedProducts(LicensingService.SPP, CLIENT.applicationId()))
                .isEmpty();
    }

    @Test
    void installingAMakSwitchesTheChannelAndActivatesOnlineWhileActivationsLast() throws Exception {
        ProductKey mak = ProductKey.parse("BCDFG-HJKMP-QRTVW-XY234-6789B");
        world.microsoft().register(mak, Set.of(id("Windows 10 Enterprise")), 1);
        SimulatedMachine a = machine("a");
        SimulatedMachine b = machine("b");
        for (SimulatedMachine m : List.of(a, b)) {
            m.install(
                    product("Windows 10 Enterprise"),
                    Optional.of(sku("Windows 10 Enterprise").gvlk()));
            m.installProductKey(LicensingService.SPP, mak);
            assertThat(m.installedProducts(LicensingService.SPP, CLIENT.applicationId())
                            .get(0)
                            .channel())
                    .isEqualTo(KeyChannel.VOLUME_MAK);
        }
        assertThat(a.activate(LicensingService.SPP, id("Windows 10 Enterprise")).activated())
                .isTrue();
        clock.runUntil(T0.plus(Duration.ofDays(400)));
        assertThat(a.licenseState(LicensingService.SPP, id("Windows 10 Enterprise"))
                        .status())
                .as("a MAK activation does not expire")
                .isEqualTo(LicenseStatus.LICENSED);
        assertThat(b.activate(LicensingService.SPP, id("Windows 10 Enterprise"))
                        .hresult()
                        .hex())
                .isEqualTo("0xC004C020");
    }

    @Test
    void discoveryTriesLowerPriorityFirstFallsBackWhenItIsDownAndThenCachesTheHostThatAnswered() throws Exception {
        LedgerKmsHost primary = host("kms-a.corp.example");
        LedgerKmsHost backup = host("kms-b.corp.example");
        world.dns().publish("corp.example", new SrvRecord(10, 0, 1688, "kms-b.corp.example"));
        world.dns().publish("corp.example", new SrvRecord(0, 0, 1688, "kms-a.corp.example"));
        world.network().addOutage("kms-a.corp.example", T0, T0.plus(Duration.ofHours(1)));
        SimulatedMachine m = machine("pc");
        m.install(
                product("Windows 10 Enterprise"),
                Optional.of(sku("Windows 10 Enterprise").gvlk()));

        ActivationResult first = m.activate(LicensingService.SPP, id("Windows 10 Enterprise"));
        assertThat(first.kmsHost()).contains("kms-b.corp.example");
        clock.runUntil(T0.plus(Duration.ofHours(2)));
        // kms-a is back, but host caching keeps the client on kms-b (docs/kms-rules.md §2.5).
        assertThat(m.activate(LicensingService.SPP, id("Windows 10 Enterprise")).kmsHost())
                .contains("kms-b.corp.example");
        assertThat(primary.historySize()).isZero();
        assertThat(backup.historySize()).isEqualTo(2);

        SimulatedMachine noCache = machine("pc2");
        noCache.setHostCaching(false);
        noCache.install(
                product("Windows 10 Enterprise"),
                Optional.of(sku("Windows 10 Enterprise").gvlk()));
        assertThat(noCache.activate(LicensingService.SPP, id("Windows 10 Enterprise"))
                        .kmsHost())
                .contains("kms-a.corp.example");
    }

    @Test
    void lookupDomainIsHonouredAndAPinnedHostSkipsDns() throws Exception {
        host("kms.branch.example");
        world.dns().publish("branch.example", new SrvRecord(0, 0, 1688, "kms.branch.example"));
        SimulatedMachine m = machine("pc");
        m.install(
                product("Windows 10 Enterprise"),
                Optional.of(sku("Windows 10 Enterprise").gvlk()));

        assertThat(m.activate(LicensingService.SPP, id("Windows 10 Enterprise"))
                        .hresult()
                        .hex())
                .as("nothing published in the machine's own domain")
                .isEqualTo("0x8007232B");
        m.setKmsEndpoint(LicensingService.SPP, id("Windows 10 Enterprise"), KmsEndpoint.discovery("branch.example"));
        assertThat(m.activate(LicensingService.SPP, id("Windows 10 Enterprise")).kmsHost())
                .contains("kms.branch.example");
        m.setKmsEndpoint(
                LicensingService.SPP, id("Windows 10 Enterprise"), KmsEndpoint.host("kms.branch.example", 1700));
        assertThat(m.activate(LicensingService.SPP, id("Windows 10 Enterprise"))
                        .hresult()
                        .hex())
                .as("wrong port: nothing answers")
                .isEqualTo("0xC004F074");
    }

    @Test
    void unknownSkuIsAnExceptionNotAResult() {
        SimulatedMachine m = machine("pc");
        assertThatThrownBy(() -> m.activate(LicensingService.SPP, UUID.randomUUID()))
                .isInstanceOf(LicensingException.class)
                .hasMessageContaining("not installed on pc");
    }

    @Test
    void licenseDetailsAnswerWhatSlmgrDlvShows() throws Exception {
        host("kms1");
        world.dns().publish("corp.example", new SrvRecord(0, 0, 1688, "kms1"));
        UUID cmid = UUID.fromString("6c4d2a5e-8f3b-4a51-9e0a-2b7f1c3d4e5f");
        SimulatedMachine m = new SimulatedMachine(
                "pc",
                "corp.example",
                WindowsVersion.WINDOWS_10,
                cmid,
                Duration.ofMinutes(3),
                world,
                new SplittableRandom(3));
        m.install(
                product("Windows 10 Enterprise"),
                Optional.of(sku("Windows 10 Enterprise").gvlk()));
        InstalledProduct p = m.installedProducts(LicensingService.SPP, CLIENT.applicationId())
                .get(0);

        LicenseDetails.Details before = m.licenseDetails(p).orElseThrow();
        assertThat(before.clientMachineId()).contains(cmid.toString());
        assertThat(before.applicationId()).contains(CLIENT.applicationId());
        assertThat(before.extendedPid().orElseThrow()).matches("\\d{5}-\\d{5}-206-\\d{6}-03-1033-\\d+\\.0000-\\d{7}");
        assertThat(before.kmsHostCaching()).contains(true);
        assertThat(before.kmsHostUsed()).isEmpty();
        assertThat(before.trustedTime()).contains(T0.plus(Duration.ofMinutes(3)));
        assertThat(before.remainingRearmCount()).hasValue(SimulatedMachine.REARM_COUNT);

        // Below the host's client threshold the attempt is refused, but the host answered: it is the one last used.
        assertThat(m.activate(LicensingService.SPP, id("Windows 10 Enterprise")).reportedCount())
                .hasValue(1);
        m.setHostCaching(false);
        LicenseDetails.Details after = m.licenseDetails(p).orElseThrow();
        assertThat(after.kmsHostUsed()).contains("kms1");
        assertThat(after.kmsHostCaching()).contains(false);
    }
}
