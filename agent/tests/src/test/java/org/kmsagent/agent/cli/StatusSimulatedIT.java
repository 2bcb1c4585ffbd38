package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.plugin.PluginJars;

/** {@code kms-agent status} off Windows shows the simulated machine the daemon would drive, and says so. */
class StatusSimulatedIT {

    @Test
    void statusAsJsonShowsTheSimulatedMachinesDefaultEdition() {
        AgentFixture.Result r = AgentFixture.run(
                "--plugins-dir", PluginJars.builtPlugins().toString(), "status", "--licensing", "simulated", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonObject report = new JsonObject(r.out());
        assertThat(report.getString("stack")).isEqualTo("simulated");
        assertThat(report.getString("stackReason")).contains("simulated machine", "nothing on this computer");
        JsonArray families = report.getJsonArray("families");
        assertThat(families).hasSize(8);
        JsonObject windows = families.stream()
                .map(JsonObject.class::cast)
                .filter(f -> f.getString("family").equals("windows-client"))
                .findFirst()
                .orElseThrow();
        JsonObject product = windows.getJsonArray("products").getJsonObject(0);
        assertThat(product.getString("edition")).isEqualTo("Windows 11 Enterprise");
        assertThat(product.getString("partialProductKey")).isEqualTo("2YT43");
        assertThat(product.getString("licenseStatus")).isEqualTo("Initial grace period");
        // What slmgr /dlv shows beside the state, as the simulated machine answers it.
        assertThat(product.getString("clientMachineId")).matches("[0-9a-f-]{36}");
        assertThat(product.getString("extendedPid")).contains("-03-1033-");
        assertThat(product.getBoolean("kmsHostCaching")).isTrue();
        assertThat(product.getString("trustedTime")).isNotBlank();
        assertThat(product.getInteger("remainingRearmCount")).isPositive();
        // The default configuration installs one client edition only: the other families have nothing installed.
        assertThat(families.stream()
                        .map(JsonObject.class::cast)
                        .filter(f -> !f.getString("family").equals("windows-client"))
                        .allMatch(f -> f.getJsonArray("products").isEmpty()))
                .isTrue();
    }

    @Test
    void aMistypedSimulatedEditionIsNamedByStatusAndDoctorAsRunNamesIt(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                dataDir: %s
                simulated:
                  editions: [Windows 11 Enterprize, Windows 11 Enterprise]
                """.formatted(dir.resolve("data")));
        for (String command : List.of("status", "doctor")) {
            AgentFixture.Result r = AgentFixture.run(
                    "--plugins-dir",
                    PluginJars.builtPlugins().toString(),
                    command,
                    "--licensing",
                    "simulated",
                    "--config",
                    config.toString());
            assertThat(r.err())
                    .as(command)
                    .contains("warning: simulated.editions: no loaded family has the edition 'Windows 11 Enterprize';"
                            + " skipped")
                    .doesNotContain("'Windows 11 Enterprise'");
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "on Windows auto chooses Windows' own licensing service")
    void autoOffWindowsChoosesTheSimulatedMachineAndTheTextSaysSo() {
        AgentFixture.Result r =
                AgentFixture.run("--plugins-dir", PluginJars.builtPlugins().toString(), "status");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains(
                        "Licensing stack: simulated",
                        "is not Windows, so the simulated machine",
                        "Windows 11 Enterprise",
                        "Client Machine ID (CMID): ",
                        "Extended PID: ",
                        "KMS host caching: enabled",
                        "Remaining rearm count: ");
    }
}
