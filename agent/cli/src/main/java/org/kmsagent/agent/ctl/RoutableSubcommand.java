package org.kmsagent.agent.ctl;

/**
 * A ctl command of the agent's own: one request a hub can route to an agent with {@code --target} or {@code
 * --all-agents} ({@link FleetRouting}). Every other command refuses those options before dialling, naming these.
 */
abstract class RoutableSubcommand extends CtlSubcommand {
    @Override
    final boolean routable() {
        return true;
    }
}
