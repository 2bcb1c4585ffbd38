package org.kmsagent.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.host.GenuineHostView.LogCount;
import org.kmsagent.agent.host.ObservedRequestLog.CountedCmid;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.agent.testsupport.TestFamilies;

/**
 * What a watched host's log says it counted: one table per application, as the host keeps them (docs/kms-rules.md
 * §1.4), capped as the host caps them (§1.3), against each threshold of that application's clients; a request the
 * host refused builds no count (§1.2).
 */
class GenuineHostLogCountsTest {
    private static final Instant AT = Instant.parse("2026-11-30T12:00:00Z");
    private static final String WINDOWS = KmsRules.WINDOWS_APPLICATION.toString();
    private static final String OFFICE = KmsRules.OFFICE_2013_AND_LATER_APPLICATION.toString();

    private static final String WIN11 =
            TestFamilies.skuId("windows-client", "Windows 11 Enterprise").toString();
    private static final String SERVER =
            TestFamilies.skuId("windows-server", "Windows Server 2022 Standard").toString();
    private static final String OFFICE2013 =
            TestFamilies.skuId("office2013", "Office 2013 Professional Plus").toString();

    private static List<CountedCmid> machines(String sku, int required, String prefix, int n) {
        List<CountedCmid> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new CountedCmid(prefix + i + ".contoso.com", prefix + i, sku, required, AT));
        }
        return out;
    }

    private static List<LogCount> counts(List<CountedCmid> counted) {
        return GenuineHostView.logCounts(counted, TestFamilies::applicationOf);
    }

    @Test
    void serversAndOfficeMachinesAreCountedInTheirOwnTablesNotTogetherByTheCountTheyAskFor() {
        List<CountedCmid> log = new ArrayList<>(machines(SERVER, 5, "srv-", 3));
        log.addAll(machines(OFFICE2013, 5, "office-", 3));

        // Six machines asked for 5, but the host has three in each table: nothing is activated yet.
        assertThat(counts(log))
                .containsExactlyInAnyOrder(
                        new LogCount(WINDOWS, 25, 3, false),
                        new LogCount(WINDOWS, 5, 3, false),
                        new LogCount(OFFICE, 5, 3, false));
    }

    @Test
    void windowsClientsCountTowardTheServersThreshold() {
        List<CountedCmid> log = new ArrayList<>(machines(WIN11, 25, "pc-", 30));
        log.addAll(machines(SERVER, 5, "srv-", 3));

        assertThat(counts(log))
                .containsExactly(new LogCount(WINDOWS, 25, 33, true), new LogCount(WINDOWS, 5, 33, true));
    }

    @Test
    void aMachineWithWindowsAndOfficeIsInBothTablesOnce() {
        List<CountedCmid> log = new ArrayList<>(machines(WIN11, 25, "pc-", 5));
        log.addAll(machines(OFFICE2013, 5, "pc-", 5));
        log.addAll(machines(WIN11, 25, "pc-", 5)); // asked again: counted once

        assertThat(counts(log))
                .containsExactlyInAnyOrder(
                        new LogCount(WINDOWS, 25, 5, false),
                        new LogCount(WINDOWS, 5, 5, true),
                        new LogCount(OFFICE, 5, 5, true));
    }

    @Test
    void eachTableHoldsTwiceItsHighestThresholdAsTheHostsDoes() {
        // docs/kms-rules.md §1.3: an Office host's count stops at 10 and a Windows host's at 50, whatever the log
        // holds.
        List<CountedCmid> log = new ArrayList<>(machines(OFFICE2013, 5, "office-", 40));
        log.addAll(machines(WIN11, 25, "pc-", 60));
        assertThat(counts(log))
                .containsExactlyInAnyOrder(
                        new LogCount(WINDOWS, 25, 50, true),
                        new LogCount(WINDOWS, 5, 50, true),
                        new LogCount(OFFICE, 5, 10, true));
    }

    @Test
    void serversPushedOutWhileTheTableHeldTenStayOutWhenClientsRaiseItsCap() {
        // 12 servers fill a table of 10 (two pushed out), then 14 clients raise it to 50: the host holds 24, short of
        // the clients' 25, as the host model counts the same requests.
        List<CountedCmid> log = new ArrayList<>(machines(SERVER, 5, "srv-", 12));
        log.addAll(machines(WIN11, 25, "pc-", 14));
        assertThat(counts(log))
                .containsExactlyInAnyOrder(new LogCount(WINDOWS, 25, 24, false), new LogCount(WINDOWS, 5, 24, true));
    }

    @Test
    void productsNoFamilyKnowsAreCountedApartAgainstWhatTheyAskedFor() {
        List<CountedCmid> log = machines("0a0a0a0a-0000-4000-8000-000000000000", 5, "x-", 2);

        assertThat(counts(log)).containsExactly(new LogCount(GenuineHostView.UNKNOWN_APPLICATION, 5, 2, false));
        assertThat(TestFamilies.applicationOf("0a0a0a0a-0000-4000-8000-000000000000"))
                .isEqualTo(Optional.empty());
    }

    @Test
    void onlyRequestsTheHostCountedBuildTheCount() {
        assertThat(ObservedRequest.counted("0x0")).isTrue();
        assertThat(ObservedRequest.counted("0xC004F038"))
                .as("count still too low: counted")
                .isTrue();
        assertThat(ObservedRequest.counted("0xC004F042"))
                .as("host key cannot activate it: refused")
                .isFalse();
        assertThat(ObservedRequest.counted("0xC004F06C"))
                .as("clock too far off: refused")
                .isFalse();
        assertThat(ObservedRequest.counted("-1073418184"))
                .as("0xC004F038 in decimal")
                .isTrue();
        assertThat(ObservedRequest.counted("")).as("a 12290 without a result").isTrue();
    }
}
