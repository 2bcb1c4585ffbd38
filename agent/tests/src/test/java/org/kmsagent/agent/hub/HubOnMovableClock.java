package org.kmsagent.agent.hub;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.testsupport.MovableClock;

/**
 * The set-up of the hub's tests that move its clock by hand: before each test a {@link LocalHub} in {@code dir/hub}
 * on {@link #clock}, with {@link #agents} to connect to it and run ctl against it; after it, both closed.
 */
abstract class HubOnMovableClock {
    @TempDir
    Path dir;

    final MovableClock clock;
    LocalHub hub;
    HubAgents agents;

    /** A hub whose clock reads {@code start} until the test moves it. */
    HubOnMovableClock(Instant start) {
        clock = new MovableClock(start);
    }

    @BeforeEach
    void startHub() throws Exception {
        hub = new LocalHub(dir.resolve("hub"), clock);
        agents = new HubAgents(hub, dir);
    }

    @AfterEach
    void stopHub() throws Exception {
        agents.close();
        hub.close();
    }
}
