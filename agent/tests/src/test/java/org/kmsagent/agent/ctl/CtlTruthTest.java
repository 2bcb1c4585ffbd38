package org.kmsagent.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;

/** What ctl tells an administrator: --json wherever it is typed, and how to get past a refusal. */
class CtlTruthTest {
    @TempDir
    static Path dir;

    static AgentFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = AgentFixture.start(dir.resolve("data"));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void jsonIsAcceptedAfterTheSubcommandAsWellAsBefore() {
        Result after = fixture.ctl(AgentFixture.READ_TOKEN, "status", "--json");
        assertThat(after.exit()).as(after.toString()).isZero();
        Result before = fixture.ctl(AgentFixture.READ_TOKEN, "--json", "status");
        assertThat(new JsonObject(after.out())).isEqualTo(new JsonObject(before.out()));
        Result host = fixture.ctl(AgentFixture.READ_TOKEN, "host", "--json");
        assertThat(host.exit()).as(host.toString()).isZero();
        assertThat(new JsonObject(host.out()).getJsonArray("pools")).isNotEmpty();
    }

    @Test
    void aMissingTokenIsRefusedWithHowToPassOne() {
        Result r = fixture.ctl(null, "status");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("--token-file", "KMSAGENT_TOKEN");
    }

    @Test
    void aReadTokenRefusedAChangeIsToldAnAdminTokenIsNeeded() {
        Result r = fixture.ctl(AgentFixture.READ_TOKEN, "activate");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("admin");
    }
}
