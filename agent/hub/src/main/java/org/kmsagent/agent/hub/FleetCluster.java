package org.kmsagent.agent.hub;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.internal.util.ConcurrencyUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.core.CannotListen;
import org.kmsagent.agent.logging.HeldRecords;
import org.kmsagent.agent.metrics.Figures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a hub's clustered Vert.x on Hazelcast from {@link FleetConfig.ClusterConfig}: TCP-IP join only (no
 * multicast, no auto-detection), bound to the configured interfaces, phone-home off. The event bus binds the public
 * host on a free port. See {@code docs/fleet.md} for a real-network configuration and why member-to-member TLS is
 * not offered (Hazelcast open source refuses it).
 */
public final class FleetCluster {
    private static final Logger LOG = LoggerFactory.getLogger(FleetCluster.class);

    /** The fleet's cluster maps (agents' records, history and audit pieces): Hazelcast's name pattern for them. */
    static final String FLEET_MAPS = "kmsagent.fleet.*";

    private FleetCluster() {}

    /**
     * Threads that hand Hazelcast's completed map operations to Vert.x, reused (see {@link #reuseCompletionThreads}).
     */
    private static volatile ExecutorService completions;

    /**
     * Where the JDK's common pool has one thread (a machine of two cores or fewer), Hazelcast 5.3 completes every
     * asynchronous operation's callbacks on a thread of its own, started for that callback alone
     * ({@code ConcurrencyUtil}'s default executor). Every fleet-map operation of a hub (Vert.x's {@code AsyncMap}) is
     * such a callback: on a 2-core machine one benchmark run of 2,000 agents started 23,714 threads, one per map
     * operation. This gives Hazelcast a pool whose threads are kept and reused instead (idle ones end after a minute;
     * a new one is started only while all are busy, as before). The callbacks only hand the result to a Vert.x
     * context. Process-wide, as Hazelcast's setting is; on larger machines Hazelcast's own choice (the common pool)
     * stays. docs/performance-log.md.
     */
    static synchronized void reuseCompletionThreads() {
        if (completions != null || ForkJoinPool.getCommonPoolParallelism() > 1) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "kmsagent-hz-completion-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        completions = pool;
        ConcurrencyUtil.setDefaultAsyncExecutor(pool);
    }

    /** The Hazelcast configuration for a hub. */
    public static Config hazelcastConfig(FleetConfig.ClusterConfig c) {
        // Start from vertx-hazelcast's default-cluster.xml: it defines the maps the event bus needs (docs/building.md).
        Config cfg = ConfigUtil.loadConfig();
        cfg.setClusterName(c.name());
        cfg.setProperty("hazelcast.phone.home.enabled", "false");
        cfg.setProperty("hazelcast.logging.type", "slf4j");
        cfg.setProperty("hazelcast.socket.bind.any", "false");
        cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
        cfg.setProperty("hazelcast.shutdownhook.enabled", "false");
        // The hub's Prometheus metrics are Micrometer's (Vert.x's meters and FleetMetrics), never Hazelcast's own: its
        // collection only cost a thread and, at every stop, a WARN with a stack trace ("Collecting metrics from source
        // ...MapService failed ... sleep interrupted") when the stop interrupted a collection.
        cfg.getMetricsConfig().setEnabled(false);
        // A hub that dies must leave the cluster in seconds, not the default minute, so that its agents' failover
        // finds the fleet view answering (its partitions' backups are promoted on the survivors).
        cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
        // After a split (a hub paused past that timeout, or a network cut between hubs) each side goes on alone and
        // acknowledges its own agents' events, which the agents then drop from their outboxes. When the sides merge,
        // Hazelcast's default policy (put-if-absent) keeps the larger side's copy of every entry the other side also
        // holds, which is all of them: the merging side's writes, acknowledged events among them, were lost
        // (FleetSplitBrainIT). The fleet's policy keeps the copy that holds more, judged by its content.
        cfg.addMapConfig(new MapConfig(FLEET_MAPS)
                .setMergePolicyConfig(
                        new MergePolicyConfig(FleetMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE)));
        NetworkConfig net = cfg.getNetworkConfig();
        net.setPort(c.port()).setPortAutoIncrement(true).setPortCount(FleetConfig.ClusterConfig.MEMBER_PORT_COUNT);
        net.setPublicAddress(null);
        net.getInterfaces().setEnabled(true).setInterfaces(c.interfaces());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(c.members()).setConnectionTimeoutSeconds(2);
        return cfg;
    }

    /**
     * How long a hub tries to join (or form) its cluster before it stops. A member address where something other than
     * a hub of this cluster accepts the connection and never answers (another program, a hub's bridge or event-bus
     * port) keeps Hazelcast's join waiting for that answer: Hazelcast's own limit ({@code hazelcast.max.join.seconds},
     * 300 s by default) is set to this, and the hub then says which addresses it tried ({@link #join}).
     */
    static final Duration JOIN_WAIT = Duration.ofSeconds(120);

    /** Starts a clustered Vert.x for a hub and waits until it has joined (or formed) the cluster. */
    static Vertx join(FleetConfig.ClusterConfig c, Figures figures) throws Exception {
        return join(c, figures, JOIN_WAIT);
    }

    /**
     * The same, trying for {@code wait} (whole seconds).
     *
     * @throws IllegalStateException the member did not join in that time: the message names the cluster and its
     *     member addresses
     */
    static Vertx join(FleetConfig.ClusterConfig c, Figures figures, Duration wait) throws Exception {
        // Its settings were checked with the rest of the configuration (FleetConfig.ClusterConfig#problems).
        // A member address where a hub's bridge, dashboard or metrics endpoint listens is refused here, before
        // Hazelcast
        // blacklists it and forms a cluster of one without a word (MemberProbe).
        MemberProbe.check(c);
        Config cfg = hazelcastConfig(c);
        // Hazelcast's member says STARTING once it has bound its port, and STARTED once it has joined (or formed) the
        // cluster: a start that failed between the two failed at the join.
        Set<LifecycleEvent.LifecycleState> seen = ConcurrentHashMap.newKeySet();
        cfg.addListenerConfig(new ListenerConfig((LifecycleListener) event -> seen.add(event.getState())));
        // Hazelcast's own lines stop at "is STARTING" until the join succeeds or gives up: a hub that waits for a
        // member which never answers looked hung for the whole wait.
        LOG.info(
                "fleet.cluster: joining cluster '{}' through members {} (at most {} s)",
                c.name(),
                c.members(),
                wait.toSeconds());
        try (HeldRecords vertxErrors = HeldRecords.hold(VERTX_IMPL, VERTX_START_FAILED)) {
            Future<Vertx> clustered = start(cfg, c, figures, wait);
            try {
                // Hazelcast gives up at `wait`; the margin covers its shutdown and Vert.x's own start after a join.
                return clustered.await(wait.toSeconds() + 60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw notJoined(c, wait, e);
            } catch (Exception e) { // Vert.x's await rethrows the failure as it is, checked or not
                if (seen.contains(LifecycleEvent.LifecycleState.STARTING)
                        && !seen.contains(LifecycleEvent.LifecycleState.STARTED)) {
                    vertxErrors.drop();
                    throw notJoined(c, wait, e);
                }
                if (seen.contains(LifecycleEvent.LifecycleState.STARTED)) {
                    // Joined, then Vert.x could not bind its end of the event bus (the port taken since the hub
                    // checked).
                    try {
                        HubListeners.eventBus(c).listening(() -> {
                            throw e;
                        });
                    } catch (CannotListen said) {
                        vertxErrors.drop();
                        throw said;
                    }
                }
                throw e;
            }
        }
    }

    /**
     * Vert.x's logger for a clustered start that failed: "Failed to initialize clustered Vert.x" with the cause's stack
     * trace, then, as it closes, "Failed to leave cluster" (a NullPointerException inside vertx-hazelcast when the
     * member never joined). Where the hub says why in one line ({@link #notJoined}, or {@link CannotListen} naming the
     * event bus's address), they are held back and dropped ({@link HeldRecords}); any other failure still logs them.
     */
    private static final String VERTX_IMPL = "io.vertx.core.impl.VertxImpl";

    private static final Set<String> VERTX_START_FAILED =
            Set.of("Failed to initialize clustered Vert.x", "Failed to leave cluster");

    private static IllegalStateException notJoined(FleetConfig.ClusterConfig c, Duration wait, Exception cause) {
        return new IllegalStateException(
                "fleet.cluster: could not join cluster '" + c.name() + "' within " + wait.toSeconds() + " s"
                        + " through members " + c.members() + ": one of them accepts connections but does not answer"
                        + " as a hub (another program, or a hub's event-bus port); check"
                        + " fleet.cluster.members and fleet.cluster.port on every hub (docs/fleet.md)",
                cause);
    }

    /** Starts a clustered Vert.x for a hub; completes once it has joined (or formed) the cluster. */
    public static Future<Vertx> start(FleetConfig.ClusterConfig c) {
        return start(c, null);
    }

    /** The same, with Vert.x's own meters (HTTP, event bus, pools) in {@code figures} when it is not null. */
    public static Future<Vertx> start(FleetConfig.ClusterConfig c, Figures figures) {
        return start(hazelcastConfig(c), c, figures, JOIN_WAIT);
    }

    private static Future<Vertx> start(
            Config hazelcast, FleetConfig.ClusterConfig c, Figures figures, Duration joinWait) {
        hazelcast.setProperty("hazelcast.max.join.seconds", Long.toString(joinWait.toSeconds()));
        reuseCompletionThreads();
        EventBusOptions bus = new EventBusOptions()
                .setHost(c.publicHost())
                .setPort(c.eventBusPort())
                .setClusterPublicHost(c.publicHost());
        // Hazelcast's join runs as one task on a worker thread: without this, Vert.x logs that thread as blocked, with
        // its stack, every second after its 60 s limit while a join takes its time.
        VertxOptions options = new VertxOptions()
                .setEventBusOptions(bus)
                .setMaxWorkerExecuteTime(joinWait.toSeconds() + 30)
                .setMaxWorkerExecuteTimeUnit(TimeUnit.SECONDS);
        return Figures.instrument(Vertx.builder(), options, figures)
                .withClusterManager(new HazelcastClusterManager(hazelcast))
                .buildClustered();
    }
}
