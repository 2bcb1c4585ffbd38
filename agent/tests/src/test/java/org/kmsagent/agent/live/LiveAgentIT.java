package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.bus.view.PluginView;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.api.ProductKey;

/** The live agent over the real plugins: first activation, the host's count, persistence, resume, plugins. */
class LiveAgentIT {
    @TempDir
    Path dir;

    private static ProductView windows(LiveFixture f) {
        return f.agent.products().stream()
                .filter(p -> p.family().equals("windows-client"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theMachineActivatesAgainstItsOwnHostAndARestartResumesWithoutActivatingAgain() throws Exception {
        Path data = dir.resolve("data");
        LiveFixture.seedLedger(data, 24); // 24 other clients: this machine is the 25th, the client threshold
        Instant validUntil;
        Instant next;
        try (LiveFixture f = LiveFixture.start(data, "host.enabled=true")) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> windows(f).status().equals("LICENSED"));
            ProductView p = windows(f);
            assertThat(p.product()).isEqualTo("Windows 11 Enterprise");
            assertThat(p.partialKey()).isEqualTo("2YT43");
            assertThat(p.lastResult()).startsWith("0x00000000");
            // docs/kms-rules.md §2.1: renewal a renewal interval (7 days by default) after the success; valid 180 days.
            assertThat(Duration.between(Instant.now(), p.nextAttempt()))
                    .isBetween(Duration.ofDays(7).minusMinutes(5), Duration.ofDays(7));
            assertThat(Duration.between(Instant.now(), p.validUntil()))
                    .isBetween(Duration.ofDays(180).minusMinutes(5), Duration.ofDays(180));
            validUntil = p.validUntil();
            next = p.nextAttempt();
            JsonObject activated = f.renewals("ACTIVATED").get(0);
            assertThat(activated.getString("family")).isEqualTo("windows-client");
            assertThat(activated.getString("hresult")).startsWith("0x00000000");
            assertThat(activated.getInteger("count")).isEqualTo(25);
            // What the Event Log's entries name beside the event (docs/event-bus.md): the product, its key's last
            // five, and the 180 days the success started.
            assertThat(activated.getString("skuId")).isEqualTo(p.skuId());
            assertThat(activated.getString("partialKey")).isEqualTo("2YT43");
            assertThat(Duration.between(Instant.parse(activated.getString("validUntil")), validUntil)
                            .abs())
                    .isLessThan(Duration.ofSeconds(1));
            assertThat(f.events())
                    .anyMatch(e -> e.getString("type").equals("state-changed")
                            && "LICENSED".equals(e.getJsonObject("data").getString("status")));

            HostView host = f.agent.host();
            assertThat(host.enabled()).isTrue();
            HostView.Pool pool = host.pools().stream()
                    .filter(x -> x.family().contains("windows-client"))
                    .findFirst()
                    .orElseThrow();
            assertThat(pool.count()).isEqualTo(25);
            assertThat(pool.thresholds()).contains(new HostView.Threshold("client", 25, true));
            assertThat(host.ledger()).hasSize(25);

            JsonNode stored =
                    new ObjectMapper().readTree(data.resolve("state.json").toFile());
            JsonNode schedule = stored.get("products").elements().next();
            assertThat(Instant.parse(schedule.get("nextDue").asText())).isEqualTo(next);
            assertThat(stored.get("machine").get("cmid").asText()).isNotBlank();
        }

        try (LiveFixture again = LiveFixture.start(data, "host.enabled=true")) {
            // The first action is at the stored time: no attempt made at start, the same schedule shown.
            assertThat(again.renewals("ACTIVATED")).isEmpty();
            assertThat(again.renewals("RENEWED")).isEmpty();
            assertThat(again.renewals("ACTIVATION_FAILED")).isEmpty();
            ProductView p = windows(again);
            assertThat(p.status())
                    .as(Files.readString(data.resolve("state.json")))
                    .isEqualTo("LICENSED");
            assertThat(p.validUntil()).isEqualTo(validUntil);
            assertThat(p.nextAttempt()).isEqualTo(next);
            // The same CMID: the host still counts 25, not 26.
            assertThat(again.agent.host().ledger()).hasSize(25);
        }
    }

    @Test
    void withoutAHostRoleThePinnedHostIsUnreachableAndTheLoopSaysSo() throws Exception {
        try (LiveFixture f = LiveFixture.start(dir.resolve("data"), "renewal.kms=kms.corp.example")) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !f.renewals("ACTIVATION_FAILED").isEmpty());
            JsonObject failed = f.renewals("ACTIVATION_FAILED").get(0);
            assertThat(failed.getString("hresult")).isEqualTo("0xC004F074 SL_E_VL_BINDING_SERVICE_UNAVAILABLE");
            assertThat(failed.getJsonObject("diagnosis").getString("cause")).isEqualTo("HOST_UNREACHABLE");
            assertThat(failed.getJsonObject("diagnosis").getString("detail")).contains("kms.corp.example:1688");
            assertThat(failed.getString("partialKey")).isEqualTo("2YT43");
            assertThat(failed.getString("validUntil"))
                    .as("never activated: no validity")
                    .isNull();
            assertThat(f.agent.host().enabled()).isFalse();
            ProductView p = windows(f);
            assertThat(p.status()).isEqualTo("INITIAL_GRACE");
            assertThat(p.kms()).isEqualTo("kms.corp.example:1688");
            // docs/kms-rules.md §2.1: an unactivated client retries every 2 hours.
            assertThat(Duration.between(Instant.now(), p.nextAttempt()))
                    .isBetween(Duration.ofMinutes(115), Duration.ofMinutes(120));
        }
    }

    @Test
    void activateNowAndInstallingAGivenKeyGoThroughTheFamilyAndNeverShowTheWholeKey() throws Exception {
        try (LiveFixture f = LiveFixture.start(dir.resolve("data"), "host.enabled=true")) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !f.renewals("ACTIVATION_FAILED").isEmpty());
            // One machine alone: count 1 of 25 (docs/kms-rules.md §1.5).
            List<ActionResult> r = f.agent.activate(Optional.of("windows-client"));
            assertThat(r).singleElement().satisfies(a -> {
                assertThat(a.ok()).isFalse();
                assertThat(a.hresult()).isEqualTo("0xC004F038");
                assertThat(a.message()).contains("count 1 of 25");
            });
            int refusedBefore = f.renewals("ACTIVATION_FAILED").size();
            List<ActionResult> k = f.agent.installGvlk(
                    Optional.of("windows-client"), Optional.of(ProductKey.parse("NPPR9-FWDCX-D2C8J-H872K-2YT43")));
            assertThat(k).singleElement().satisfies(a -> {
                assertThat(a.ok()).isTrue();
                assertThat(a.message())
                        .contains("XXXXX-XXXXX-XXXXX-XXXXX-2YT43", "activation is attempted now")
                        .doesNotContain("NPPR9");
            });
            // The new key was tried at once, not at the loop's next attempt two hours on: refused again, 1 of 25.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> f.renewals("ACTIVATION_FAILED").size() == refusedBefore + 1);
            assertThat(f.events().toString()).doesNotContain("NPPR9-FWDCX");
            assertThat(Files.readString(f.dataDir.resolve("state.json"))).contains("2YT43");
        }
    }

    @Test
    void aWindowsGvlkGivenForOfficeIsA400AndNeitherProductsKeyChanges() throws Exception {
        // Office 2013 on Windows 11 is held by Windows' own licensing service, which would take the Windows key.
        try (LiveFixture f = LiveFixture.start(
                dir.resolve("data"), "simulated.editions=[Windows 11 Enterprise, Office 2013 Professional Plus]")) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> f.agent.products().stream().allMatch(p -> p.lastResult() != null));
            List<ProductView> before = f.agent.products();
            int installedBefore = f.events().size();
            ControlException e = catchThrowableOfType(
                    ControlException.class,
                    () -> f.agent.installGvlk(
                            Optional.of("office2013"), Optional.of(ProductKey.parse("NPPR9-FWDCX-D2C8J-H872K-2YT43"))));
            assertThat(e.code()).isEqualTo(BusCodes.BAD_REQUEST);
            assertThat(e.getMessage())
                    .startsWith("key: the key ending 2YT43 is the GVLK of Windows 10 Enterprise / Windows 11 Enterprise"
                            + " (windows-client), not of an edition of office2013 installed here")
                    .doesNotContain("NPPR9");
            assertThat(f.agent.products())
                    .extracting(ProductView::family, ProductView::partialKey)
                    .isEqualTo(before.stream()
                            .map(p -> tuple(p.family(), p.partialKey()))
                            .toList());
            assertThat(f.events()).hasSize(installedBefore);
        }
    }

    @Test
    void anEmptyPluginsFolderIsAWarningInTheBannerNotOnlyZeroLoaded() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("plugins"));
        try (LiveFixture f = LiveFixture.start(dir.resolve("data"), "pluginsDir=" + empty)) {
            assertThat(f.agent.products()).isEmpty();
            assertThat(f.agent.banner())
                    .contains("kms-agent: no plugin loaded from "
                            + empty.toAbsolutePath().normalize()
                            + ": no product is kept activated; copy the family plugins there (the plugins folder of"
                            + " the release archive) (docs/plugin-guide.md)");
        }
        Path missing = dir.resolve("no-such-folder");
        try (LiveFixture f = LiveFixture.start(dir.resolve("data"), "pluginsDir=" + missing)) {
            assertThat(f.agent.banner())
                    .anyMatch(l -> l.startsWith("kms-agent: no plugin loaded from ")
                            && l.contains("point pluginsDir or --plugins-dir at the folder of the family plugins"));
        }
        try (LiveFixture f = LiveFixture.start(dir.resolve("data"))) {
            assertThat(f.agent.banner()).noneMatch(l -> l.contains("no plugin loaded"));
        }
    }

    @Test
    void unloadingAPluginStopsItsRenewalAndLoadingItAgainResumesIt() throws Exception {
        try (LiveFixture f = LiveFixture.start(dir.resolve("data"), "host.enabled=true")) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !f.renewals("ACTIVATION_FAILED").isEmpty());
            Instant next = windows(f).nextAttempt();
            f.agent.unloadPlugin("windows-client");
            assertThat(f.agent.products()).noneMatch(p -> p.family().equals("windows-client"));
            assertThat(f.agent.plugins()).noneMatch(p -> p.id().equals("windows-client"));

            f.agent.loadPlugin(PluginJars.built("windows-client"));
            assertThat(windows(f).nextAttempt())
                    .as("resumed from the kept schedule, not attempted again")
                    .isEqualTo(next);
            assertThat(f.renewals("ACTIVATION_FAILED")).hasSize(1);
        }
    }

    @Test
    void loadingAJarThatIsLoadedAlreadyIsA409ThatLeavesNoFailedPluginBehind() throws Exception {
        try (LiveFixture f = LiveFixture.start(dir.resolve("data"))) {
            List<PluginView> before = f.agent.plugins();
            Path jar = PluginJars.built("windows-client");
            ControlException e = catchThrowableOfType(ControlException.class, () -> f.agent.loadPlugin(jar));
            assertThat(e.code()).isEqualTo(BusCodes.CONFLICT);
            assertThat(e.getMessage())
                    .isEqualTo(jar.getFileName() + " is already loaded (plugin windows-client); unload it first to load"
                            + " it again");
            // A refused request, not a broken jar: no FAILED entry, nothing for the load-failures gauge to count.
            assertThat(f.agent.plugins()).isEqualTo(before).noneMatch(p -> "FAILED".equals(p.state()));
        }
    }

    @Test
    void hostSettingsSetThroughTheApiSurviveARestartUnlessTheConfigurationChanged() throws Exception {
        Path data = dir.resolve("data");
        HostSettingsView set = new HostSettingsView(30, 1440, 1700, false);
        try (LiveFixture f = LiveFixture.start(data, "host.enabled=true")) {
            f.agent.updateHostSettings(set);
        }
        try (LiveFixture again = LiveFixture.start(data, "host.enabled=true")) {
            assertThat(again.agent.hostSettings()).isEqualTo(set);
            // Said in words, naming how they were set (ctl has no command for them), not as a Java record.
            assertThat(again.agent.banner())
                    .contains("kms-agent: host settings as last set through the control API"
                            + " (kmsagent.host.settings.set), kept across the restart: activation interval 30 min,"
                            + " renewal interval 1440 min, port 1700, publish DNS no");
            // The role's own line names the port in force, not the configured 1688.
            assertThat(again.agent.banner())
                    .anySatisfy(l -> assertThat(l)
                            .startsWith("kms-agent: KMS host role on")
                            .endsWith("(in-process only; nothing listens on port 1700, the port it advertises)"));
        }
        try (LiveFixture edited = LiveFixture.start(data, "host.enabled=true", "host.renewalIntervalMinutes=720")) {
            assertThat(edited.agent.hostSettings()).isEqualTo(new HostSettingsView(120, 720, 1688, true));
        }
    }
}
