package org.kmsagent.agent.hub;

import java.time.Instant;
import org.kmsagent.agent.testsupport.MovableClock;

/**
 * The set-up of the hub's tests that move its clock by hand: a {@link HubOnClock} on {@link #clock}.
 */
abstract class HubOnMovableClock extends HubOnClock {
    final MovableClock clock;

    /** A hub whose clock reads {@code start} until the test moves it. */
    HubOnMovableClock(Instant start) {
        this(new MovableClock(start));
    }

    private HubOnMovableClock(MovableClock clock) {
        super(clock);
        this.clock = clock;
    }
}
