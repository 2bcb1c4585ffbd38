package org.kmsagent.agent.hub;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up the hub's tests share: before each test a {@link LocalHub} in {@code dir/hub} on a clock of the test's,
 * with {@link #agents} to connect to it and run ctl against it; after it, both closed.
 */
abstract class HubOnClock {
    @TempDir
    Path dir;

    private final Clock hubClock;
    LocalHub hub;
    HubAgents agents;

    /** A hub whose clock always reads {@code now}. */
    HubOnClock(Instant now) {
        this(Clock.fixed(now, ZoneOffset.UTC));
    }

    HubOnClock(Clock hubClock) {
        this.hubClock = hubClock;
    }

    @BeforeEach
    void startHub() throws Exception {
        hub = new LocalHub(dir.resolve("hub"), hubClock);
        agents = new HubAgents(hub, dir);
    }

    @AfterEach
    void stopHub() throws Exception {
        agents.close();
        hub.close();
    }
}
