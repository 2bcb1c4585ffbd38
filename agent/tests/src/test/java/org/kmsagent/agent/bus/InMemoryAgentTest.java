package org.kmsagent.agent.bus;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** The test double honours the same contract as the real binding, so tests built on it mean something. */
class InMemoryAgentTest extends AgentControlContract {
    @Override
    protected AgentControl newControl() {
        return new InMemoryAgent(Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC));
    }
}
