package org.kmsagent.agent.hub;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
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
 * (SIGSTOP) the way a long collection or a starved CPU stops a hub: {@code CLUSTER PORT MEMBER_PORTS(comma)
 * CLOCK_OFFSET_MS}, with the hub's own Hazelcast configuration and its clock that far ahead of this machine's (as a
 * hub on a machine whose clock drifted would have it) ({@link FleetCluster#hazelcastConfig}). Prints {@code ready}, then answers
 * <ul>
 *   <li>{@code size} with {@code size N}, the members it sees;
 *   <li>{@code put KEY VALUE SEQ} with {@code put KEY} once the fleet's agents map holds a record of that value whose
 *       {@code lastSeq} is SEQ, and {@code get KEY} with {@code got KEY VALUE} ({@code null} when absent);
 *   <li>{@code piece KEY N} with {@code piece KEY} once the history map holds a piece of N events under KEY, and
 *       {@code length KEY} with {@code length KEY N} (0 when absent).
 * </ul>
 */
public final class SplitBrainMember {
    private SplitBrainMember() {}

    public static void main(String[] args) throws Exception {
        // Look for the other side of a split every 20 seconds rather than every two minutes after five: long enough
        // for the test to write on each side while they are apart.
        System.setProperty("hazelcast.merge.first.run.delay.seconds", "20");
        System.setProperty("hazelcast.merge.next.run.delay.seconds", "20");
        System.setProperty("com.hazelcast.clock.offset", args[3]);
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
        AsyncMap<String, JsonArray> history = vertx.sharedData()
                .<String, JsonArray>getAsyncMap("kmsagent.fleet.history.chunks")
                .await(60, TimeUnit.SECONDS);
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "size" -> System.out.println("size " + manager.getNodes().size());
                case "put" -> {
                    JsonObject record = new JsonObject().put("value", w[2]).put("lastSeq", Long.parseLong(w[3]));
                    agents.put(w[1], record).await(60, TimeUnit.SECONDS);
                    System.out.println("put " + w[1]);
                }
                case "piece" -> {
                    JsonArray piece = new JsonArray();
                    for (int i = 1; i <= Integer.parseInt(w[2]); i++) {
                        piece.add(new JsonObject().put("seq", i));
                    }
                    history.put(w[1], piece).await(60, TimeUnit.SECONDS);
                    System.out.println("piece " + w[1]);
                }
                case "length" -> {
                    JsonArray piece = history.get(w[1]).await(60, TimeUnit.SECONDS);
                    System.out.println("length " + w[1] + " " + (piece == null ? 0 : piece.size()));
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
