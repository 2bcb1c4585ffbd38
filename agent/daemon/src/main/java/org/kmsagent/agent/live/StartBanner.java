package org.kmsagent.agent.live;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines the daemon's parts have to say at start (which licensing stack and why, what was resumed, what was moved
 * aside), in the order the parts start. Never a secret. Written on the machine thread, read after start.
 */
final class StartBanner {
    private final List<String> lines = new ArrayList<>();

    @Inject
    StartBanner() {}

    synchronized void add(String line) {
        lines.add(line);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
