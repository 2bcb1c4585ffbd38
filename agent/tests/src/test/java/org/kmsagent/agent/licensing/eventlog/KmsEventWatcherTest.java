package org.kmsagent.agent.licensing.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.host.H2ActivationLedger;
import org.kmsagent.agent.host.ObservedRequest;

/**
 * The genuine-host watcher through the real Evt* binding, against the gcc-built Event Log double: requests read
 * once each across restarts (bookmark in the data directory), a cleared log losing nothing already read, malformed
 * event XML skipped, counted and the rest still read.
 */
class KmsEventWatcherTest {
    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00.1234567Z");
    private static final String WIN11 = "4de7cb65-cdf1-4de9-8ae8-e3cce27b9f2c";

    @TempDir
    Path data;

    private WevtapiDouble log;

    @BeforeEach
    void setUp() {
        log = WevtapiDouble.load();
    }

    @AfterEach
    void noHandleLeft() {
        if (log != null) {
            assertThat(log.control.wevt_open_handles())
                    .as("Evt handles left open")
                    .isZero();
        }
    }

    private void request(long id, int minute, String fqdn, String cmid) {
        log.append(id, WevtapiDouble.request(id, T0.plusSeconds(60L * minute), fqdn, cmid, 25, 2, 43_000, WIN11));
    }

    private KmsEventWatcher watcher(H2ActivationLedger ledger) {
        return new KmsEventWatcher(log.channel(), ledger, data.resolve("kms-eventlog.bookmark"), 100);
    }

    private List<ObservedRequest> stored(H2ActivationLedger ledger) {
        return ledger.observedBetween(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 1000);
    }

    @Test
    void eachRequestIsStoredOnceAcrossRestarts() throws Exception {
        for (int i = 1; i <= 70; i++) {
            request(i, i, "pc" + i + ".contoso.com", "00000000-0000-4000-8000-0000000000" + String.format("%02d", i));
        }
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(data.resolve("ledger"))) {
            KmsEventWatcher.Poll first = watcher(ledger).poll();
            assertThat(first.read()).isEqualTo(70);
            assertThat(first.stored()).isEqualTo(70);
            assertThat(watcher(ledger).poll().read()).as("nothing new").isZero();
        }
        // The agent restarts: a new ledger object over the same file, a new watcher, the bookmark from the file.
        request(71, 71, "late.contoso.com", "00000000-0000-4000-8000-000000000071");
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(data.resolve("ledger"))) {
            KmsEventWatcher.Poll again = watcher(ledger).poll();
            assertThat(again.read()).as("only the event logged since").isEqualTo(1);
            assertThat(again.restarted()).isFalse();
            List<ObservedRequest> all = stored(ledger);
            assertThat(all).hasSize(71);
            ObservedRequest last = all.get(70);
            assertThat(last.clientName()).isEqualTo("late.contoso.com");
            assertThat(last.cmid()).isEqualTo("00000000-0000-4000-8000-000000000071");
            assertThat(last.requiredCount()).isEqualTo(25);
            assertThat(last.licenseStateName()).isEqualTo("oob-grace");
            assertThat(last.minutesToExpiry()).isEqualTo(43_000);
            assertThat(last.skuId()).isEqualTo(WIN11);
            assertThat(last.hostName()).isEqualTo("kms01.contoso.com");
            assertThat(last.result()).isEqualTo("0x0");
            assertThat(last.hostTime()).isEqualTo(T0.plusSeconds(60L * 71));
        }
    }

    @Test
    void clearingTheWindowsLogLosesNothingAlreadyRead() throws Exception {
        request(1, 1, "a.contoso.com", "11111111-1111-4111-8111-111111111111");
        request(2, 2, "b.contoso.com", "22222222-2222-4222-8222-222222222222");
        request(3, 3, "c.contoso.com", "33333333-3333-4333-8333-333333333333");
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(data.resolve("ledger"))) {
            assertThat(watcher(ledger).poll().stored()).isEqualTo(3);
            // An administrator clears the log; record ids start again, and record 3 is now another request.
            log.control.wevt_clear();
            request(1, 10, "d.contoso.com", "44444444-4444-4444-8444-444444444444");
            request(2, 11, "e.contoso.com", "55555555-5555-4555-8555-555555555555");
            request(3, 12, "f.contoso.com", "66666666-6666-4666-8666-666666666666");
            KmsEventWatcher.Poll after = watcher(ledger).poll();
            assertThat(after.restarted()).as("the bookmarked event is gone").isTrue();
            assertThat(after.stored()).isEqualTo(3);
            assertThat(stored(ledger))
                    .extracting(ObservedRequest::clientName)
                    .containsExactly(
                            "a.contoso.com",
                            "b.contoso.com",
                            "c.contoso.com",
                            "d.contoso.com",
                            "e.contoso.com",
                            "f.contoso.com");
            // Cleared again, empty: the ledger still holds all six.
            log.control.wevt_clear();
            assertThat(watcher(ledger).poll().read()).isZero();
            assertThat(ledger.observedCount()).isEqualTo(6);
        }
    }

    @Test
    void aCrashBeforeTheBookmarkIsSavedStoresNothingTwice() throws Exception {
        request(1, 1, "a.contoso.com", "11111111-1111-4111-8111-111111111111");
        request(2, 2, "b.contoso.com", "22222222-2222-4222-8222-222222222222");
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(data.resolve("ledger"))) {
            watcher(ledger).poll();
            // As if the agent died after storing but before saving the bookmark.
            Files.delete(data.resolve("kms-eventlog.bookmark"));
            KmsEventWatcher.Poll again = watcher(ledger).poll();
            assertThat(again.read()).isEqualTo(2);
            assertThat(again.stored()).isZero();
            assertThat(ledger.observedCount()).isEqualTo(2);
        }
    }

    @Test
    void malformedEventsAreSkippedCountedAndTheRestRead() throws Exception {
        request(1, 1, "a.contoso.com", "11111111-1111-4111-8111-111111111111");
        log.append(
                2,
                WevtapiDouble.request(2, T0.plusSeconds(120), "b.contoso.com", "x", 25, 1, 0, WIN11)
                        .replace("<Data>25</Data>", "<Data>twenty-five</Data>"));
        log.append(
                3,
                "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                        + "<EventRecordID>3</EventRecordID><unclosed></System></Event>");
        log.append(
                4,
                "<!DOCTYPE Event [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><Event><System>"
                        + "<EventRecordID>4</EventRecordID></System><EventData><Data>&x;</Data></EventData></Event>");
        request(5, 5, "e.contoso.com", "55555555-5555-4555-8555-555555555555");
        try (H2ActivationLedger ledger = H2ActivationLedger.openFile(data.resolve("ledger"))) {
            KmsEventWatcher w = watcher(ledger);
            KmsEventWatcher.Poll p = w.poll();
            assertThat(p.read()).isEqualTo(5);
            assertThat(p.malformed()).isEqualTo(3);
            assertThat(w.malformedTotal()).isEqualTo(3);
            assertThat(stored(ledger))
                    .extracting(ObservedRequest::clientName)
                    .containsExactly("a.contoso.com", "e.contoso.com");
            assertThat(watcher(ledger).poll().read())
                    .as("malformed events are not read again")
                    .isZero();
        }
    }

    @Test
    void malformedXmlIsReportedWithItsRecordIdAndWhatIsWrong() {
        String bad = WevtapiDouble.request(9, T0, "b.contoso.com", "x", 25, 1, 0, WIN11)
                .replace("<Data>0x0</Data>", "");
        String shortOne = bad.replace("<Data>0</Data>", "");
        Assertions.assertThatThrownBy(() -> KmsEventXml.parse(shortOne))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("record 9")
                .hasMessageContaining("expected 8 or 9 <Data> items");
        Assertions.assertThatThrownBy(
                        () -> KmsEventXml.parse("<Event><System>" + "<EventRecordID>12</EventRecordID></System"))
                .isInstanceOf(MalformedEventException.class)
                .satisfies(e ->
                        assertThat(((MalformedEventException) e).recordId()).isEqualTo(12))
                .hasMessageContaining("not well-formed");
    }

    @Test
    void eightItemsAndOneCommaDelimitedItemReadAlike() throws Exception {
        String nine = WevtapiDouble.request(
                7, T0, "pc.contoso.com", "{77777777-7777-4777-8777-777777777777}", 5, 1, 10_080, WIN11);
        String eight = nine.replace("<Data>0x0</Data>", "");
        String one = nine.replaceAll(
                "<EventData>.*</EventData>",
                "<EventData><Data>0x0, 5, pc.contoso.com,"
                        + " {77777777-7777-4777-8777-777777777777}, 2026/11/30 9:15, 0, 1, 10080, " + WIN11
                        + "</Data></EventData>");
        ObservedRequest a = KmsEventXml.parse(nine).orElseThrow();
        assertThat(a.cmid()).isEqualTo("77777777-7777-4777-8777-777777777777");
        assertThat(a.requiredCount()).isEqualTo(5);
        assertThat(KmsEventXml.parse(eight).orElseThrow())
                .isEqualTo(new ObservedRequest(
                        7,
                        T0,
                        "kms01.contoso.com",
                        "",
                        5,
                        "pc.contoso.com",
                        a.cmid(),
                        a.clientTime(),
                        1,
                        10_080,
                        WIN11));
        assertThat(KmsEventXml.parse(one).orElseThrow()).isEqualTo(a);
        assertThat(KmsEventXml.parse(nine.replace(">12290<", ">12293<")))
                .as("another event of the channel")
                .isEmpty();
    }
}
