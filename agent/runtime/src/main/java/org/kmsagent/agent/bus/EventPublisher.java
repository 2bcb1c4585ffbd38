package org.kmsagent.agent.bus;

/**
 * Where components announce what happened, for the {@link BusAddresses#EVENTS} topic. Thread-safe; never blocks.
 * The data is a view record (converted to JSON here), never a plugin or domain object.
 */
public interface EventPublisher {

    /** Event types published on the topic; documented in {@code docs/event-bus.md}. */
    String ACTIVATION = "activation";

    String KMS_CHANGED = "kms-changed";
    String KEY_INSTALLED = "key-installed";
    String HOST_SETTINGS_CHANGED = "host-settings-changed";
    String PLUGINS_CHANGED = "plugins-changed";
    String STATE_CHANGED = "state-changed";
    /** A renewal-loop event ({@code RenewalEvent} as JSON: kind, family, product, time, hresult, diagnosis...). */
    String RENEWAL = "renewal";
    /**
     * The watched genuine KMS host's view after its event log brought new requests ({@code GenuineHostView}; the same
     * type as the fleet's state event {@code watched-host}).
     */
    String WATCHED_HOST = "watched-host";

    /** Publishes {@code {"type": type, "at": now, "data": data-as-json}}. */
    void publish(String type, Object data);
}
