package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.live.DaemonWiring;
import org.kmsagent.agent.metrics.Figures;
import org.kmsagent.agent.metrics.PrometheusText;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * A real agent ({@code LiveAgent}, the built plugins, the simulated licensing stack, no reachable KMS host) dialling
 * out to a real hub on 127.0.0.1: what the hub and both metrics endpoints say about its activation attempts.
 */
class FleetTruthIT {
    private static final String ADMIN = "admin-0123456789abcdef";

    @TempDir
    Path dir;

    private LocalHub hub;
    private Figures hubFigures;
    private FleetMetrics hubMetrics;
    private AgentDaemon agent;
    private final List<AgentDaemon> others = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC());
        hubFigures = new Figures("kmsagent.fleet");
        hubMetrics = new FleetMetrics(hub.vertx, hubFigures, "hub-local", () -> 0);
        hubMetrics.start().await(10, TimeUnit.SECONDS);
        agent = startAgent("pc-1");
    }

    /** A real agent with its data in {@code dir/<id>}, reporting to the hub as {@code id}. */
    private AgentDaemon startAgent(String id) throws Exception {
        Path file = Files.writeString(
                dir.resolve(id + ".yaml"),
                String.join(
                        "\n",
                        "licensing: simulated",
                        "bridge:",
                        "  port: 0",
                        "  tokens: [{name: ops, token: " + ADMIN + ", role: admin}]",
                        "metrics: {enabled: true, port: 0}",
                        "fleet:",
                        "  agentId: " + id,
                        "  hubs: ['" + hub.at() + "']",
                        "  token: " + LocalHub.AGENT_TOKEN,
                        "  trust: ['" + hub.fingerprint + "']",
                        ""));
        AgentConfig config = new ConfigLoader(Map.of())
                .load(
                        Optional.of(file),
                        List.of("dataDir=" + dir.resolve(id), "pluginsDir=" + PluginJars.builtPlugins()));
        return AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        for (AgentDaemon d : others) {
            d.close();
        }
        if (agent != null) {
            agent.close();
        }
        hub.close();
    }

    @Test
    void cloneAmongRealAgentsAreFoundByTheirSharedCmid() throws Exception {
        // pc-3 is a clone of pc-1's disk (its stored simulated machine, CMID included); pc-2 a machine of its own.
        Path state = dir.resolve("pc-1").resolve("state.json");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Files.exists(state) && Files.readString(state).contains("cmid"));
        Files.createDirectories(dir.resolve("pc-3"));
        Files.copy(state, dir.resolve("pc-3").resolve("state.json"));
        others.add(startAgent("pc-2"));
        others.add(startAgent("pc-3"));

        await().atMost(Duration.ofSeconds(60)).until(() -> duplicates().out().contains("pc-3"));
        JsonArray shared = new JsonObject(duplicates().out()).getJsonArray("duplicates");
        assertThat(shared).hasSize(1);
        assertThat(shared.getJsonObject(0).getJsonArray("machines")).containsExactly("pc-1", "pc-3");
    }

    private CliRun duplicates() {
        return CliRun.of(
                "ctl",
                "--hub",
                hub.at(),
                "--trust",
                hub.fingerprint,
                "--token",
                LocalHub.OPS_TOKEN,
                "fleet",
                "duplicates",
                "--json");
    }

    private JsonArray hubHistory() throws Exception {
        return hub.vertx
                .eventBus()
                .<JsonObject>request(FleetAddresses.HISTORY, new JsonObject().put("target", "pc-1"))
                .map(m -> m.body().getJsonArray("history", new JsonArray()))
                .otherwise(new JsonArray())
                .await(10, TimeUnit.SECONDS);
    }

    private static long count(JsonArray history, String kind) {
        return history.stream()
                .filter(e -> e instanceof JsonObject o
                        && o.getValue("data") instanceof JsonObject d
                        && kind.equals(d.getString("kind")))
                .count();
    }

    private PrometheusText agentScrape() throws Exception {
        return PrometheusText.scrape(agent.metricsPort());
    }

    private PrometheusText hubScrape() {
        return PrometheusText.parse(hubFigures.scrape());
    }

    @Test
    void theAgentsFirstAttemptReachesTheHubWithoutAnyCommand() throws Exception {
        // The simulated machine has no KMS host (not even in DNS): its first attempt at start fails, 0x8007232B.
        await().atMost(Duration.ofSeconds(60)).until(() -> count(hubHistory(), "ACTIVATION_FAILED") >= 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> expiring().out().contains("pc-1"));
        CliRun expiring = expiring();
        assertThat(expiring.exitCode()).as(expiring.err()).isZero();
        assertThat(expiring.out()).doesNotContain("has not tried to renew").contains("NO_SRV_RECORD", "0x8007232B");
    }

    private CliRun expiring() {
        return CliRun.of(
                "ctl",
                "--hub",
                hub.at(),
                "--trust",
                hub.fingerprint,
                "--token",
                LocalHub.OPS_TOKEN,
                "fleet",
                "expiring",
                "--days",
                "3650");
    }

    @Test
    void oneActivationAttemptIsOneIncrementOnTheAgentAndOnTheHub() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> agentScrape().sum("kmsagent_activations_total") >= 1
                        && count(hubHistory(), "ACTIVATION_FAILED") >= 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> hubScrape().sum("kmsagent_fleet_activations_total") >= 1);
        double agentBefore = agentScrape().sum("kmsagent_activations_total");
        double hubBefore = hubScrape().sum("kmsagent_fleet_activations_total");
        long attemptsBefore = count(hubHistory(), "ACTIVATION_FAILED");

        List<String> argv = new ArrayList<>(List.of(
                "ctl",
                "--agent",
                "127.0.0.1:" + agent.bridgePort(),
                "--trust",
                agent.fingerprint(),
                "--token",
                ADMIN,
                "activate",
                "--family",
                "windows-client"));
        CliRun activate = CliRun.of(argv.toArray(String[]::new));
        assertThat(activate.exitCode()).as(activate.out() + activate.err()).isNotEqualTo(2);
        // Every event of the attempt has reached the hub once the ctl's activation result has.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count(hubHistory(), "ACTIVATION_FAILED") > attemptsBefore
                        && hubHistory().stream()
                                .anyMatch(e -> e instanceof JsonObject o && "activation".equals(o.getString("type"))));

        PrometheusText a = agentScrape();
        PrometheusText h = hubScrape();
        assertThat(a.sum("kmsagent_activations_total"))
                .as(a.named("kmsagent_activations_total").toString())
                .isEqualTo(agentBefore + 1);
        assertThat(h.sum("kmsagent_fleet_activations_total"))
                .as(h.named("kmsagent_fleet_activations_total").toString())
                .isEqualTo(hubBefore + 1);
        // One series per outcome: the code and the cause are labels of their own.
        assertThat(a.named("kmsagent_activations_total").keySet())
                .singleElement()
                .satisfies(k -> assertThat(k)
                        .contains(
                                "family=\"windows-client\"",
                                "code=\"0x8007232B\"",
                                "result=\"failed\"",
                                "cause=\"no_srv_record\""));
        assertThat(a.named("kmsagent_build_info")).hasSize(1);
        assertThat(a.samples.keySet())
                .anyMatch(k -> k.startsWith("jvm_memory_used_bytes"))
                .anyMatch(k -> k.startsWith("process_uptime_seconds"))
                .anyMatch(k -> k.startsWith("jvm_threads_live"))
                .anyMatch(k -> k.startsWith("system_cpu_count"));
    }
}
