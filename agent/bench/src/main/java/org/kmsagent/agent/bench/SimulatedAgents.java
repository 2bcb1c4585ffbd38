package org.kmsagent.agent.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kmsagent.agent.bus.EventPublisher;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.HubConnection;

/**
 * A process holding many {@link SimulatedAgent}s, for the fleet benchmark and tests that kill an agent's process:
 * {@code fleet|idle COUNT PREFIX HUBS(comma) TOKEN FINGERPRINT DATA_DIR}. {@code fleet} starts COUNT agents named
 * PREFIX1..PREFIXn and prints {@code ready COUNT} once every one is registered with a hub; {@code idle} opens COUNT
 * authenticated bridge connections that do nothing else (the benchmark's baseline) and prints {@code ready COUNT}.
 * In {@code fleet} mode a line {@code events K} on standard input makes every agent record K renewal events (each in
 * its outbox first, as a real agent's); once a hub has acknowledged all of them it prints {@code acked TOTAL}, the
 * events its agents have written so far. It exits when its standard input closes, or when killed.
 */
public final class SimulatedAgents {
    /** Agents that connect at once: a thousand TLS handshakes at the same instant would time out on small machines. */
    private static final int WAVE = 50;

    private SimulatedAgents() {}

    public static void main(String[] args) {
        ChildMain.run(args, SimulatedAgents::run);
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
        List<FleetLink> links = new ArrayList<>();
        if ("idle".equals(mode)) {
            idle(vertx, count, prefix, hubs.get(0), token, fingerprint);
        } else {
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
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        long written = 0;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("events ") && !links.isEmpty()) {
                int k = Integer.parseInt(line.substring("events ".length()).trim());
                written += (long) k * links.size();
                events(links, k);
                System.out.println("acked " + written);
                System.out.flush();
            }
        }
        System.exit(0);
    }

    private static void idle(Vertx vertx, int count, String prefix, String hub, String token, String fingerprint)
            throws Exception {
        NetClient client = vertx.createNetClient(FleetLink.clientOptions(List.of(fingerprint), null));
        String[] hostPort = hub.split(":");
        for (int first = 1; first <= count; first += WAVE) {
            List<Future<HubConnection>> connecting = new ArrayList<>();
            for (int i = first; i < Math.min(count + 1, first + WAVE); i++) {
                String id = prefix + i;
                // One authenticated frame, so the bridge keeps the connection: the agent's own address, the first
                // thing a real agent registers. Not a heartbeat: the hub would refuse it (the agent is not registered
                // with the fleet) and log a warning per connection, a thousand lines in the benchmark's output.
                connecting.add(HubConnection.connect(vertx, client, hostPort[0], Integer.parseInt(hostPort[1]), token)
                        .compose(c ->
                                c.register(FleetAddresses.agent(id), 120_000).map(c)));
            }
            Future.all(connecting).await(120, TimeUnit.SECONDS);
        }
    }

    /**
     * Every agent records {@code k} renewal events, each written to its outbox first (as a real agent's are); returns
     * once a hub has acknowledged every one (no agent has any left to deliver).
     */
    private static void events(List<FleetLink> links, int k) throws Exception {
        List<Future<Long>> written = new ArrayList<>();
        for (FleetLink link : links) {
            for (int i = 0; i < k; i++) {
                written.add(link.publish(
                        EventPublisher.RENEWAL,
                        new JsonObject()
                                .put("family", "windows-client")
                                .put("kind", "RENEWED")
                                .put("time", Instant.now().toString())
                                .put("host", "kms.test:1688")
                                .put("hresult", "0x0")));
            }
        }
        Future.all(written).await(10, TimeUnit.MINUTES);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        int done = 0;
        while (done < links.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("events not all acknowledged within 10 minutes");
            }
            Thread.sleep(10); // this process's main thread waiting for its agents' outboxes, not a test
            // Each agent found done is passed for good: asking again from the first agent every 10 ms was about a
            // twentieth of the agents' processes' CPU while the hubs ingested (on the same cores as the hubs).
            while (done < links.size() && links.get(done).pending() == 0) {
                done++;
            }
            if (done == links.size() && links.stream().anyMatch(l -> l.pending() > 0)) {
                done = 0; // an agent passed had events made pending again (its hub's view went back)
            }
        }
    }
}
