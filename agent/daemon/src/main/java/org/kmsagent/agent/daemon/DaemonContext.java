package org.kmsagent.agent.daemon;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.config.AgentConfig;

/**
 * What the daemon hands to the components it starts.
 *
 * @param vertx the agent's Vert.x
 * @param config the validated configuration
 * @param dataDir the data directory (created)
 * @param events where to publish activation results and state changes
 * @param state the durable state store (renewal schedules)
 * @param clock the agent's clock (the renewal loops' time)
 */
public record DaemonContext(
        Vertx vertx, AgentConfig config, Path dataDir, EventPublisher events, StateStore state, Clock clock) {}
