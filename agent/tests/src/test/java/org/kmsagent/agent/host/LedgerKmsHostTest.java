package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kmsagent.agent.host.HostFixtures.OFFICE_2010_KEY;
import static org.kmsagent.agent.host.HostFixtures.OFFICE_2010_PACK;
import static org.kmsagent.agent.host.HostFixtures.OFFICE_2013_KEY;
import static org.kmsagent.agent.host.HostFixtures.SERVER_2008R2_B_KEY;
import static org.kmsagent.agent.host.HostFixtures.T0;
import static org.kmsagent.agent.host.HostFixtures.WINDOWS_7_CLIENT_KEY;
import static org.kmsagent.agent.host.HostFixtures.cmid;
import static org.kmsagent.agent.host.HostFixtures.fullHost;
import static org.kmsagent.agent.host.HostFixtures.office2010;
import static org.kmsagent.agent.host.HostFixtures.office2013;
import static org.kmsagent.agent.host.HostFixtures.server;
import static org.kmsagent.agent.host.HostFixtures.windows10;
import static org.kmsagent.agent.host.HostFixtures.windows7;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.api.HResult;

/** The counting rules of docs/kms-rules.md §1-§3 on small exact timelines (virtual time: every request passes its now). */
class LedgerKmsHostTest {
    private final List<ActivationLedger> opened = new ArrayList<>();

    private LedgerKmsHost host(HostConfig config) {
        H2ActivationLedger ledger = H2ActivationLedger.inMemory();
        opened.add(ledger);
        return new LedgerKmsHost(config, ledger);
    }

    @AfterEach
    void closeLedgers() {
        opened.forEach(ActivationLedger::close);
    }

    private static Instant minutes(long m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    @Test
    void firstClientEverGetsCountOneAndIsNotActivated() {
        LedgerKmsHost host = host(fullHost());

        KmsResponse r = host.handle(windows7(1, T0), T0);

        assertThat(r.count()).isEqualTo(1);
        assertThat(r.requiredCount()).isEqualTo(25);
        assertThat(r.result()).isEqualTo(HResult.SL_E_VL_NOT_ENOUGH_COUNT);
        assertThat(r.activated()).isFalse();
    }

    @Test
    void fifthServerActivatesOnItsOwnRequestBecauseItIsCountedFirst() {
        LedgerKmsHost host = host(fullHost());
        for (int m = 1; m <= 4; m++) {
            assertThat(host.handle(server(m, minutes(m)), minutes(m)).result())
                    .isEqualTo(HResult.SL_E_VL_NOT_ENOUGH_COUNT);
        }

        KmsResponse fifth = host.handle(server(5, minutes(5)), minutes(5));

        assertThat(fifth.count()).isEqualTo(5);
        assertThat(fifth.result()).isEqualTo(HResult.S_OK);
    }

    @Test
    void serverActivatesAtFiveWhileClientsOfTheSameCountNeedTwentyFive() {
        LedgerKmsHost host = host(fullHost());
        for (int m = 1; m <= 4; m++) {
            host.handle(windows7(m, minutes(m)), minutes(m));
        }

        KmsResponse server = host.handle(server(5, minutes(5)), minutes(5));
        KmsResponse sixthClient = host.handle(windows7(6, minutes(6)), minutes(6));

        assertThat(server.count()).isEqualTo(5);
        assertThat(server.activated()).isTrue();
        assertThat(sixthClient.count()).isEqualTo(6);
        assertThat(sixthClient.result()).isEqualTo(HResult.SL_E_VL_NOT_ENOUGH_COUNT);
        for (int m = 7; m <= 24; m++) {
            assertThat(host.handle(windows7(m, minutes(m)), minutes(m)).activated())
                    .isFalse();
        }
        KmsResponse twentyFifth = host.handle(windows7(25, minutes(25)), minutes(25));
        assertThat(twentyFifth.count()).isEqualTo(25);
        assertThat(twentyFifth.activated()).isTrue();
    }

    @Test
    void workedExampleServerActivatesAtItsRetryOnceTenMoreClientsCame() {
        // docs/kms-rules.md §1.6: 2 x Windows 7 -> 1, 2; server -> 3 (refused); 10 x Windows 7 -> 4..13; server retry
        // -> 13.
        LedgerKmsHost host = host(fullHost());
        assertThat(host.handle(windows7(1, T0), T0).count()).isEqualTo(1);
        assertThat(host.handle(windows7(2, minutes(1)), minutes(1)).count()).isEqualTo(2);
        KmsResponse first = host.handle(server(100, minutes(2)), minutes(2));
        assertThat(first.count()).isEqualTo(3);
        assertThat(first.activated()).isFalse();
        for (int m = 3; m <= 12; m++) {
            assertThat(host.handle(windows7(m, minutes(m)), minutes(m)).count()).isEqualTo(m + 1);
        }

        KmsResponse retry = host.handle(server(100, minutes(122)), minutes(122));

        assertThat(retry.count()).isEqualTo(13);
        assertThat(retry.activated()).isTrue();
        assertThat(host.capacity("windows")).isEqualTo(50);
    }

    @Test
    void tableHoldsTenAfterOnlyServerRequestsAndEvictsTheLeastRecentlySeen() {
        LedgerKmsHost host = host(fullHost());
        for (int m = 1; m <= 10; m++) {
            assertThat(host.handle(server(m, minutes(m)), minutes(m)).count()).isEqualTo(m);
        }
        // server 1 renews: it becomes the most recently seen; server 2 is now the least recently seen
        assertThat(host.handle(server(1, minutes(20)), minutes(20)).count()).isEqualTo(10);

        KmsResponse eleventh = host.handle(server(11, minutes(21)), minutes(21));

        assertThat(eleventh.count()).isEqualTo(10);
        assertThat(host.capacity("windows")).isEqualTo(10);
        assertThat(host.entries("windows", minutes(21)))
                .extracting(PoolEntry::cmid)
                .contains(cmid(1), cmid(11))
                .doesNotContain(cmid(2))
                .hasSize(10);
    }

    @Test
    void tableGrowsToFiftyOnceAClientAsksAndNeverShrinks() {
        LedgerKmsHost host = host(fullHost());
        for (int m = 1; m <= 12; m++) {
            host.handle(server(m, minutes(m)), minutes(m));
        }
        assertThat(host.count("windows", minutes(12))).isEqualTo(10);

        assertThat(host.handle(windows7(100, minutes(13)), minutes(13)).count()).isEqualTo(11);
        for (int m = 101; m <= 160; m++) {
            host.handle(windows7(m, minutes(m)), minutes(m));
        }
        assertThat(host.count("windows", minutes(160))).isEqualTo(50);
        assertThat(host.capacity("windows")).isEqualTo(50);

        // only servers for the next 40 days: old entries expire, the cap stays at 50
        Instant later = minutes(160).plus(Duration.ofDays(40));
        for (int m = 200; m < 260; m++) {
            host.handle(server(m, later.plusSeconds(m)), later.plusSeconds(m));
        }
        assertThat(host.capacity("windows")).isEqualTo(50);
        assertThat(host.count("windows", later.plusSeconds(260))).isEqualTo(50);
        assertThat(host.highestThresholds()).containsEntry("windows", 25);
    }

    @Test
    void duplicatedCmidsOfClonedMachinesCountOnce() {
        LedgerKmsHost host = host(fullHost());
        List<Integer> counts = new ArrayList<>();
        for (int clone = 0; clone < 6; clone++) {
            // six machines from one image: same CMID, different names
            var request = server(7, minutes(clone));
            request = new KmsRequest(
                    request.clientTime(),
                    request.cmid(),
                    "clone-" + clone,
                    request.familyId(),
                    request.poolId(),
                    request.applicationId(),
                    request.skuName(),
                    request.group(),
                    request.thresholdClass(),
                    request.clientStatus());
            KmsResponse r = host.handle(request, minutes(clone));
            counts.add(r.count());
            assertThat(r.activated()).isFalse();
        }
        assertThat(counts).containsOnly(1);
        assertThat(host.entries("windows", minutes(6)))
                .singleElement()
                .satisfies(e -> assertThat(e.machineName()).isEqualTo("clone-5"));
    }

    @Test
    void officePoolsAreCountedApartFromWindowsAndFromEachOther() {
        LedgerKmsHost host = host(fullHost());
        for (int m = 1; m <= 6; m++) {
            host.handle(server(m, minutes(m)), minutes(m));
        }

        KmsResponse office13 = host.handle(office2013(50, minutes(10)), minutes(10));
        KmsResponse office10 = host.handle(office2010(51, minutes(11)), minutes(11));
        KmsResponse office13b = host.handle(office2013(52, minutes(12)), minutes(12));
        // the same machine's Windows request is counted in the Windows pool only
        KmsResponse windowsOfOfficeMachine = host.handle(server(50, minutes(13)), minutes(13));

        assertThat(office13.count()).isEqualTo(1);
        assertThat(office10.count()).isEqualTo(1);
        assertThat(office13b.count()).isEqualTo(2);
        assertThat(windowsOfOfficeMachine.count()).isEqualTo(7);
        assertThat(host.count("office2013", minutes(13))).isEqualTo(2);
        assertThat(host.count("office2010", minutes(13))).isEqualTo(1);
        assertThat(host.poolIds()).containsExactly("office2010", "office2013", "windows");
    }

    @Test
    void officeCountMaxesOutAtTen() {
        LedgerKmsHost host = host(fullHost());
        for (int m = 1; m <= 14; m++) {
            host.handle(office2013(m, minutes(m)), minutes(m));
        }
        assertThat(host.handle(office2013(15, minutes(15)), minutes(15)).count())
                .isEqualTo(10);
        assertThat(host.capacity("office2013")).isEqualTo(10);
    }

    @Test
    void countDropsClientAfterThirtyDaysWithoutRequest() {
        LedgerKmsHost host = host(fullHost());
        host.handle(windows7(1, T0), T0);
        Instant thirtyDays = T0.plus(Duration.ofDays(30));

        assertThat(host.count("windows", thirtyDays.minusNanos(1))).isEqualTo(1);
        assertThat(host.count("windows", thirtyDays)).isZero();
        KmsResponse second = host.handle(windows7(2, thirtyDays), thirtyDays);
        assertThat(second.count()).isEqualTo(1);
        assertThat(host.entries("windows", thirtyDays))
                .extracting(PoolEntry::cmid)
                .containsExactly(cmid(2));
    }

    @Test
    void clientSeenOneSecondLessThanThirtyDaysAgoStillCounts() {
        LedgerKmsHost host = host(fullHost());
        host.handle(windows7(1, T0), T0);
        Instant justBefore = T0.plus(Duration.ofDays(30)).minusSeconds(1);

        assertThat(host.handle(windows7(2, justBefore), justBefore).count()).isEqualTo(2);
    }

    @Test
    void renewalRestartsTheThirtyDays() {
        LedgerKmsHost host = host(fullHost());
        host.handle(windows7(1, T0), T0);
        Instant renewal = T0.plus(Duration.ofDays(20));
        host.handle(windows7(1, renewal), renewal);
        Instant later = T0.plus(Duration.ofDays(40));

        assertThat(host.handle(windows7(2, later), later).count()).isEqualTo(2);
        Instant gone = renewal.plus(Duration.ofDays(30));
        assertThat(host.handle(windows7(3, gone), gone).count()).isEqualTo(2); // 1 expired, 2 and 3 live
    }

    @Test
    void clockSkewOfExactlyFourHoursIsAccepted() {
        LedgerKmsHost host = host(fullHost());
        Duration four = Duration.ofHours(4);

        assertThat(host.handle(windows7(1, T0.minus(four)), T0).count()).isEqualTo(1);
        assertThat(host.handle(windows7(2, T0.plus(four)), T0).count()).isEqualTo(2);
    }

    @Test
    void clockSkewOverFourHoursIsRefusedAndNotCounted() {
        LedgerKmsHost host = host(fullHost());
        Duration overFour = Duration.ofHours(4).plusSeconds(1);

        KmsResponse behind = host.handle(windows7(1, T0.minus(overFour)), T0);
        KmsResponse ahead = host.handle(server(2, T0.plus(overFour)), T0);

        assertThat(behind.result()).isEqualTo(HResult.SL_E_VL_INVALID_TIMESTAMP);
        assertThat(ahead.result().hex()).isEqualTo("0xC004F06C");
        assertThat(behind.count()).isZero();
        assertThat(host.count("windows", T0)).isZero();
        assertThat(host.handle(windows7(3, T0), T0).count()).isEqualTo(1);
    }

    @Test
    void oldHostKeyRefusesNewerProductGroupWithInvalidProductAndDoesNotCountIt() {
        LedgerKmsHost host = host(HostConfig.of("old-kms", List.of(SERVER_2008R2_B_KEY), Set.of()));

        KmsResponse windows10 = host.handle(windows10(1, T0), T0);

        assertThat(windows10.result().hex()).isEqualTo("0xC004F042");
        assertThat(windows10.count()).isZero();
        assertThat(host.count("windows", T0)).isZero();
        assertThat(host.capacity("windows")).isZero(); // a refused client request does not raise the cap to 50
        assertThat(host.handle(windows7(2, T0), T0).count()).isEqualTo(1);
    }

    @Test
    void clientHostKeyDoesNotServeServers() {
        LedgerKmsHost host = host(HostConfig.of("client-kms", List.of(WINDOWS_7_CLIENT_KEY), Set.of()));

        assertThat(host.handle(server(1, T0), T0).result())
                .isEqualTo(HResult.SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH);
        assertThat(host.handle(windows7(2, T0), T0).result()).isEqualTo(HResult.SL_E_VL_NOT_ENOUGH_COUNT);
    }

    @Test
    void office2013RequestIsRefusedWhenTheHostLacksItsLicensePack() {
        HostConfig withoutPack = HostConfig.of(
                "kms", List.of(SERVER_2008R2_B_KEY, OFFICE_2010_KEY, OFFICE_2013_KEY), Set.of(OFFICE_2010_PACK));
        LedgerKmsHost host = host(withoutPack);

        KmsResponse office13 = host.handle(office2013(1, T0), T0);
        KmsResponse office10 = host.handle(office2010(2, T0), T0);

        assertThat(office13.result()).isEqualTo(HResult.SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH);
        assertThat(office13.count()).isZero();
        assertThat(host.count("office2013", T0)).isZero();
        assertThat(office10.count()).isEqualTo(1);
    }

    @Test
    void responseCarriesTheHostIntervalsAndName() {
        HostConfig config = fullHost().withSettings(HostSettings.ofMinutes(60, 1440, 1688, true));
        LedgerKmsHost host = host(config);

        KmsResponse granted = host.handle(server(1, T0), T0);
        KmsResponse refused = host.handle(windows7(2, T0.minus(Duration.ofHours(5))), T0);

        for (KmsResponse r : List.of(granted, refused)) {
            assertThat(r.activationInterval()).isEqualTo(Duration.ofMinutes(60));
            assertThat(r.renewalInterval()).isEqualTo(Duration.ofDays(1));
            assertThat(r.hostName()).isEqualTo("kms01.lab.example");
        }
    }

    @Test
    void historyKeepsEveryRequestIncludingRefusedOnesAndOnlyGrows() {
        LedgerKmsHost host = host(HostConfig.of("kms", List.of(SERVER_2008R2_B_KEY), Set.of()));
        host.handle(windows7(1, T0), T0);
        host.handle(windows10(2, minutes(1)), minutes(1)); // key too old
        host.handle(server(3, minutes(2).minus(Duration.ofHours(6))), minutes(2)); // clock skew
        List<HistoryRecord> before = host.history(0, 10);

        host.handle(server(4, minutes(3)), minutes(3));
        List<HistoryRecord> after = host.history(0, 10);

        assertThat(before).extracting(HistoryRecord::machineName).containsExactly("pc-3", "pc-2", "pc-1");
        assertThat(before).extracting(h -> h.result().hex()).containsExactly("0xC004F06C", "0xC004F042", "0xC004F038");
        assertThat(after).hasSize(4);
        assertThat(after.subList(1, 4)).isEqualTo(before); // earlier records unchanged
        assertThat(after.get(0)).satisfies(h -> {
            assertThat(h.machineName()).isEqualTo("pc-4");
            assertThat(h.count()).isEqualTo(2);
            assertThat(h.familyId()).isEqualTo("windows-server");
            assertThat(h.skuName()).isEqualTo("Windows Server 2008 R2 Standard");
            assertThat(h.poolId()).isEqualTo("windows");
            assertThat(h.hostTime()).isEqualTo(minutes(3));
            assertThat(h.sequence()).isGreaterThan(before.get(0).sequence());
        });
        assertThat(host.history(1, 2)).extracting(HistoryRecord::machineName).containsExactly("pc-3", "pc-2");
        assertThat(host.history(minutes(1), minutes(3), 10))
                .extracting(HistoryRecord::machineName)
                .containsExactly("pc-2", "pc-3");
        assertThat(host.historySize()).isEqualTo(4);
    }

    @Test
    void requestTheLedgerCouldNotStoreIsNeitherAnsweredNorCounted() {
        MemoryActivationLedger ledger = new MemoryActivationLedger();
        LedgerKmsHost host = new LedgerKmsHost(fullHost(), ledger);
        host.handle(server(1, T0), T0);
        ledger.close();

        Assertions.assertThatThrownBy(() -> host.handle(server(2, minutes(1)), minutes(1)))
                .isInstanceOf(LedgerException.class);

        assertThat(host.count("windows", minutes(1))).isEqualTo(1);
        assertThat(host.entries("windows", minutes(1)))
                .extracting(PoolEntry::cmid)
                .containsExactly(cmid(1));
    }
}
