package org.kmsagent.agent.fleet;

import java.util.List;

/**
 * The fleet's event-bus addresses, in one place. Agent-facing ones are served by the hub an agent is connected to
 * (local consumers), query ones by any hub (the fleet view is cluster-wide). Schemas are in {@code docs/fleet.md}.
 */
public final class FleetAddresses {
    private FleetAddresses() {}

    /** Prefix of every fleet address. */
    public static final String PREFIX = "kmsagent.fleet.";

    // --- agent to hub (need an agent token) ---
    /** An agent says who it is: {@code {agentId, hostName, osClass, families, versions, cmids}}. */
    public static final String REGISTER = "kmsagent.fleet.register";
    /** An agent is alive: {@code {agentId}}. */
    public static final String HEARTBEAT = "kmsagent.fleet.heartbeat";
    /** An agent delivers outbox events in order: {@code {agentId, events:[{seq, type, at, data}]}}. */
    public static final String EVENTS = "kmsagent.fleet.events";
    /**
     * The largest event on {@link #EVENTS}, its JSON in UTF-8: an agent refuses to publish a larger one (its outbox
     * writes none, and a batch always holds at least one whole event), and a hub refuses a batch that carries one, so
     * that a misbehaving agent cannot fill every hub's history with events the size of a frame.
     */
    public static final int MAX_EVENT_BYTES = 16 * 1024;
    /** Prefix of the per-request addresses agents answer routed commands on. */
    public static final String REPLY_PREFIX = "kmsagent.fleet.reply.";

    // --- event types an agent sends that are state, not history ---
    /** Event type carrying the agent's current products ({@code {products: [...]}}). */
    public static final String EVENT_PRODUCTS = "products";
    /** Event type carrying the agent's KMS host model ({@code HostView}). */
    public static final String EVENT_HOST = "host";
    /** Event type carrying the genuine KMS host the agent watches ({@code GenuineHostView}, host.mode: watch). */
    public static final String EVENT_WATCHED_HOST = "watched-host";
    /**
     * Event type carrying one of the agent's audit records ({@code AuditRecord} as JSON); hubs keep these apart from
     * the activation history, for {@link #AUDIT}.
     */
    public static final String EVENT_AUDIT = "audit";

    // --- hub to agent (agents register on these over the bridge) ---
    /** Prefix of one agent's command address: {@code kmsagent.fleet.agent.<agentId>}. */
    public static final String AGENT_PREFIX = "kmsagent.fleet.agent.";
    /** Every agent listens here for commands routed to all. */
    public static final String ALL_AGENTS = "kmsagent.fleet.agents";

    /**
     * Hub-internal (clustered, one registration per hub; the bridge never lets a client send or register here): a
     * command one hub routes to agents connected to the others, {@code {from, command, targets?}}; each hub publishes
     * it locally to its own agents' addresses ({@link #ALL_AGENTS} when {@code targets} is absent).
     */
    public static final String DELIVER = "kmsagent.fleet.deliver";

    // --- ctl to hub ---
    /** Every agent with its products and state. */
    public static final String VIEW = "kmsagent.fleet.view";
    /** Machines whose activation runs out within {@code days}. */
    public static final String EXPIRING = "kmsagent.fleet.expiring";
    /** Every KMS host's pools against their thresholds, with forecasts. */
    public static final String POOLS = "kmsagent.fleet.pools";
    /** Every watched genuine KMS host: its counts against each threshold, clients seen, clones, missing agents. */
    public static final String HOSTS = "kmsagent.fleet.hosts";
    /** Every client the watched hosts logged, joined with the agents: {@code {unmanaged?}}. */
    public static final String CLIENTS = "kmsagent.fleet.clients";
    /** Machines sharing one CMID. */
    public static final String DUPLICATES = "kmsagent.fleet.duplicates";
    /** One machine's activation history: {@code {target}}. */
    public static final String HISTORY = "kmsagent.fleet.history";
    /** A control-API query routed to one agent or all: {@code {address, body, target?, deadlineMs?}}. */
    public static final String ROUTE_QUERY = "kmsagent.fleet.route.query";
    /** A control-API change routed to one agent or all (admin only). */
    public static final String ROUTE_CHANGE = "kmsagent.fleet.route.change";

    /**
     * The audit (admin only, itself audited): {@code {agent?, since?, limit?}} → {@code {records: [...], skipped}},
     * oldest first; each record names its {@code origin}: this hub ({@code hub:<name>}) or the agent that forwarded it.
     */
    public static final String AUDIT = "kmsagent.fleet.audit";

    /** Issues an agent its own credential (admin only): {@code {agentId}} → {@code {agentId, token}}, shown once. */
    public static final String ENROLL = "kmsagent.fleet.enroll";
    /** Revokes an agent's credential (admin only): {@code {agentId}}; the agent is disconnected and refused. */
    public static final String REVOKE = "kmsagent.fleet.revoke";
    /**
     * Forgets an agent that is not connected (admin only): {@code {agentId}} → {@code {agentId, forgotten}}; its record,
     * history and forwarded audit records leave every hub (a retired machine, whose lapsed products and missed
     * heartbeats would otherwise stay in the views and the alerts for good). Its credential is revoked apart.
     */
    public static final String FORGET = "kmsagent.fleet.forget";
    /** Published (clustered, hub-internal) when an agent's credential changed: {@code {agentId}}. */
    public static final String CREDENTIALS_CHANGED = "kmsagent.fleet.credentials.changed";

    /**
     * Published (clustered) by the hub that applied them: every event an agent delivered, once, as
     * {@code {agentId, hostName, hub, seq, type, at, data}}. Hub-internal (dashboards and metrics); the bridge never
     * lets a client register on it.
     */
    public static final String LIVE = "kmsagent.fleet.live";

    /** What agents send. */
    public static final List<String> AGENT_SENDS = List.of(REGISTER, HEARTBEAT, EVENTS);

    /** Read-only questions a ctl client asks. */
    public static final List<String> QUERIES =
            List.of(VIEW, EXPIRING, POOLS, DUPLICATES, HISTORY, HOSTS, CLIENTS, ROUTE_QUERY);

    /** One agent's command address. */
    public static String agent(String agentId) {
        return AGENT_PREFIX + agentId;
    }
}
