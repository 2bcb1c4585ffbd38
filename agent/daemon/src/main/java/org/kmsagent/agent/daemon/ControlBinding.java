package org.kmsagent.agent.daemon;

import org.kmsagent.agent.bus.AgentControl;

/**
 * Builds the {@link AgentControl} the bus API serves, from the daemon's context: this is where the renewal loop, the
 * host model and the plugin host are bound (see {@link DaemonWiring}). If the returned object is
 * {@link AutoCloseable}, the daemon closes it at shutdown, after the bridge and before Vert.x.
 */
@FunctionalInterface
public interface ControlBinding {
    AgentControl bind(DaemonContext context) throws Exception;
}
