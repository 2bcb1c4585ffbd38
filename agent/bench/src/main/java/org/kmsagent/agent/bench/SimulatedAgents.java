package org.kmsagent.agent.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.HubConnection;

/**
 * A process holding many {@link SimulatedAgent}s, for the fleet benchmark and tests that kill an agent's process:
 * {@code fleet|idle COUNT PREFIX HUBS(comma) TOKEN FINGERPRINT DATA_DIR}. {@code fleet} starts COUNT agents named
 * PREFIX1..PREFIXn and prints {@code ready COUNT} once every one is registered with a hub; {@code idle} opens COUNT
 * authenticated bridge connections that do nothing else (the benchmark's baseline) and prints {@code ready COUNT}.
 * It exits when its standard input closes, or when killed.
 */
public final class SimulatedAgents {
    /** Agents that connect at once: a thousand TLS handshakes at the same instant would time out on small machines. */
    private static final int WAVE = 50;

    private SimulatedAgents() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        String mode = args[0];
        int count = Integer.parseInt(args[1]);
        String prefix = args[2];
        List<String> hubs = List.of(args[3].split(","));
        String token = args[4];
        String fingerprint = args[5];
        Path dataDir = Path.of(args[6]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        if ("idle".equals(mode)) {
            NetClient client = vertx.createNetClient(FleetLink.clientOptions(List.of(fingerprint), null));
            String[] hostPort = hubs.get(0).split(":");
            for (int first = 1; first <= count; first += WAVE) {
                List<Future<HubConnection>> connecting = new ArrayList<>();
                for (int i = first; i < Math.min(count + 1, first + WAVE); i++) {
                    String id = prefix + i;
                    // One authenticated frame, so the bridge keeps the connection; it is answered with nothing.
                    connecting.add(HubConnection.connect(
                                    vertx, client, hostPort[0], Integer.parseInt(hostPort[1]), token)
                            .onSuccess(c -> c.send(FleetAddresses.HEARTBEAT, new JsonObject().put("agentId", id))));
                }
                Future.all(connecting).await(120, TimeUnit.SECONDS);
            }
        } else {
            List<FleetLink> links = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            for (int i = 1; i <= count; i++) {
                String id = prefix + i;
                FleetLink link =
                        SimulatedAgent.link(vertx, id, hubs, token, fingerprint, null, dataDir.resolve(id), 30_000);
                links.add(link);
                link.start();
                if (i % WAVE == 0 || i == count) {
                    while (links.stream().anyMatch(l -> l.hub().isEmpty())) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("agents not all registered within 5 minutes");
                        }
                        Thread.sleep(20); // this process's main thread pacing its agents' start, not a test
                    }
                }
            }
        }
        System.out.println("ready " + count);
        System.out.flush();
        while (System.in.read() >= 0) {
            // exit when the parent closes our input
        }
        System.exit(0);
    }
}
