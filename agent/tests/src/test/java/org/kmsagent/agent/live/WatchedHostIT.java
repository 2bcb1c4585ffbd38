package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.host.GenuineHostView;
import org.kmsagent.agent.licensing.eventlog.WevtapiDouble;
import org.kmsagent.agent.licensing.kmshost.RegistryDouble;
import org.kmsagent.agent.rules.KmsRules;

/**
 * A real agent with {@code host.mode: watch} over the gcc-built Event Log double: it reads the host's log at start,
 * serves the clients in its view, publishes {@code watched-host}, and after a restart and a cleared log still holds
 * every request it read.
 */
class WatchedHostIT {
    /** Windows 11 Enterprise, as the windows-client catalog names its SKU. */
    private static final String WIN11 = "73111121-5638-40f6-bc11-f1d7b0d64300";

    @TempDir
    Path dir;

    private static String request(long id, Instant at, String fqdn, String cmid) {
        return WevtapiDouble.request(id, at, fqdn, cmid, 25, 2, 43_000, WIN11);
    }

    private static GenuineHostView view(LiveFixture f) {
        return f.agent.watchedHost().orElseThrow();
    }

    @Test
    void theAgentFollowsTheHostsLogAcrossARestartAndAClearedLog() throws Exception {
        WevtapiDouble log = WevtapiDouble.load();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        log.append(
                1,
                request(1, now.minus(Duration.ofDays(2)), "pc-a.contoso.com", "aaaaaaaa-0000-4000-8000-0000000000a1"));
        log.append(
                2,
                request(2, now.minus(Duration.ofDays(1)), "pc-b.contoso.com", "bbbbbbbb-0000-4000-8000-0000000000b2"));
        log.append(3, "<Event><System><EventRecordID>3</EventRecordID></System>"); // torn

        try (LiveFixture f = LiveFixture.start(dir, "host.enabled=true", "host.mode=watch")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> view(f).clients().size() == 2);
            GenuineHostView v = view(f);
            assertThat(v.clients())
                    .extracting(GenuineHostView.Client::name)
                    .containsExactly("pc-b.contoso.com", "pc-a.contoso.com");
            assertThat(v.malformedEvents()).isEqualTo(1);
            // The loaded families' catalogs put the logged product in Windows' table, against both its thresholds.
            assertThat(v.logCounts())
                    .containsExactly(
                            new GenuineHostView.LogCount(KmsRules.WINDOWS_APPLICATION.toString(), 25, 2, false),
                            new GenuineHostView.LogCount(KmsRules.WINDOWS_APPLICATION.toString(), 5, 2, false));
            assertThat(v.countersError()).as("no SLC with the simulated stack").contains("SLC");
            assertThat(v.eventLogError()).isNull();
            assertThat(f.agent.banner()).anyMatch(l -> l.contains("watching the genuine host"));
            assertThat(f.agent.host().enabled()).as("nothing is modelled").isFalse();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> f.events().stream()
                            .anyMatch(e -> e.getString("type").equals("watched-host")));
        }

        log.control.wevt_clear();
        log.append(
                1,
                request(1, now.minus(Duration.ofHours(1)), "pc-c.contoso.com", "cccccccc-0000-4000-8000-0000000000c3"));
        try (LiveFixture f = LiveFixture.start(dir, "host.enabled=true", "host.mode=watch")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> view(f).clients().size() == 3);
            assertThat(view(f).observedRequests())
                    .as("each request once, the cleared ones kept")
                    .isEqualTo(3);
        }
        assertThat(log.control.wevt_open_handles()).isZero();
    }

    @Test
    void theViewCarriesTheHostsSettingsFromTheRegistryAndSaysWhatCouldNotBeRead() throws Exception {
        WevtapiDouble log = WevtapiDouble.load();
        RegistryDouble registry = RegistryDouble.load();
        log.append(
                1,
                request(
                        1,
                        Instant.now().minus(Duration.ofHours(1)),
                        "pc-a.contoso.com",
                        "aaaaaaaa-0000-4000-8000-0000000000a1"));
        registry.double_reg_set_sz("KeyManagementServiceListeningPort", "1700");
        registry.double_reg_set_dword("DisableDnsPublishing", 1);
        registry.double_reg_set_error("VLRenewalInterval", 5);
        String before = System.getProperty("kmsagent.registry.library");
        System.setProperty("kmsagent.registry.library", RegistryDouble.LIBRARY);
        try (LiveFixture f = LiveFixture.start(dir, "host.enabled=true", "host.mode=watch")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> view(f).clients().size() == 1);
            GenuineHostView v = view(f);
            assertThat(v.serviceError()).isNull();
            assertThat(v.service().listeningPort()).isEqualTo(1700);
            assertThat(v.service().dnsPublishing()).isFalse();
            assertThat(v.service().activationIntervalMinutes()).isEqualTo(120);
            assertThat(v.service().renewalIntervalMinutes())
                    .as("a failed read shows the default")
                    .isEqualTo(10_080);
            assertThat(v.service().errors())
                    .anySatisfy(e -> assertThat(e).contains("VLRenewalInterval", "error 5"))
                    .anySatisfy(e -> assertThat(e).contains("SLC"));
        } finally {
            if (before == null) {
                System.clearProperty("kmsagent.registry.library");
            } else {
                System.setProperty("kmsagent.registry.library", before);
            }
        }
    }
}
