package org.kmsagent.agent.windows.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Platform;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kmsagent.agent.windows.testing.Advapi32Double;
import org.kmsagent.agent.windows.testing.Advapi32Double.Event;

/** {@link EventLogWriter} and {@link AgentEvents} against the gcc-built Advapi32 double. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventLogWriterTest {
    private Advapi32Double dbl;

    @BeforeEach
    void setUp() {
        dbl = Advapi32Double.load();
    }

    @AfterEach
    void noStrayHandles() {
        if (dbl != null) {
            assertThat(dbl.control().double_bad_handles()).isZero();
        }
    }

    private static List<String> numbered(AgentEventId id) {
        List<String> s = new ArrayList<>();
        for (int i = 1; i <= id.insertions().size(); i++) {
            s.add("insert " + i + " of " + id.name());
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(AgentEventId.class)
    void eachEventIsWrittenWithItsDocumentedIdTypeAndInsertionStrings(AgentEventId id) {
        try (EventLogWriter w = EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE)) {
            w.report(id, numbered(id));
        }
        List<Event> events = dbl.events();
        assertThat(events).hasSize(1);
        Event e = events.get(0);
        assertThat(e.id()).isEqualTo(id.id());
        assertThat(e.type()).isEqualTo(id.type().code());
        assertThat(e.category()).isZero();
        assertThat(e.hadSid()).isFalse();
        assertThat(e.dataSize()).isZero();
        assertThat(e.strings()).isEqualTo(numbered(id));
    }

    @Test
    void theTableOfIdsAndTypesIsStable() {
        // Monitoring rules select on these: a change here is a breaking change (docs/windows-service-notes.md).
        assertThat(AgentEventId.values())
                .extracting(
                        AgentEventId::id,
                        e -> e.type().code(),
                        e -> e.insertions().size())
                .containsExactly(
                        Tuple.tuple(1000, 4, 3),
                        Tuple.tuple(1001, 4, 2),
                        Tuple.tuple(1002, 1, 3),
                        Tuple.tuple(1003, 2, 2),
                        Tuple.tuple(1004, 1, 2),
                        Tuple.tuple(1010, 1, 1),
                        Tuple.tuple(1011, 1, 2),
                        Tuple.tuple(2000, 4, 4),
                        Tuple.tuple(2001, 1, 5),
                        Tuple.tuple(2002, 2, 3),
                        Tuple.tuple(3000, 4, 3),
                        Tuple.tuple(3001, 2, 5),
                        Tuple.tuple(3002, 2, 3),
                        Tuple.tuple(3003, 1, 3),
                        Tuple.tuple(3004, 1, 3));
        assertThat(AgentEventId.of(2001)).isEqualTo(AgentEventId.ACTIVATION_FAILED);
        assertThatThrownBy(() -> AgentEventId.of(4242)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSourceIsRegisteredLocallyUnderKmsAgentAndDeregisteredOnClose() {
        EventLogWriter w = EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE);
        assertThat(w.isLive()).isTrue();
        assertThat(dbl.sourceName()).isEqualTo("kms-agent");
        assertThat(dbl.control().double_source_server_was_null()).isEqualTo(1);
        assertThat(dbl.control().double_open_sources()).isEqualTo(1);
        w.close();
        w.close(); // twice is harmless
        assertThat(dbl.control().double_open_sources()).isZero();
        w.report(AgentEventId.AGENT_STOPPED, "stop requested", "PT1S"); // dropped after close, no call
        assertThat(dbl.events()).isEmpty();
    }

    @Test
    void theWrongNumberOfInsertionStringsIsRefusedAndNothingIsWritten() {
        try (EventLogWriter w = EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE)) {
            assertThatThrownBy(() -> w.report(AgentEventId.ACTIVATION_FAILED, "Windows 11 Pro", "ABCDE"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2001")
                    .hasMessageContaining("5");
            assertThatThrownBy(() -> EventLogWriter.noop().report(AgentEventId.AGENT_STARTED))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(dbl.events()).isEmpty();
    }

    @Test
    void aWholeProductKeyNeverReachesAnEventOnlyItsLastFiveCharacters() {
        String key = "W269N-WFGWX-YVC9B-4J6C9-T83GX"; // the published GVLK of Windows 10/11 Pro
        AgentEvents events;
        try (EventLogWriter w = EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE)) {
            events = new AgentEvents(w);
            events.activationFailed(
                    "Windows(R), Professional edition",
                    key,
                    0xC004F074,
                    "SL_E_NO_KMS_HOST_RESPONSE? no: key " + key + " was rejected",
                    "slmgr /ipk " + key.toLowerCase());
            events.makFallbackUsed(
                    "Office 16, Office16ProPlusVL_MAK edition", "  abcde-fghij-klmno-pqrst-uvwxy ", "0xC004F074");
            // Typed without its dashes, as slmgr accepts it: still a key.
            events.activationFailed(
                    "Windows(R), Professional edition",
                    key,
                    0xC004F074,
                    "rejected",
                    "slmgr /ipk " + key.replace("-", "").toLowerCase());
        }
        List<Event> e = dbl.events();
        assertThat(e.get(0).strings().get(1)).isEqualTo("T83GX");
        assertThat(e.get(0).strings().get(3))
                .isEqualTo("SL_E_NO_KMS_HOST_RESPONSE? no: key XXXXX-XXXXX-XXXXX-XXXXX-T83GX was rejected");
        assertThat(e.get(0).strings().get(4)).isEqualTo("slmgr /ipk XXXXX-XXXXX-XXXXX-XXXXX-T83GX");
        assertThat(e.get(1).strings().get(1)).isEqualTo("UVWXY");
        assertThat(e.get(2).strings().get(4)).isEqualTo("slmgr /ipk XXXXX-XXXXX-XXXXX-XXXXX-T83GX");
        for (Event ev : e) {
            for (String s : ev.strings()) {
                assertThat(s).doesNotContainIgnoringCase("W269N").doesNotContainIgnoringCase("abcde-fghij");
            }
        }
    }

    @Test
    void insertionStringsAreUtf16SoAnyCharacterSurvives() {
        String product = "Office Büro – Ñandú 𝄞 製品";
        try (EventLogWriter w = EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE)) {
            new AgentEvents(w)
                    .renewalSucceeded(product, "kms.example.test:1688", Instant.parse("2031-05-01T10:15:30.5Z"));
        }
        assertThat(dbl.events().get(0).strings())
                .containsExactly(product, "kms.example.test:1688", "2031-05-01T10:15:30Z");
    }

    @Test
    void nullAndOverlongStringsAreWrittenSafely() {
        String huge = "x".repeat(EventLogWriter.MAX_STRING + 500);
        try (EventLogWriter w = EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE)) {
            w.report(AgentEventId.CONFIGURATION_PROBLEM, null, huge);
        }
        List<String> s = dbl.events().get(0).strings();
        assertThat(s.get(0)).isEmpty();
        assertThat(s.get(1)).hasSizeLessThanOrEqualTo(EventLogWriter.MAX_STRING).endsWith("[truncated]");
    }

    @Test
    void aLogThatRefusesAnEventIsCountedNotThrown() {
        dbl.control().double_set_error("ReportEventW", 1502); // ERROR_LOG_FILE_FULL
        try (EventLogWriter w = EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE)) {
            w.report(AgentEventId.AGENT_STOPPED, "stop requested", "PT5M");
            assertThat(w.failures()).isEqualTo(1);
        }
    }

    @Test
    void aSourceThatCannotBeRegisteredIsAnErrorWithItsCodeOrANoopWriterFromOpen() {
        dbl.control().double_set_error("RegisterEventSourceW", 5); // ERROR_ACCESS_DENIED
        assertThatThrownBy(() -> EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE))
                .isInstanceOf(EventSourceException.class)
                .hasMessageContaining("Win32 error 5")
                .satisfies(
                        t -> assertThat(((EventSourceException) t).win32Error()).isEqualTo(5));

        String old = System.getProperty(EventLogWriter.FORCE_PROPERTY);
        System.setProperty(EventLogWriter.FORCE_PROPERTY, "true");
        try (EventLogWriter w = EventLogWriter.open(EventLogWriter.SOURCE)) {
            assertThat(w.isLive()).isFalse();
        } finally {
            restore(old);
        }
    }

    @Test
    void offWindowsOpenGivesANoopWriterUnlessForced() {
        String old = System.getProperty(EventLogWriter.FORCE_PROPERTY);
        try {
            System.clearProperty(EventLogWriter.FORCE_PROPERTY);
            try (EventLogWriter w = EventLogWriter.open(EventLogWriter.SOURCE)) {
                assertThat(w.isLive()).isEqualTo(Platform.isWindows());
                w.report(AgentEventId.AGENT_STOPPED, "stop requested", "PT1S");
            }
            assertThat(dbl.events()).isEmpty();

            System.setProperty(EventLogWriter.FORCE_PROPERTY, "true"); // binds advapi32: the double here
            try (EventLogWriter w = EventLogWriter.open(EventLogWriter.SOURCE)) {
                assertThat(w.isLive()).isTrue();
                w.report(AgentEventId.AGENT_STOPPED, "stop requested", "PT1S");
            }
            assertThat(dbl.events()).extracting(Event::id).containsExactly(1001);
        } finally {
            restore(old);
        }
    }

    private static void restore(String old) {
        if (old == null) {
            System.clearProperty(EventLogWriter.FORCE_PROPERTY);
        } else {
            System.setProperty(EventLogWriter.FORCE_PROPERTY, old);
        }
    }

    @Test
    void typedEventsFormatCodesTimesAndKeysAsDocumented() {
        Instant until = Instant.parse("2031-01-31T12:00:00Z");
        Instant next = Instant.parse("2030-12-01T14:00:00Z");
        try (EventLogWriter w = EventLogWriter.open(dbl.api(), EventLogWriter.SOURCE)) {
            AgentEvents ev = new AgentEvents(w);
            ev.agentStarted("0.1.0", "17.0.15 (Eclipse Adoptium) at C:\\Java", 4242);
            ev.agentStopped("stop requested", Duration.ofMinutes(90).plusMillis(400));
            ev.serviceStartFailed(2, "bad yaml", "fix it");
            ev.serviceStopFailed("system shutdown", "timeout");
            ev.configurationProblem("conf\\agent.yaml", "unknown key renewl: ignored");
            ev.activationSucceeded(
                    "Windows(R), ServerStandard edition", "VDYBN-27WPP-V4HQT-9VMD4-VMK7H", "kms1:1688", until);
            ev.activationFailed(
                    "Windows(R), ServerStandard edition",
                    "VMK7H",
                    0xC004F074,
                    "SL_E_VL_KEY_MANAGEMENT_SERVICE_NOT_ACTIVATED? the KMS host could not be reached",
                    "no _vlmcs._tcp SRV record in corp.example (0x8007232B); pin a host with kms-agent ... --kms-host");
            ev.makFallbackUsed("Office 16 ProPlus", "X7Q2P", "0xC004F074 no KMS host answered");
            ev.renewalSucceeded("Windows(R), ServerStandard edition", "kms2:1688", until);
            ev.renewalFailed("Windows(R), ServerStandard edition", 0x8007232B, "DNS name does not exist", until, next);
            ev.lapseAhead7Days("Windows(R), ServerStandard edition", until, "0x8007232B DNS name does not exist");
            ev.lapseAhead1Day("Windows(R), ServerStandard edition", until, null);
            ev.licenseExpired("Windows(R), ServerStandard edition", until, "Notification (5)");
        }
        List<Event> e = dbl.events();
        assertThat(e)
                .extracting(Event::id)
                .containsExactly(1000, 1001, 1002, 1003, 1004, 2000, 2001, 2002, 3000, 3001, 3002, 3003, 3004);
        assertThat(e.get(0).strings()).containsExactly("0.1.0", "17.0.15 (Eclipse Adoptium) at C:\\Java", "4242");
        assertThat(e.get(1).strings()).containsExactly("stop requested", "PT1H30M");
        assertThat(e.get(2).strings()).containsExactly("2", "bad yaml", "fix it");
        assertThat(e.get(5).strings())
                .containsExactly("Windows(R), ServerStandard edition", "VMK7H", "kms1:1688", "2031-01-31T12:00:00Z");
        assertThat(e.get(6).strings().subList(0, 3))
                .containsExactly("Windows(R), ServerStandard edition", "VMK7H", "0xC004F074");
        assertThat(e.get(7).strings()).containsExactly("Office 16 ProPlus", "X7Q2P", "0xC004F074 no KMS host answered");
        assertThat(e.get(9).strings())
                .containsExactly(
                        "Windows(R), ServerStandard edition",
                        "0x8007232B",
                        "DNS name does not exist",
                        "2031-01-31T12:00:00Z",
                        "2030-12-01T14:00:00Z");
        assertThat(e.get(10).type()).isEqualTo(EventType.WARNING.code());
        assertThat(e.get(11).type()).isEqualTo(EventType.ERROR.code());
        assertThat(e.get(11).strings().get(2)).isEqualTo("none");
        assertThat(e.get(12).strings())
                .containsExactly("Windows(R), ServerStandard edition", "2031-01-31T12:00:00Z", "Notification (5)");
    }

    @Test
    void renderShowsTheMessageAsEventViewerWould() {
        String text = AgentEventId.ACTIVATION_FAILED.render(List.of(
                "Windows 11 Pro",
                "T83GX",
                "0xC004F074",
                "no KMS host could be contacted",
                "the SRV record is missing"));
        assertThat(text)
                .isEqualTo("Activation of Windows 11 Pro (key ending T83GX) failed with 0xC004F074: no KMS host"
                        + " could be contacted\nDiagnosis: the SRV record is missing");
    }

    @Test
    void keysAreMaskedAndShortenedToTheirLastFive() {
        assertThat(ProductKeys.lastFive("W269N-WFGWX-YVC9B-4J6C9-T83GX")).isEqualTo("T83GX");
        assertThat(ProductKeys.lastFive("t83gx")).isEqualTo("T83GX");
        assertThat(ProductKeys.lastFive("GX")).isEqualTo("GX");
        assertThat(ProductKeys.lastFive(null)).isEmpty();
    }
}
