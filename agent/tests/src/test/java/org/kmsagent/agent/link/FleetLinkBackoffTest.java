package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.RepeatedTest;

class FleetLinkBackoffTest {
    @RepeatedTest(20)
    void theNextHubIsTriedAtOnceThenEachFailedRoundWaitsTwiceAsLongWithJitterUpToTheMaximum() {
        // Two hubs: failure 1 moves to the other hub at once; failure 2 ends the first round.
        assertThat(FleetLink.backoff(1, 2, 60_000)).isBetween(1L, 50L);
        assertThat(FleetLink.backoff(2, 2, 60_000)).isBetween(125L, 250L);
        assertThat(FleetLink.backoff(4, 2, 60_000)).isBetween(250L, 500L);
        assertThat(FleetLink.backoff(6, 2, 60_000)).isBetween(500L, 1_000L);
        assertThat(FleetLink.backoff(200, 2, 60_000)).isBetween(30_000L, 60_000L);
    }
}
