package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.AgentControl;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.ControlBinding;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * The real daemon over a data directory whose files are damaged (docs/operations.md, "Damaged files in the data
 * directory"): each damaged file is named in the banner and moved aside, the agent starts with what it can recover,
 * a part that cannot be recovered is switched off and said so, and this machine's own products are renewed.
 */
class DamagedDataFilesIT {
    private static final String ADMIN = "admin-0123456789abcdef";
    /** A hub that is never there (the outbox is opened all the same), and a fingerprint it would need. */
    private static final String FLEET_HUB = "fleet.hubs=[\"127.0.0.1:1\"]";

    private static final String FLEET_TRUST = "fleet.trust=[\"" + "AB:".repeat(31) + "AB\"]";

    @TempDir
    Path dir;

    private final AtomicReference<AgentControl> control = new AtomicReference<>();

    private AgentDaemon start(Path data, String... sets) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
        licensing: simulated
        host:
          enabled: true
        bridge:
          port: 0
          tokens:
            - {name: ops, token: "${ADMIN_T}", role: admin}
        """);
        List<String> all = new ArrayList<>(List.of("dataDir=" + data, "pluginsDir=" + PluginJars.builtPlugins()));
        all.addAll(List.of(sets));
        AgentConfig config = new ConfigLoader(Map.of("ADMIN_T", ADMIN)).load(Optional.of(file), all);
        ControlBinding production = DaemonWiring.production();
        return AgentDaemon.start(
                config,
                ctx -> {
                    AgentControl c = production.bind(ctx);
                    control.set(c);
                    return c;
                },
                Clock.systemUTC());
    }

    /** A data folder as a first run of the agent leaves it, its products renewed once. */
    private Path afterAFirstRun(String... sets) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        try (AgentDaemon first = start(data, sets)) {
            awaitOwnProductsRenewed();
        }
        return data;
    }

    private void awaitOwnProductsRenewed() {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<ProductView> products = control.get().products();
            return !products.isEmpty() && products.stream().allMatch(p -> p.lastResult() != null);
        });
    }

    /** Sets or clears a file's immutable attribute; false where chattr is missing or the file system lacks it. */
    private static boolean chattr(String change, Path file) throws InterruptedException {
        try {
            return new ProcessBuilder("chattr", change, file.toString())
                            .redirectErrorStream(true)
                            .start()
                            .waitFor()
                    == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Path aside(Path file) throws Exception {
        try (Stream<Path> files = Files.list(file.getParent())) {
            return files.filter(p -> p.getFileName().toString().startsWith(file.getFileName() + ".damaged-"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("nothing moved aside for " + file));
        }
    }

    @Test
    void aGarbageLedgerDamagedTlsKeyAndDamagedOutboxAreMovedAsideAndTheAgentStartsWithEverything() throws Exception {
        // First start: the ledger, the bridge's self-signed pair and the outbox are made.
        Path data = afterAFirstRun(FLEET_HUB, FLEET_TRUST);
        Path ledger = data.resolve("ledger.mv.db");
        Path key = data.resolve("tls").resolve("agent-key.pem");
        Path acked = data.resolve("fleet").resolve("fleet-outbox.acked");
        Path log = data.resolve("fleet").resolve("fleet-outbox.jsonl");
        assertThat(ledger).exists();
        assertThat(key).exists();
        byte[] garbage = "this is not what it was\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(ledger, garbage);
        Files.write(key, garbage);
        Files.writeString(acked, "seven");
        Files.writeString(
                log,
                "{\"seq\":1,\"type\":\"x\",\"at\":\"a\",\"data\":{}}\nnot json\n"
                        + "{\"seq\":2,\"type\":\"x\",\"at\":\"a\",\"data\":{}}\n");

        try (AgentDaemon daemon = start(data, FLEET_HUB, FLEET_TRUST)) {
            List<String> banner = daemon.banner();
            assertThat(banner)
                    .anyMatch(l -> l.contains("cannot open the activation ledger " + ledger + ": damaged (")
                            && !l.contains("the ledger " + ledger)
                            && l.contains("ledger.mv.db.damaged-")
                            && l.contains("starts with an empty ledger"))
                    .anyMatch(l -> l.contains("KMS host role on"))
                    .anyMatch(l -> l.contains("TLS material was damaged")
                            && l.contains("agent-key.pem.damaged-")
                            && l.contains("trust its fingerprint again"))
                    .anyMatch(l -> l.contains("bridge listening"));
            assertThat(Files.readAllBytes(aside(ledger))).isEqualTo(garbage);
            assertThat(Files.readAllBytes(aside(key))).isEqualTo(garbage);
            assertThat(Files.readString(aside(acked))).isEqualTo("seven");
            assertThat(Files.readString(aside(log))).contains("not json");
            assertThat(Files.readString(log)).doesNotContain("not json").contains("\"seq\":2");

            awaitOwnProductsRenewed();
            assertThat(control.get().host().enabled()).isTrue();
            // The bridge answers with its new pair.
            AgentFixture.Result status = AgentFixture.ctlOn(daemon, ADMIN, "status");
            assertThat(status.exit()).as(status.toString()).isZero();
        }
    }

    @Test
    void aLedgerThatCannotBeRecreatedSwitchesOffTheHostRoleOnly() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        // A directory where the ledger file should be: nothing to move aside, nothing can be made in its place.
        Files.createDirectories(data.resolve("ledger.mv.db"));

        try (AgentDaemon daemon = start(data)) {
            assertThat(daemon.banner())
                    .anyMatch(l -> l.startsWith("kms-agent: KMS host role disabled: "))
                    .anyMatch(l -> l.contains("bridge listening"));
            assertThat(control.get().host().enabled()).isFalse();
            awaitOwnProductsRenewed();
        }
    }

    @Test
    void aLedgerThisAccountMayNotWriteIsLeftWhereItIsNotMovedAsideAsDamage() throws Exception {
        Path data = afterAFirstRun();
        Path ledger = data.resolve("ledger.mv.db");
        byte[] before = Files.readAllBytes(ledger);
        // A file the agent's account may not write (a restore done as another user): made so for root too by the
        // immutable attribute, which access(2) honours for every account. Before, H2's "Could not open file" was
        // taken for damage: the intact ledger was moved aside and every pool started again at zero.
        assumeTrue(
                chattr("+i", ledger),
                "chattr +i is not available on this file system: a file no account may write cannot be made here");
        try (AgentDaemon daemon = start(data)) {
            assertThat(daemon.banner())
                    .as(String.join("\n", daemon.banner()))
                    .anyMatch(l -> l.startsWith("kms-agent: KMS host role disabled: cannot open the activation ledger "
                                    + ledger + ": this account (")
                            && l.contains("may not write it"))
                    .noneMatch(l -> l.contains("damaged"))
                    .anyMatch(l -> l.contains("bridge listening"));
            assertThat(control.get().host().enabled()).isFalse();
        } finally {
            chattr("-i", ledger);
        }
        assertThat(Files.readAllBytes(ledger)).isEqualTo(before);
        try (Stream<Path> files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".damaged-"));
        }
    }

    @Test
    void unusableConfiguredTlsFilesAreAConfigurationErrorNotDamage() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path cert = Files.writeString(dir.resolve("agent.crt"), "-----BEGIN CERTIFICATE-----\ngarbage\n");
        Path key = Files.writeString(dir.resolve("agent.key"), "garbage");

        // The administrator's files: the configuration is refused naming them where they were written (run exits 2),
        // as for a missing file.
        assertThatThrownBy(() -> start(data, "bridge.tls.certFile=" + cert, "bridge.tls.keyFile=" + key))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors())
                        .anyMatch(l -> l.startsWith("--set bridge.tls.certFile: ") && l.contains(cert.toString()))
                        .anyMatch(l -> l.startsWith("--set bridge.tls.keyFile: ") && l.contains(key.toString())));
        // Reported, left where they are; the data folder is free for the next start.
        assertThat(cert).exists();
        assertThat(key).exists();
        try (AgentDaemon daemon = start(data)) {
            assertThat(daemon.bridgePort()).isPositive();
        }
    }

    @Test
    void aTruncatedLedgerAndATruncatedCertificateDoNotStopTheAgent() throws Exception {
        Path data = afterAFirstRun();
        LiveFixture.seedLedger(data, 30);
        Path ledger = data.resolve("ledger.mv.db");
        Path cert = data.resolve("tls").resolve("agent-cert.pem");
        truncate(ledger, Files.size(ledger) / 2);
        truncate(cert, Files.size(cert) / 2);

        try (AgentDaemon daemon = start(data)) {
            List<String> banner = daemon.banner();
            // H2 either recovers an older state of the truncated file (the host role runs on it) or refuses it (moved
            // aside, a new ledger): in both cases the host role is on.
            assertThat(banner)
                    .as(String.join("\n", banner))
                    .anyMatch(l -> l.contains("KMS host role on"))
                    .anyMatch(l -> l.contains("TLS material was damaged") && l.contains("agent-cert.pem.damaged-"))
                    .anyMatch(l -> l.contains("bridge listening"));
            if (banner.stream().anyMatch(l -> l.contains("activation ledger " + ledger + ": damaged"))) {
                assertThat(aside(ledger)).exists();
            }
            assertThat(aside(cert)).exists();
            awaitOwnProductsRenewed();
            assertThat(control.get().host().enabled()).isTrue();
        }
    }

    @Test
    void aSimulatedMachinesProductEditedIntoSomethingMalformedIsInstalledAfreshNotAStopAtEveryStart() throws Exception {
        String editions =
                "simulated.editions=[Windows 11 Enterprise, Office Professional Plus 2016, Visio Professional 2016]";
        Path data = afterAFirstRun(editions);
        // Hand-edited: a key that is no product key, a KMS host that is no address, a record without its SKU id.
        Path state = data.resolve("state.json");
        JsonObject saved = new JsonObject(Files.readString(state));
        JsonArray products = saved.getJsonObject("machine").getJsonArray("products");
        assertThat(products.size()).as("the simulated machine's products").isGreaterThanOrEqualTo(3);
        products.getJsonObject(0).put("key", "NOT-A-KEY");
        products.getJsonObject(1).put("kms", "kms01:99999");
        products.getJsonObject(2).remove("skuId");
        Files.writeString(state, saved.encodePrettily());

        // It stopped the agent at start ("malformed product key"), naming no file, at every restart.
        try (AgentDaemon daemon = start(data, editions)) {
            awaitOwnProductsRenewed();
            assertThat(control.get().products()).hasSize(3);
        }
    }

    @Test
    void aDamagedStateFileSaysTheSimulatedMachineIsANewOne() throws Exception {
        Path data = afterAFirstRun();
        Path state = data.resolve("state.json");
        String cmid =
                new JsonObject(Files.readString(state)).getJsonObject("machine").getString("cmid");
        Files.writeString(state, "{\"machine\": {\"name\": ");

        try (AgentDaemon daemon = start(data)) {
            List<String> banner = daemon.banner();
            assertThat(banner)
                    .as(String.join("\n", banner))
                    .anyMatch(l -> l.contains("state file " + state + " is damaged"))
                    .anyMatch(l -> l.contains("the simulated machine is a new one")
                            && l.contains("the one stored in state.json was in the damaged file"))
                    .noneMatch(l -> l.contains(cmid));
        }
        try (AgentDaemon again = start(data)) {
            assertThat(again.banner())
                    .as("said once: the next start finds the new machine stored")
                    .noneMatch(l -> l.contains("the simulated machine is a new one"));
        }
    }

    private static void truncate(Path file, long size) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }
}
