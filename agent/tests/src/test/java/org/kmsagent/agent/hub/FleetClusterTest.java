package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.config.FleetConfig;

class FleetClusterTest {

    /**
     * On a machine of two cores (the JDK's common pool then has one thread) Hazelcast started a thread for every
     * completed map operation: a hub handling a few thousand agents started thousands of threads a second.
     */
    @Test
    void aHubsFleetMapOperationsDoNotStartAThreadEach() throws Exception {
        FleetConfig.ClusterConfig config =
                new FleetConfig.ClusterConfig("fleet-cluster-test-" + UUID.randomUUID(), null, null, null, null, 0);
        Vertx vertx = FleetCluster.start(config).await(60, TimeUnit.SECONDS);
        try {
            AsyncMap<String, JsonObject> map = vertx.sharedData()
                    .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                    .await(30, TimeUnit.SECONDS);
            map.put("warm", new JsonObject()).await(30, TimeUnit.SECONDS);
            long startedBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();

            int operations = 0;
            for (int round = 0; round < 10; round++) {
                List<Future<?>> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String id = "a" + (round * 20 + i);
                    batch.add(map.put(id, new JsonObject().put("agentId", id)).compose(v -> map.get(id)));
                    operations += 2;
                }
                Future.all(batch).await(30, TimeUnit.SECONDS);
            }

            long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - startedBefore;
            assertThat(operations).isEqualTo(400);
            assertThat(started)
                    .as("threads started for %d map operations", operations)
                    .isLessThan(40);
            assertThat(map.get("a199").await(30, TimeUnit.SECONDS).getString("agentId"))
                    .isEqualTo("a199");
        } finally {
            vertx.close().await(60, TimeUnit.SECONDS);
        }
    }
}
