package org.kmsagent.agent.live;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.AgentControl;
import org.kmsagent.agent.bus.AgentControlContract;

/** The daemon's real binding keeps the control API's contract, over the four real plugins and a simulated machine. */
class LiveAgentContractIT extends AgentControlContract {
    @TempDir
    Path dir;

    private LiveFixture fixture;

    @Override
    protected AgentControl newControl() throws Exception {
        fixture = LiveFixture.start(dir.resolve("data"), "host.enabled=true");
        // The loops' first attempts run at start; the contract compares states around a refused call, so let them end.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> fixture.agent.products().stream().allMatch(p -> p.lastResult() != null));
        return fixture.agent;
    }

    @AfterEach
    void stop() {
        fixture.close();
    }
}
