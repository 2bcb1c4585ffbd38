package org.kmsagent.agent.daemon;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A child process for {@link StateStoreTest}: resumes from the stored state and saves it as fast as it can, each
 * revision moving one product's schedule forward, until it is killed, or has saved as many times as its second
 * argument says (so that a writer whose test died does not write for ever). Arguments: state file, max saves.
 */
public final class StateWriterMain {
    private StateWriterMain() {}

    public static void main(String[] args) throws Exception {
        StateStore store = new StateStore(Path.of(args[0]), Clock.systemUTC());
        int maxSaves = Integer.parseInt(args[1]);
        AgentState state = store.load();
        Instant base = Instant.parse("2026-11-28T00:00:00Z");
        for (int i = 0; i < maxSaves; i++) {
            long r = state.revision();
            state = store.save(state.with(
                            AgentState.key("windows-client", "ae2ee509-1b34-41c0-acb7-6d4650168915"),
                            new ProductSchedule(
                                    base.plus(Duration.ofMinutes(r)), base.plus(Duration.ofDays(180)), base, "0x0 ok"))
                    .with(
                            AgentState.key("office2013", "b322da9c-a2e2-4058-9e4e-f59a6970bd69"),
                            new ProductSchedule(base.plus(Duration.ofMinutes(r)), null, null, null)));
        }
    }
}
