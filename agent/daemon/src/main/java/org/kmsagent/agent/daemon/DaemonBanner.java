package org.kmsagent.agent.daemon;

import java.util.List;

/**
 * A bound control that has something to say at start (which licensing stack and why, what was resumed); the daemon
 * prints these lines after its own. Never a secret.
 */
public interface DaemonBanner {
    List<String> banner();
}
