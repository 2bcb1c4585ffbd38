package org.kmsagent.agent.windows.service;

import java.util.List;
import org.kmsagent.agent.windows.eventlog.AgentEvents;

/**
 * How {@link ServiceMain} finds the agent: a {@link java.util.ServiceLoader} provider, declared by the module that
 * has the daemon in {@code META-INF/services/org.kmsagent.agent.windows.service.ServiceBodyProvider}.
 */
public interface ServiceBodyProvider {

    /**
     * The body to run. {@code args} are the launcher's arguments (the service's ImagePath after the exe, e.g. the
     * configuration file); {@code events} writes to the agent's Event Log source and is the one the daemon should use
     * for activation, renewal, lapse and MAK events (it stays open until the process ends).
     */
    ServiceBody create(List<String> args, AgentEvents events) throws Exception;
}
