package org.kmsagent.agent.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.config.HostPort;
import org.kmsagent.agent.core.BoundedInput;
import org.kmsagent.agent.rules.KmsRules;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.ProductKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API on the event bus: one consumer per {@link BusAddresses} address, each checking its request body,
 * calling {@link AgentControl} on a worker thread and replying JSON, or failing with a {@link BusCodes} code. Changes
 * are run one at a time (on a single worker thread), and each successful change is published on
 * {@link BusAddresses#EVENTS}. Roles are
 * not checked here: in-process callers are trusted, and the bridge checks remote ones.
 */
public final class BusApi {
    private static final Logger LOG = LoggerFactory.getLogger(BusApi.class);

    /** What {@code kmsagent.plugins.load} takes (its ".jar" ending is checked apart, quoting the path back). */
    private static final RequestBody.TextForm PLUGIN_JAR = RequestBody.TextForm.described("the path of a plugin .jar");

    private static final RequestBody.TextForm PLUGIN_ID = RequestBody.TextForm.described("a loaded plugin's id");

    private final Vertx vertx;
    private final AgentControl control;
    private final EventPublisher events;
    private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
    /** One thread for every change: changes never interleave, whichever address or event loop they came from. */
    private final WorkerExecutor changes;

    public BusApi(Vertx vertx, AgentControl control, EventPublisher events) {
        this.vertx = vertx;
        this.control = control;
        this.events = events;
        this.changes = vertx.createSharedWorkerExecutor("kmsagent-changes", 1);
    }

    /** Registers every address; completes when all registrations are in place. */
    public Future<Void> register() {
        query(
                BusAddresses.STATUS,
                List.of(),
                b -> new JsonObject()
                        .put("products", BusJson.array(control.products()))
                        .put("cmids", new JsonArray(control.clientMachineIds()))
                        .put("osClass", control.osClass().orElse(null))
                        .put(
                                "licensingCalls",
                                control.licensingCallTimeouts()
                                        .map(BusJson::object)
                                        .orElse(null)));
        query(BusAddresses.HOST_STATUS, List.of(), b -> BusJson.object(control.host()));
        query(
                BusAddresses.HOST_WATCHED,
                List.of(),
                b -> control.watchedHost()
                        .map(v -> BusJson.object(v).put("watching", true))
                        .orElseGet(() -> new JsonObject().put("watching", false)));
        query(BusAddresses.HOST_SETTINGS_GET, List.of(), b -> BusJson.object(control.hostSettings()));
        query(
                BusAddresses.PLUGINS_LIST,
                List.of(),
                b -> new JsonObject()
                        .put("plugins", BusJson.array(control.plugins()))
                        .put("skipped", BusJson.array(control.skippedPluginFiles())));

        change(BusAddresses.ACTIVATE, List.of("family"), b -> {
            var results = control.activate(b.text("family"));
            results.forEach(r -> events.publish(EventPublisher.ACTIVATION, r));
            return new JsonObject().put("results", BusJson.array(results));
        });
        change(BusAddresses.INSTALL_GVLK, List.of("family", "key"), b -> {
            Optional<String> family = b.text("family");
            Optional<ProductKey> key = b.text("key").map(BusApi::key);
            if (key.isPresent() && family.isEmpty()) {
                throw ControlException.badRequest("family: required when a key is given");
            }
            var results = control.installGvlk(family, key);
            results.forEach(r -> events.publish(EventPublisher.KEY_INSTALLED, r));
            return new JsonObject().put("results", BusJson.array(results));
        });
        change(BusAddresses.KMS_SET, List.of("family", "host", "port", "dns", "domain"), b -> {
            Optional<String> family = b.text("family");
            KmsEndpoint endpoint = endpoint(b);
            KmsEndpoint set = control.setKms(family, endpoint);
            JsonObject reply =
                    new JsonObject().put("family", family.orElse(null)).put("kms", set.toString());
            events.publish(EventPublisher.KMS_CHANGED, reply);
            return reply;
        });
        change(BusAddresses.KMS_CLEAR, List.of("family"), b -> {
            Optional<String> family = b.text("family");
            control.clearKms(family);
            JsonObject reply =
                    new JsonObject().put("family", family.orElse(null)).put("kms", (String) null);
            events.publish(EventPublisher.KMS_CHANGED, reply);
            return reply;
        });
        change(
                BusAddresses.HOST_SETTINGS_SET,
                List.of("activationIntervalMinutes", "renewalIntervalMinutes", "port", "publishDns"),
                b -> {
                    HostSettingsView now = control.hostSettings();
                    // The ranges HostSettingsView checks, asked for here so that they are refused in RequestBody's
                    // words (docs/kms-rules.md section 2.1 for the intervals).
                    HostSettingsView wanted = new HostSettingsView(
                            b.integer(
                                            "activationIntervalMinutes",
                                            KmsRules.MIN_INTERVAL_MINUTES,
                                            KmsRules.MAX_INTERVAL_MINUTES)
                                    .orElse(now.activationIntervalMinutes()),
                            b.integer(
                                            "renewalIntervalMinutes",
                                            KmsRules.MIN_INTERVAL_MINUTES,
                                            KmsRules.MAX_INTERVAL_MINUTES)
                                    .orElse(now.renewalIntervalMinutes()),
                            b.integer("port", HostPort.MIN_PORT, HostPort.MAX_PORT)
                                    .orElse(now.port()),
                            b.bool("publishDns").orElse(now.publishDns()));
                    HostSettingsView set = control.updateHostSettings(wanted);
                    events.publish(EventPublisher.HOST_SETTINGS_CHANGED, set);
                    return BusJson.object(set);
                });
        change(BusAddresses.PLUGINS_LOAD, List.of("path"), b -> {
            String path = b.requiredText("path", PLUGIN_JAR);
            if (!path.endsWith(".jar")) {
                throw ControlException.badRequest("path: expected a .jar file, got " + BoundedInput.shownPath(path));
            }
            JsonObject plugin = BusJson.object(control.loadPlugin(Path.of(path)));
            events.publish(EventPublisher.PLUGINS_CHANGED, plugin);
            return plugin;
        });
        change(BusAddresses.PLUGINS_UNLOAD, List.of("id"), b -> {
            String id = b.requiredText("id", PLUGIN_ID);
            control.unloadPlugin(id);
            JsonObject reply = new JsonObject().put("id", id).put("state", "UNLOADED");
            events.publish(EventPublisher.PLUGINS_CHANGED, reply);
            return reply;
        });
        change(BusAddresses.PLUGINS_RESCAN, List.of(), b -> {
            JsonObject reply = new JsonObject()
                    .put("plugins", BusJson.array(control.rescanPlugins()))
                    .put("skipped", BusJson.array(control.skippedPluginFiles()));
            events.publish(EventPublisher.PLUGINS_CHANGED, reply);
            return reply;
        });
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                .mapEmpty();
    }

    /** Unregisters every address. */
    public Future<Void> unregister() {
        return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
                .eventually(changes::close)
                .mapEmpty();
    }

    private void query(String address, List<String> fields, Function<RequestBody, JsonObject> work) {
        consume(address, fields, work, false);
    }

    private void change(String address, List<String> fields, Function<RequestBody, JsonObject> work) {
        consume(address, fields, work, true);
    }

    private void consume(String address, List<String> fields, Function<RequestBody, JsonObject> work, boolean change) {
        consumers.add(vertx.eventBus().consumer(address, (Message<Object> msg) -> {
            RequestBody body;
            try {
                body = RequestBody.of(msg.body(), fields);
            } catch (ControlException e) {
                msg.fail(e.code(), e.getMessage());
                return;
            }
            Callable<JsonObject> call = () -> work.apply(body);
            // Queries run in parallel on the shared worker pool; changes one at a time on their own thread.
            (change ? changes.executeBlocking(call, true) : vertx.executeBlocking(call, false)).onComplete(ar -> {
                if (ar.succeeded()) {
                    msg.reply(ar.result());
                } else {
                    fail(address, msg, ar.cause());
                }
            });
        }));
    }

    private static void fail(String address, Message<Object> msg, Throwable cause) {
        if (cause instanceof ControlException ce) {
            msg.fail(ce.code(), ce.getMessage());
        } else if (cause instanceof IllegalArgumentException) {
            msg.fail(BusCodes.BAD_REQUEST, cause.getMessage());
        } else {
            LOG.error("{} failed", address, cause);
            msg.fail(BusCodes.INTERNAL, "internal error; see the agent's log");
        }
    }

    private static ProductKey key(String text) {
        try {
            return ProductKey.parse(text);
        } catch (IllegalArgumentException e) {
            // The key's own message says what is wrong without repeating the key.
            throw ControlException.badRequest("key: " + e.getMessage());
        }
    }

    private static KmsEndpoint endpoint(RequestBody b) {
        boolean dns = b.bool("dns").orElse(false);
        Optional<String> host = b.text("host");
        Optional<Integer> port = b.integer("port", HostPort.MIN_PORT, HostPort.MAX_PORT);
        Optional<String> domain = b.text("domain");
        if (dns) {
            if (host.isPresent() || port.isPresent()) {
                throw ControlException.badRequest("host: not allowed with dns=true");
            }
            // Checked here, not in ctl alone: every client's domain is stored, and renewals would fail on a bad one.
            domain.flatMap(HostPort::domainProblem).ifPresent(p -> {
                throw ControlException.badRequest(
                        "domain: expected a DNS domain, got '" + BoundedInput.shown(domain.get()) + "' (" + p + ")");
            });
            return domain.map(KmsEndpoint::discovery).orElseGet(KmsEndpoint::discovery);
        }
        if (domain.isPresent()) {
            throw ControlException.badRequest("domain: only with dns=true");
        }
        String h = host.orElseThrow(() -> RequestBody.missing("host", "a KMS host name or address, or dns=true"));
        // The rule ctl and the configuration apply, for every client: "bad!host" was stored for renewals to fail on.
        HostPort.hostProblem(h).ifPresent(p -> {
            throw ControlException.badRequest(
                    "host: expected a host name or address, got '" + BoundedInput.shown(h) + "' (" + p + ")");
        });
        try {
            return KmsEndpoint.host(h, port.orElse(KmsEndpoint.DEFAULT_PORT));
        } catch (IllegalArgumentException e) {
            // The port's range was checked above: what is left to refuse is the host.
            throw ControlException.badRequest("host: " + e.getMessage());
        }
    }
}
