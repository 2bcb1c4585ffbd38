package org.kmsagent.agent.hub;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.internal.util.ConcurrencyUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.kmsagent.agent.config.FleetConfig;
import org.kmsagent.agent.metrics.Figures;

/**
 * Builds a hub's clustered Vert.x on Hazelcast from {@link FleetConfig.ClusterConfig}: TCP-IP join only (no
 * multicast, no auto-detection), bound to the configured interfaces, phone-home off. The event bus binds the public
 * host on a free port. See {@code docs/fleet.md} for a real-network configuration and why member-to-member TLS is
 * not offered (Hazelcast open source refuses it).
 */
public final class FleetCluster {
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
     * stays. docs/performance.md.
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

    /** Starts a clustered Vert.x for a hub; completes once it has joined (or formed) the cluster. */
    public static Future<Vertx> start(FleetConfig.ClusterConfig c) {
        return start(c, null);
    }

    /** The same, with Vert.x's own meters (HTTP, event bus, pools) in {@code figures} when it is not null. */
    public static Future<Vertx> start(FleetConfig.ClusterConfig c, Figures figures) {
        reuseCompletionThreads();
        EventBusOptions bus = new EventBusOptions()
                .setHost(c.publicHost())
                .setPort(c.eventBusPort())
                .setClusterPublicHost(c.publicHost());
        return Figures.instrument(Vertx.builder(), new VertxOptions().setEventBusOptions(bus), figures)
                .withClusterManager(new HazelcastClusterManager(hazelcastConfig(c)))
                .buildClustered();
    }
}
