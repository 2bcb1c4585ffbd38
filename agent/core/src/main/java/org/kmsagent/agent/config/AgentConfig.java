package org.kmsagent.agent.config;

import java.util.Objects;

/**
 * The whole agent configuration, as read from one YAML file (see {@code docs/configuration.md}, which documents every
 * key; {@code ConfigDocTest} keeps the two in step). Every component is an immutable record whose compact constructor
 * fills in the default of a key the file leaves out; range checks happen in {@link ConfigValidator} so that all
 * errors are reported together, each naming its key path.
 *
 * @param pluginsDir directory scanned for product-family plugin jars
 * @param licensing which licensing stack drives activation
 * @param dataDir directory for the agent's own state (renewal state, host ledger, generated TLS material)
 * @param host the KMS host role (an in-process model only; it never listens on a port)
 * @param bridge the TLS TCP event-bus bridge that {@code kms-agent ctl} talks to
 * @param renewal how this machine's products are kept activated
 * @param fleet the hubs this agent reports to, or a hub's cluster settings
 * @param metrics the Prometheus endpoint (agents and hubs)
 * @param dashboard a hub's web dashboard
 * @param simulated the simulated machine the agent drives when the licensing stack is the simulated one
 * @param logging the log of {@code kms-agent run}: level, optional rolling file
 * @param plugins which plugin jars are accepted: the trust store their signatures are checked against
 */
public record AgentConfig(
        String pluginsDir,
        Licensing licensing,
        String dataDir,
        HostRoleConfig host,
        BridgeConfig bridge,
        RenewalConfig renewal,
        FleetConfig fleet,
        MetricsConfig metrics,
        DashboardConfig dashboard,
        SimulatedConfig simulated,
        LoggingConfig logging,
        PluginsConfig plugins) {

    /** {@code pluginsDir} when the configuration names none: {@code plugins/} beside the installation. */
    public static final String DEFAULT_PLUGINS_DIR = "plugins";

    public AgentConfig {
        pluginsDir = Objects.requireNonNullElse(pluginsDir, DEFAULT_PLUGINS_DIR);
        licensing = Objects.requireNonNullElse(licensing, Licensing.AUTO);
        dataDir = Objects.requireNonNullElse(dataDir, "data");
        host = Objects.requireNonNullElseGet(host, () -> new HostRoleConfig(null, null, null, null, null, null, null));
        bridge = Objects.requireNonNullElseGet(bridge, BridgeConfig::defaults);
        renewal = Objects.requireNonNullElseGet(renewal, () -> new RenewalConfig(null, null, null, null, null));
        fleet = Objects.requireNonNullElseGet(fleet, FleetConfig::defaults);
        metrics = Objects.requireNonNullElseGet(metrics, MetricsConfig::defaults);
        dashboard = Objects.requireNonNullElseGet(dashboard, DashboardConfig::defaults);
        simulated = Objects.requireNonNullElseGet(simulated, () -> new SimulatedConfig(null, null));
        logging = Objects.requireNonNullElseGet(logging, LoggingConfig::defaults);
        plugins = Objects.requireNonNullElseGet(plugins, PluginsConfig::defaults);
    }

    /** The keys a hub is started with in code (the benchmarks' hubs); every later key at its default. */
    public AgentConfig(
            String pluginsDir,
            Licensing licensing,
            String dataDir,
            HostRoleConfig host,
            BridgeConfig bridge,
            RenewalConfig renewal,
            FleetConfig fleet) {
        this(pluginsDir, licensing, dataDir, host, bridge, renewal, fleet, null, null, null, null, null);
    }

    /** Every default. */
    public static AgentConfig defaults() {
        return new AgentConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
