package org.kmsagent.agent.link;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.audit.AuditRecord;
import org.kmsagent.agent.bus.audit.AuditTrail;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.fleet.AgentDescription;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code kms-agent run} starts when {@code fleet.hubs} is set: a {@link FleetLink} whose commands go to the
 * agent's own control API, whose registration snapshot is the agent's products and host model, and whose outbox
 * receives every event the agent publishes on {@link BusAddresses#EVENTS}.
 */
public final class FleetAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetAgent.class);
    private final FleetLink link;
    private final MessageConsumer<Object> events;
    private final Outbox outbox;

    private FleetAgent(FleetLink link, MessageConsumer<Object> events, Outbox outbox) {
        this.link = link;
        this.events = events;
        this.outbox = outbox;
    }

    /** Starts the link (it dials out in the background). */
    public static FleetAgent start(Vertx vertx, AgentConfig config, Path dataDir, Clock clock) {
        FleetAgent agent = listen(vertx, config, dataDir, clock);
        agent.dial();
        return agent;
    }

    /**
     * Puts every event the agent publishes from now on into the outbox, without dialling yet: the daemon calls it
     * before its renewal loops start, so that their first attempts reach the hubs too (they were lost when the link
     * only subscribed after the agent had started). {@link #dial()} once the control API answers (the registration
     * snapshot is read from it).
     */
    public static FleetAgent listen(Vertx vertx, AgentConfig config, Path dataDir, Clock clock) {
        return listen(vertx, config, dataDir, clock, AuditTrail.NONE);
    }

    /** {@link #listen(Vertx, AgentConfig, Path, Clock)}, recording the changes hubs route here in the audit trail. */
    public static FleetAgent listen(Vertx vertx, AgentConfig config, Path dataDir, Clock clock, AuditTrail audit) {
        FleetConfig f = config.fleet();
        String hostName = hostName();
        String agentId = agentId(f, hostName);
        AgentDescription me = new AgentDescription(
                agentId, hostName, osClass(), List.of(), Map.of("agent", version()), List.of(), f.heartbeatSeconds());
        Outbox outbox = new Outbox(dataDir.resolve("fleet"), agentId, clock);
        outbox.problems().forEach(p -> LOG.warn("{}", p));
        long timeout = config.bridge().requestTimeoutSeconds() * 1000L;
        AtomicReference<FleetLink> self = new AtomicReference<>();
        CommandHandler commands = new AuditedCommands(
                new LocalBusCommands(vertx, timeout),
                audit,
                () -> self.get() == null ? null : self.get().hub().orElse(null));
        FleetLink link = new FleetLink(
                vertx, FleetLink.Settings.of(f), me, outbox, commands, () -> snapshot(vertx, timeout), clock);
        self.set(link);
        StateRefresh refresh = new StateRefresh(vertx, link, timeout);
        MessageConsumer<Object> events = vertx.eventBus().consumer(BusAddresses.EVENTS, m -> {
            if (m.body() instanceof JsonObject e) {
                link.publish(e.getString("type", "event"), e.getValue("data"));
                refresh.soon();
            }
        });
        try {
            events.completion().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fleet: cannot listen to the agent's events", e);
        }
        return new FleetAgent(link, events, outbox);
    }

    /** Starts dialling out to the hubs (in the background). */
    public void dial() {
        link.start();
    }

    /**
     * The agent's id: {@code fleet.agentId}, else the one its enrolled credential ({@code kma1.<id>.<secret>}) names,
     * else the host name made safe. A credential for another id is refused here, before any hub sees it.
     */
    static String agentId(FleetConfig f, String hostName) {
        f.tokenOfAnotherAgent().ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        if (f.agentId() != null) {
            return f.agentId();
        }
        return FleetConfig.enrolledAgentId(f.token()).orElseGet(() -> hostName.replaceAll("[^A-Za-z0-9._-]", "-"));
    }

    /**
     * Sends an audit record to the hubs through the durable outbox, so that records made while no hub is reachable
     * arrive once one is.
     */
    public void forward(AuditRecord record) {
        link.publish(FleetAddresses.EVENT_AUDIT, record.toJson())
                .onFailure(
                        t -> LOG.warn("fleet: an audit record could not be queued for the hubs: {}", t.getMessage()));
    }

    /** The link, for status. */
    public FleetLink link() {
        return link;
    }

    /**
     * After events, sends the agent's products and host model again (at most once per {@link #REFRESH_MS}), so the
     * fleet view shows states as they are now, not as they were at registration. They travel through the outbox
     * like any event; hubs keep them as state, not as history.
     */
    private static final class StateRefresh {
        private final Vertx vertx;
        private final FleetLink link;
        private final long timeoutMs;
        private boolean scheduled;

        StateRefresh(Vertx vertx, FleetLink link, long timeoutMs) {
            this.vertx = vertx;
            this.link = link;
            this.timeoutMs = timeoutMs;
        }

        /** Called on the event loop of the events consumer. */
        void soon() {
            if (scheduled) {
                return;
            }
            scheduled = true;
            vertx.setTimer(REFRESH_MS, t -> {
                scheduled = false;
                LocalBusCommands local = new LocalBusCommands(vertx, timeoutMs);
                local.handle(BusAddresses.STATUS, new JsonObject())
                        .onSuccess(status -> link.publish(
                                FleetAddresses.EVENT_PRODUCTS,
                                new JsonObject()
                                        .put("products", status.getJsonArray("products", new JsonArray()))
                                        // A machine's first product brings its first CMID (fleet duplicates).
                                        .put("cmids", status.getJsonArray("cmids", new JsonArray()))));
                local.handle(BusAddresses.HOST_STATUS, new JsonObject())
                        .onSuccess(host -> link.publish(FleetAddresses.EVENT_HOST, host));
                local.handle(BusAddresses.HOST_WATCHED, new JsonObject()).onSuccess(watched -> {
                    if (watched.getBoolean("watching", false)) {
                        link.publish(FleetAddresses.EVENT_WATCHED_HOST, watched);
                    }
                });
            });
        }
    }

    /** How long state refreshes wait after an event, so that a burst of events sends one. */
    static final long REFRESH_MS = 2_000;

    /** The agent's products, host model and plugins from its own control API; what fails is left out. */
    static Future<JsonObject> snapshot(Vertx vertx, long timeoutMs) {
        LocalBusCommands local = new LocalBusCommands(vertx, timeoutMs);
        Future<JsonObject> status = local.handle(BusAddresses.STATUS, new JsonObject());
        Future<JsonObject> host = local.handle(BusAddresses.HOST_STATUS, new JsonObject());
        Future<JsonObject> plugins = local.handle(BusAddresses.PLUGINS_LIST, new JsonObject());
        Future<JsonObject> watched = local.handle(BusAddresses.HOST_WATCHED, new JsonObject());
        return Future.join(status, host, plugins, watched).transform(x -> {
            JsonObject snap = new JsonObject();
            if (status.succeeded()) {
                JsonArray products = status.result().getJsonArray("products", new JsonArray());
                snap.put("products", products);
                // The hubs find clones by these (fleet duplicates).
                snap.put("cmids", status.result().getJsonArray("cmids", new JsonArray()));
                Set<String> families = new LinkedHashSet<>();
                products.forEach(p -> families.add(((JsonObject) p).getString("family")));
                snap.put("families", new JsonArray(List.copyOf(families)));
                // What the machine's Windows edition says (a simulated server on Linux, a server family of any
                // plugin) over the operating system's name the registration began with.
                String os = status.result().getString("osClass");
                if (os != null) {
                    snap.put("osClass", os);
                }
            }
            if (host.succeeded()) {
                snap.put("host", host.result());
            }
            if (watched.succeeded() && watched.result().getBoolean("watching", false)) {
                snap.put("watchedHost", watched.result());
            }
            if (plugins.succeeded()) {
                JsonObject versions = new JsonObject().put("agent", version());
                plugins.result().getJsonArray("plugins", new JsonArray()).forEach(o -> {
                    JsonObject p = (JsonObject) o;
                    versions.put(p.getString("id"), p.getString("version"));
                });
                snap.put("versions", versions);
            }
            return Future.succeededFuture(snap);
        });
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("COMPUTERNAME", "unknown-host");
        }
    }

    private static String osClass() {
        return System.getProperty("os.name", "").contains("Server") ? "server" : "client";
    }

    private static String version() {
        String v = FleetAgent.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @Override
    public void close() {
        events.unregister();
        try {
            link.stop().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Stopping only closes a socket; the outbox keeps whatever was not delivered.
        }
        outbox.close();
    }
}
