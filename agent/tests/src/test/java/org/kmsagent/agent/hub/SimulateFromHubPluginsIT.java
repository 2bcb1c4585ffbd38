package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.agent.testsupport.OpenFiles;

/**
 * {@code simulate --from-hub} on the real command line with the plugins of a folder: simulate and the
 * {@code ctl fleet snapshot} it runs share one load of them, which makes the PCs without an agent machines of the
 * scenario (docs/simulate.md, {@code --from-hub}) as {@code ctl --plugins-dir DIR fleet snapshot} does for a file, and
 * is let go of when the command is done.
 */
class SimulateFromHubPluginsIT {

    @TempDir
    Path dir;

    private LocalHub hub;
    private HubAgents agents;

    @BeforeEach
    void start() throws Exception {
        hub = new LocalHub(dir.resolve("hub"), Clock.fixed(WhatIfFleet.NOW, ZoneOffset.UTC));
        agents = new HubAgents(hub, dir);
        WhatIfFleet.connect(agents);
    }

    @AfterEach
    void stop() throws Exception {
        agents.close();
        hub.close();
    }

    @Test
    void fromHubGivesWhatASnapshotFileTakenWithThePluginsGivesAndLetsGoOfThem() throws Exception {
        Assumptions.assumeTrue(OpenFiles.listed(), "lists its open files");
        Path plugins = dir.resolve("plugins");
        PluginJars.copyBuilt(plugins, "windows-client", "windows-server");
        Path token = Files.writeString(dir.resolve("read.token"), LocalHub.READ_TOKEN);
        Path file = dir.resolve("fleet.json");
        CliRun snapshot = CliRun.of(
                "--plugins-dir",
                plugins.toString(),
                "ctl",
                "--hub",
                hub.at(),
                "--trust",
                hub.fingerprint,
                "--token-file",
                token.toString(),
                "fleet",
                "snapshot",
                "--out",
                file.toString());
        assertThat(snapshot.exitCode()).as(snapshot.err()).isZero();
        // The 22 PCs without an agent are named by the editions of these plugins: 6 servers and 22 PCs.
        assertThat(snapshot.out()).contains("28 machine(s)");

        CliRun live = CliRun.of(
                "--plugins-dir",
                plugins.toString(),
                "simulate",
                "--from-hub",
                hub.at(),
                "--trust",
                hub.fingerprint,
                "--token-file",
                token.toString(),
                "--outage",
                "0+40");
        CliRun fromFile = CliRun.of(
                "--plugins-dir", plugins.toString(), "simulate", "--snapshot", file.toString(), "--outage", "0+40");

        assertThat(live.exitCode()).as(live.err()).isZero();
        assertThat(live.err()).doesNotContain("warning");
        // The 22 PCs the plugins name bring the pool back to its clients' threshold once the host is back.
        assertThat(live.out()).contains("back at threshold 25").isEqualTo(fromFile.out());
        assertThat(OpenFiles.under(plugins)).isEmpty();
    }
}
