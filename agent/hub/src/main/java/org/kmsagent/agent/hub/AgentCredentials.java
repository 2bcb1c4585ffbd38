package org.kmsagent.agent.hub;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.bus.ControlException;
import org.kmsagent.agent.bus.RequestBody;
import org.kmsagent.agent.bus.bridge.BridgeCaller;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.core.OwnerOnly;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each agent's own credential: {@code ctl fleet enroll AGENT-ID} makes a random token bound to that one agent id and
 * shows it once; hubs keep only its SHA-256 digest. The digests live in the cluster-wide map
 * {@code kmsagent.fleet.credentials} (agent id to {@code {sha256, revoked, at}}), in every hub's memory for the
 * bridge's per-frame check (which must not block), and in each hub's {@code <dataDir>/fleet-credentials.json} so that
 * they outlive the cluster. A revocation is kept as an entry (not a deletion) so that an older copy cannot bring the
 * credential back when hubs restart; the newest entry for an agent id wins.
 *
 * <p>Token format: {@code kma1.<agentId>.<43 base64url characters>} ({@link FleetConfig#enrolledAgentId} reads it);
 * the id in the token only finds the entry, the digest comparison (constant time) decides.
 */
public final class AgentCredentials extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCredentials.class);
    static final String MAP = "kmsagent.fleet.credentials";
    /** Agent ids: the agent's own rule (FleetConfig), so a hub enrols exactly the ids an agent accepts. */
    public static final Pattern AGENT_ID = FleetConfig.AGENT_ID;

    /** An agent id in a request's field, as a refusal describes it. */
    static final RequestBody.TextForm AGENT_ID_FORM =
            new RequestBody.TextForm("an agent id (" + FleetConfig.AGENT_ID_RULE + ")", AGENT_ID.asMatchPredicate());

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Clock clock;
    private final Map<String, JsonObject> local = new ConcurrentHashMap<>();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private AsyncMap<String, JsonObject> shared;
    private volatile Runnable changed = () -> {};

    /**
     * @param file where this hub keeps its copy of the digests (null: memory and cluster only, for tests)
     */
    public AgentCredentials(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /**
     * The agent a token is the live credential of. Called by the bridge on event loops: memory only.
     */
    public Optional<String> agentFor(String token) {
        return FleetConfig.enrolledAgentId(token).filter(id -> {
            JsonObject entry = local.get(id);
            if (entry == null || entry.getBoolean("revoked", false) || entry.getString("sha256") == null) {
                return false;
            }
            byte[] expected = HexFormat.of().parseHex(entry.getString("sha256"));
            return MessageDigest.isEqual(digest(token), expected);
        });
    }

    /** Whether the agent's own credential is revoked, as the cluster holds it (any hub may ask). */
    static Future<Boolean> revoked(Vertx vertx, String agentId) {
        return vertx.sharedData()
                .<String, JsonObject>getAsyncMap(MAP)
                .compose(m -> m.get(agentId))
                .map(entry -> entry != null && entry.getBoolean("revoked", false));
    }

    /** Runs after any credential changed in this hub's memory (the bridge then checks its connections again). */
    public void onChange(Runnable listener) {
        this.changed = listener;
    }

    @Override
    public Future<?> start() {
        Map<String, JsonObject> saved = load();
        return vertx.sharedData()
                .<String, JsonObject>getAsyncMap(MAP)
                .compose(m -> {
                    shared = m;
                    // This hub's saved copy joins the cluster's: the newer entry per agent wins.
                    List<Future<?>> merges = new ArrayList<>();
                    saved.forEach((id, e) -> merges.add(
                            shared.get(id).compose(c -> newer(e, c) ? shared.put(id, e) : Future.succeededFuture())));
                    return Future.all(merges);
                })
                .compose(v -> shared.entries())
                .compose(all -> {
                    local.putAll(all);
                    consumers.add(vertx.eventBus()
                            .<JsonObject>consumer(
                                    FleetAddresses.CREDENTIALS_CHANGED,
                                    m -> refresh(m.body().getString("agentId"))));
                    consumers.add(vertx.eventBus().<Object>localConsumer(FleetAddresses.ENROLL, this::enroll));
                    consumers.add(vertx.eventBus().<Object>localConsumer(FleetAddresses.REVOKE, this::revoke));
                    return Future.all(
                            consumers.stream().map(MessageConsumer::completion).toList());
                })
                .compose(v -> save());
    }

    /** Whether {@code candidate} is a later entry for an agent id than {@code current}: the newest entry wins. */
    static boolean newer(JsonObject candidate, JsonObject current) {
        return current == null
                || Instant.parse(candidate.getString("at")).isAfter(Instant.parse(current.getString("at")));
    }

    private void refresh(String agentId) {
        if (agentId == null) {
            return;
        }
        shared.get(agentId).onSuccess(e -> {
            // This hub's own changes come back here too, already applied and saved: writing the file again raced the
            // next change's save (a half-written .tmp beside the file) and checked every connection once more.
            if (e != null && !e.equals(local.get(agentId))) {
                local.put(agentId, e);
                changed.run();
                save();
            }
        });
    }

    private void enroll(Message<Object> msg) {
        Optional<String> id = agentIdOf(msg);
        if (id.isEmpty()) {
            return;
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = FleetConfig.ENROLLED_TOKEN_PREFIX + id.get() + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        JsonObject entry = new JsonObject()
                .put("sha256", HexFormat.of().formatHex(digest(token)))
                .put("revoked", false)
                .put("at", clock.instant().toString());
        boolean replaced = local.containsKey(id.get()) && !local.get(id.get()).getBoolean("revoked", false);
        change(id.get(), entry)
                .onSuccess(v -> {
                    if (replaced) {
                        // As a revocation is logged: the old credential's connections close now (docs/fleet.md).
                        LOG.warn(
                                "fleet: agent {} revoked by '{}' (enrolled again: a new credential replaces it); its"
                                        + " connections close and the old credential is refused from now on",
                                id.get(),
                                msg.headers().get(BridgeCaller.HEADER_CLIENT));
                    }
                    LOG.info(
                            "fleet: agent {} enrolled by '{}'{}",
                            id.get(),
                            msg.headers().get(BridgeCaller.HEADER_CLIENT),
                            replaced ? " (its previous credential no longer works)" : "");
                    msg.reply(new JsonObject()
                            .put("agentId", id.get())
                            .put("token", token)
                            .put("replaced", replaced));
                })
                .onFailure(t -> msg.fail(BusCodes.INTERNAL, "enrolment failed: " + t.getMessage()));
    }

    private void revoke(Message<Object> msg) {
        Optional<String> id = agentIdOf(msg);
        if (id.isEmpty()) {
            return;
        }
        JsonObject current = local.get(id.get());
        if (current == null || current.getBoolean("revoked", false)) {
            msg.fail(BusCodes.NOT_FOUND, "agentId: " + id.get() + " has no live credential");
            return;
        }
        JsonObject entry =
                new JsonObject().put("revoked", true).put("at", clock.instant().toString());
        change(id.get(), entry)
                .onSuccess(v -> {
                    LOG.warn(
                            "fleet: agent {} revoked by '{}'; its connections close and it is refused from now on",
                            id.get(),
                            msg.headers().get(BridgeCaller.HEADER_CLIENT));
                    msg.reply(new JsonObject().put("agentId", id.get()).put("revoked", true));
                })
                .onFailure(t -> msg.fail(BusCodes.INTERNAL, "revocation failed: " + t.getMessage()));
    }

    private Future<Void> change(String id, JsonObject entry) {
        local.put(id, entry);
        changed.run();
        return shared.put(id, entry).compose(v -> {
            vertx.eventBus().publish(FleetAddresses.CREDENTIALS_CHANGED, new JsonObject().put("agentId", id));
            return save();
        });
    }

    /** The request's {@code agentId}, checked as every fleet request is ({@link RequestBody}); empty once refused. */
    private static Optional<String> agentIdOf(Message<Object> msg) {
        try {
            return Optional.of(RequestBody.of(msg.body(), List.of("agentId")).requiredText("agentId", AGENT_ID_FORM));
        } catch (ControlException e) {
            msg.fail(e.code(), e.getMessage());
            return Optional.empty();
        }
    }

    private Map<String, JsonObject> load() {
        Map<String, JsonObject> out = new HashMap<>();
        if (file == null || !Files.exists(file)) {
            return out;
        }
        try {
            JsonObject all = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
            all.forEach(e -> {
                if (e.getValue() instanceof JsonObject o && o.getString("at") != null) {
                    out.put(e.getKey(), o);
                }
            });
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("fleet credentials: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Future<Void> save() {
        if (file == null) {
            return Future.succeededFuture();
        }
        JsonObject all = new JsonObject();
        local.forEach(all::put);
        return vertx.executeBlocking(
                () -> {
                    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                    OwnerOnly.directories(file.getParent());
                    // Created owner-only, so the credentials are never readable by others, not even for a moment; a
                    // leftover of a killed save may have another mode. On Windows the data folder's ACL applies.
                    OwnerOnly.freshFile(tmp);
                    Files.writeString(tmp, all.encodePrettily(), StandardCharsets.UTF_8);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return null;
                },
                true);
    }

    static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Future<?> stop() {
        return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
    }
}
