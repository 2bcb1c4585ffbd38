package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture;

/** Anonymous access, when configured on loopback, gets exactly its role and no more. */
class AnonymousBridgeTest {
    @TempDir
    Path dir;

    @Test
    void anAnonymousReadClientMayQueryButNotChange() throws Exception {
        try (AgentFixture fixture = AgentFixture.start(dir.resolve("data"), "bridge.anonymous=read")) {
            assertThat(fixture.ctl(null, "status").exit()).isZero();
            assertThat(fixture.ctl(null, "activate").exit()).isEqualTo(3);
            assertThat(fixture.agent.changes()).isZero();
            // A wrong token is still refused, not downgraded to anonymous.
            assertThat(fixture.ctl("wrong-0123456789abcdef", "status").exit()).isEqualTo(3);
        }
    }
}
