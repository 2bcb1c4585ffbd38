package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture.Result;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * {@code doctor} on the simulated machine looks for the KMS host where the running agent's simulated machine does: in
 * its own domain, {@code kms-agent.simulated}, where the agent's host role publishes itself; it does not say the
 * machine has no domain.
 */
class DoctorSimulatedDomainIT {
    @TempDir
    Path dir;

    private Result doctor(String host) throws Exception {
        return SimulatedDoctor.run(dir, PluginJars.builtPlugins(), host);
    }

    @Test
    void withTheHostRoleOnTheSimulatedDomainHoldsTheAgentsOwnRecord() throws Exception {
        Result r = doctor("  enabled: true\n  port: 1688");
        assertThat(r.out())
                .as(r.toString())
                .doesNotContain("neither a lookup domain is set")
                .contains("DNS discovery in kms-agent.simulated (the simulated machine's domain)")
                .containsPattern("OK   kms-srv +_vlmcs\\._tcp\\.kms-agent\\.simulated: SRV .*1688");
    }

    @Test
    void withTheHostRoleOffItNamesTheMissingRecordAsRunDoes() throws Exception {
        Result r = doctor("  enabled: false");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .as(r.toString())
                .contains("FAIL kms-srv            _vlmcs._tcp.kms-agent.simulated: no _vlmcs._tcp record in"
                        + " kms-agent.simulated: the agent's KMS host role is off (host.enabled=false)")
                .contains("fix: turn the host role on (host.enabled: true, host.publishDns: true)");
    }
}
