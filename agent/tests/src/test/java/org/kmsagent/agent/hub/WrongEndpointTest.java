package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.daemon.AgentFixture;

/**
 * ctl pointed at the wrong kind of endpoint, or with the wrong kind of token, is told so and what to use: an agent
 * is not a hub, an agent's credential is not an operator's token, a hub publishes no agent events to watch, and
 * reading the audit is no change.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WrongEndpointTest {
    @TempDir
    Path dir;

    @Test
    void watchingAHubFailsAtOnceSayingItIsAHubAndWhereToWatch() throws Exception {
        try (LocalHub hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC());
                HubAgents agents = new HubAgents(hub, dir)) {
            CliRun run = agents.ctl(LocalHub.READ_TOKEN, "watch");

            // The hub answered (404: not here), which is no failure to connect or to be authorised (exit 3).
            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(run.err())
                    .contains(hub.at() + " error: this is fleet hub hub-local, not an agent")
                    .contains("(code 404)")
                    .contains("ctl --agent AGENT_HOST:PORT watch");
        }
    }

    @Test
    void anAgentsCredentialAskingTheFleetIsToldItIsNoOperatorToken() throws Exception {
        try (LocalHub hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC());
                HubAgents agents = new HubAgents(hub, dir)) {
            CliRun enrolled = agents.ctl(LocalHub.OPS_TOKEN, "fleet", "enroll", "pc-0043");
            assertThat(enrolled.exitCode()).as(enrolled.err()).isZero();

            CliRun run = agents.ctl(enrolled.out().strip(), "fleet");

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err())
                    .contains("this token is agent pc-0043's own credential")
                    .contains("not an operator token")
                    .doesNotContain("is not reachable over the bridge");
        }
    }

    @Test
    void aReadTokenOnTheFleetAuditIsToldReadingItNeedsAdminNotThatChangesDo() throws Exception {
        try (LocalHub hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC());
                HubAgents agents = new HubAgents(hub, dir)) {
            CliRun run = agents.ctl(LocalHub.READ_TOKEN, "fleet", "audit");

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err())
                    .contains("reading the audit (kmsagent.fleet.audit) takes a token with role admin")
                    .doesNotContain("changes need");
        }
    }

    @Test
    void theFleetAskedOfAnAgentSaysItIsAnAgentAndToUseHub() throws Exception {
        try (AgentFixture agent = AgentFixture.start(dir.resolve("data"))) {
            AgentFixture.Result fleet = agent.ctl(AgentFixture.READ_TOKEN, "fleet");
            AgentFixture.Result audit = agent.ctl(AgentFixture.READ_TOKEN, "audit");

            assertThat(fleet.exit()).isEqualTo(3);
            assertThat(fleet.err())
                    .contains("this is an agent, not a fleet hub", "kmsagent.fleet.view", "--hub HOST:PORT");
            assertThat(audit.err())
                    .contains("reading the audit (kmsagent.audit) takes a token with role admin")
                    .doesNotContain("changes need");
        }
    }
}
