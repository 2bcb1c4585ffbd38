package org.kmsagent.agent.renewal;

/** Receives renewal events, on the scheduler's thread; must not block. */
@FunctionalInterface
public interface RenewalListener {
    void onEvent(RenewalEvent event);
}
