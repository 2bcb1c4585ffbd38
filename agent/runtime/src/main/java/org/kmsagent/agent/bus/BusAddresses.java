package org.kmsagent.agent.bus;

import java.util.List;

/**
 * Every event-bus address of the agent's control API, in one place. Request and reply schemas and failure codes are
 * in {@code docs/event-bus.md}. {@link #QUERIES} only read; {@link #CHANGES} alter the machine or the agent and need
 * the {@code admin} role over the bridge.
 */
public final class BusAddresses {
    private BusAddresses() {}

    /** This machine's products: edition, key (last five), licence status, KMS endpoint, validity, next attempt. */
    public static final String STATUS = "kmsagent.status";
    /** The KMS host model: count per pool against each threshold class, ledger entries. */
    public static final String HOST_STATUS = "kmsagent.host.status";
    /**
     * The genuine Windows KMS host this agent watches (host.mode: watch): the service's counters and the clients its
     * event log named; {@code {watching:false}} otherwise.
     */
    public static final String HOST_WATCHED = "kmsagent.host.watched";
    /** The host role's settings (intervals, advertised port, DNS publishing). */
    public static final String HOST_SETTINGS_GET = "kmsagent.host.settings.get";
    /** Loaded plugins with their state. */
    public static final String PLUGINS_LIST = "kmsagent.plugins.list";

    /** Activate now, one family or all. */
    public static final String ACTIVATE = "kmsagent.activate";
    /** Install the GVLK matching the installed edition, or a given key. */
    public static final String INSTALL_GVLK = "kmsagent.install-gvlk";
    /** Pin a KMS host, or switch to DNS discovery. */
    public static final String KMS_SET = "kmsagent.kms.set";
    /** Forget the KMS endpoint (back to discovery in the machine's domain). */
    public static final String KMS_CLEAR = "kmsagent.kms.clear";
    /** Change host settings (a partial object). */
    public static final String HOST_SETTINGS_SET = "kmsagent.host.settings.set";
    /** Load one plugin jar. */
    public static final String PLUGINS_LOAD = "kmsagent.plugins.load";
    /** Unload one plugin. */
    public static final String PLUGINS_UNLOAD = "kmsagent.plugins.unload";
    /** Rescan the plugins directory. */
    public static final String PLUGINS_RESCAN = "kmsagent.plugins.rescan";

    /**
     * The audit log ({@code {since?, limit?}} → {@code {records, skipped}}): admin tokens only, and itself audited.
     * Neither a query nor a change: the bridge grants it through {@code bus.bridge.AuditRoutes}.
     */
    public static final String AUDIT = "kmsagent.audit";

    /** Topic: every activation result and state change is published here. */
    public static final String EVENTS = "kmsagent.events";

    /** Addresses that only read. */
    public static final List<String> QUERIES =
            List.of(STATUS, HOST_STATUS, HOST_WATCHED, HOST_SETTINGS_GET, PLUGINS_LIST);

    /** Addresses that change something. */
    public static final List<String> CHANGES = List.of(
            ACTIVATE,
            INSTALL_GVLK,
            KMS_SET,
            KMS_CLEAR,
            HOST_SETTINGS_SET,
            PLUGINS_LOAD,
            PLUGINS_UNLOAD,
            PLUGINS_RESCAN);
}
