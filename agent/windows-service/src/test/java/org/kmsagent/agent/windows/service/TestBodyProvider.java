package org.kmsagent.agent.windows.service;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.kmsagent.agent.windows.eventlog.AgentEvents;

/** The provider test resources declare (META-INF/services); ServiceMainTest scripts what it creates. */
public final class TestBodyProvider implements ServiceBodyProvider {
    static final AtomicReference<List<String>> ARGS = new AtomicReference<>();
    static final AtomicReference<AgentEvents> EVENTS = new AtomicReference<>();
    static final AtomicReference<ServiceBody> BODY = new AtomicReference<>();
    static final AtomicReference<Exception> CREATE_FAILS = new AtomicReference<>();

    @Override
    public ServiceBody create(List<String> args, AgentEvents events) throws Exception {
        ARGS.set(args);
        EVENTS.set(events);
        Exception e = CREATE_FAILS.get();
        if (e != null) {
            throw e;
        }
        return BODY.get();
    }
}
