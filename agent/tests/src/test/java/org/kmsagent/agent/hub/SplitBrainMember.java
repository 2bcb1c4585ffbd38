package org.kmsagent.agent.hub;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.config.FleetConfig;

/**
 * One hub's cluster member for {@link FleetSplitBrainIT}, in a process of its own so that the test can stop it
 * (SIGSTOP) the way a long collection or a starved CPU stops a hub: {@code CLUSTER PORT MEMBER_PORTS(comma)}, with
 * the hub's own Hazelcast configuration ({@link FleetCluster#hazelcastConfig}). Prints {@code ready}, then answers
 * {@code size} with {@code size N} (members it sees), {@code put KEY VALUE} with {@code put KEY} once the fleet's
 * agents map holds it, and {@code get KEY} with {@code got KEY VALUE} ({@code null} when absent).
 */
public final class SplitBrainMember {
    private SplitBrainMember() {}

    public static void main(String[] args) throws Exception {
        // Look for the other side of a split every ten seconds rather than every two minutes after five: long enough
        // for the test to write on each side while they are apart.
        System.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        System.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        List<String> members =
                List.of(args[2].split(",")).stream().map(p -> "127.0.0.1:" + p).toList();
        FleetConfig.ClusterConfig config = new FleetConfig.ClusterConfig(
                args[0], members, List.of("127.0.0.1"), Integer.parseInt(args[1]), "127.0.0.1", 0);
        HazelcastClusterManager manager = new HazelcastClusterManager(FleetCluster.hazelcastConfig(config));
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
                .withClusterManager(manager)
                .buildClustered()
                .await(120, TimeUnit.SECONDS);
        AsyncMap<String, JsonObject> agents = vertx.sharedData()
                .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                .await(60, TimeUnit.SECONDS);
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "size" -> System.out.println("size " + manager.getNodes().size());
                case "put" -> {
                    agents.put(w[1], new JsonObject().put("value", w[2])).await(60, TimeUnit.SECONDS);
                    System.out.println("put " + w[1]);
                }
                case "get" -> {
                    JsonObject v = agents.get(w[1]).await(60, TimeUnit.SECONDS);
                    System.out.println("got " + w[1] + " " + (v == null ? null : v.getString("value")));
                }
                default -> System.out.println("unknown " + line);
            }
            System.out.flush();
        }
        System.exit(0);
    }
}
