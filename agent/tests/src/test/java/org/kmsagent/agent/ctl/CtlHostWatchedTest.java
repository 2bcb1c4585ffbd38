package org.kmsagent.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.AgentControl;
import org.kmsagent.agent.bus.InMemoryAgent;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.host.GenuineHostView;
import org.kmsagent.agent.host.ObservedRequest;
import org.kmsagent.agent.testsupport.GenuineHostFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;

/** {@code ctl host} on an agent watching a genuine KMS host prints what the host's log and counters show. */
class CtlHostWatchedTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void hostPrintsTheWatchedHostsCountsAndClients() throws Exception {
        GenuineHostView view = GenuineHostView.of(
                        "KMS01",
                        NOW,
                        List.of(new ObservedRequest(
                                7,
                                NOW.minus(Duration.ofHours(3)),
                                "KMS01",
                                "0x0",
                                25,
                                "pc-a.contoso.com",
                                "aaaaaaaa-0000-4000-8000-000000000001",
                                "",
                                2,
                                43_000,
                                "73111121-5638-40f6-bc11-f1d7b0d64300")),
                        TestFamilies::applicationOf,
                        List.of(new GenuineHostView.Counters("55c92734-d682-4d71-983e-d6ec3f16059f", 26, 40, 1)),
                        null,
                        1,
                        2,
                        NOW,
                        null)
                .withService(GenuineHostFixtures.SERVICE, null);
        InMemoryAgent inner = new InMemoryAgent(Clock.fixed(NOW, ZoneOffset.UTC));
        AgentControl watching = (AgentControl) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {AgentControl.class}, (proxy, method, args) -> {
                    if (method.getName().equals("watchedHost")) {
                        return Optional.of(view);
                    }
                    try {
                        return method.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Path tokens = dir.resolve("agent.yaml");
        Files.writeString(tokens, """
        bridge:
          tokens:
            - name: dashboard
              token: read-0123456789abcdef
              role: read
        """);
        AgentConfig config = new ConfigLoader(Map.of())
                .load(Optional.of(tokens), List.of("dataDir=" + dir.resolve("data"), "bridge.port=0"));
        try (AgentDaemon daemon = AgentDaemon.start(config, ctx -> watching, Clock.fixed(NOW, ZoneOffset.UTC))) {
            AgentFixture.Result r = AgentFixture.ctlOn(daemon, "read-0123456789abcdef", "host");

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out())
                    .contains(
                            "watching the genuine KMS host KMS01",
                            "2 malformed events skipped",
                            "clients logged in 30 days: 1");
            assertThat(r.out().lines().filter(l -> l.startsWith("service")))
                    .hasSize(2)
                    .anySatisfy(l -> assertThat(l).contains("26", "25", "yes"));
            // The log's count is of Windows' table (a Windows 11 Enterprise client), against both of its thresholds.
            assertThat(r.out().lines().filter(l -> l.startsWith("log, 30 days")))
                    .hasSize(2)
                    .allSatisfy(l -> assertThat(l).contains("55c92734-d682-4d71-983e-d6ec3f16059f", " 1 ", "NO"));
            assertThat(r.out().lines().filter(l -> l.startsWith("pc-a.contoso.com")))
                    .singleElement()
                    .asString()
                    .contains("aaaaaaaa-0000-4000-8000-000000000001", "oob-grace", "2026-11-28T09:00:00Z");
            assertThat(r.out())
                    .contains(
                            "service: port 1700, DNS publishing off",
                            "intervals: activation 60 min, renewal 10080 min",
                            "host key: XXXXX-XXXXX-XXXXX-XXXXX-7QX4K",
                            "host key: XXXXX-XXXXX-XXXXX-XXXXX-RC2WM",
                            "requests to 55c92734-d682-4d71-983e-d6ec3f16059f: total 40," + " failed 1");

            AgentFixture.Result json = AgentFixture.ctlOn(daemon, "read-0123456789abcdef", "host", "--json");
            assertThat(json.exit()).as(json.err()).isZero();
            JsonObject service =
                    new JsonObject(json.out()).getJsonObject("watchedHost").getJsonObject("service");
            assertThat(service.getInteger("listeningPort")).isEqualTo(1700);
            assertThat(service.getJsonArray("hostKeys")).hasSize(2);
        }
    }
}
