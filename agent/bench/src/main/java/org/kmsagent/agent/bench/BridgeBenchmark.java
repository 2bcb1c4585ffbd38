package org.kmsagent.agent.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.kmsagent.agent.bus.AgentControl;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.bus.BusApi;
import org.kmsagent.agent.bus.BusEvents;
import org.kmsagent.agent.bus.bridge.AgentBridge;
import org.kmsagent.agent.bus.bridge.Frames;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.bus.view.ActionResult;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.bus.view.HostView;
import org.kmsagent.agent.bus.view.PluginView;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.agent.bus.view.SkippedFileView;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;
import org.kmsagent.agent.ctl.BridgeClient;
import org.kmsagent.agent.ctl.ServerTrust;
import org.kmsagent.agent.host.HostSettings;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.ProductKey;

/**
 * Request/reply over the TLS bridge ({@code kmsagent.status} through token check, bus API, worker thread and back)
 * against a raw Vert.x NetSocket TLS echo of the same frames, measured in the same run with the same blocking
 * client and the same number of client threads. Target (issue 5): bridge throughput at least half the echo's.
 */
public final class BridgeBenchmark implements Benchmark {
    private static final String TOKEN = "bench-token-0123456789";

    @Override
    public String name() {
        return "bridge";
    }

    @Override
    public List<BenchFigure> run(boolean quick) throws Exception {
        // Eight concurrent clients measure capacity, which is what throughput means for a control bridge; with one or
        // two, each request's thread hand-offs (event loop, bus consumer, worker) dominate on a loaded 2-core machine.
        int clients = 8;
        int warmup = quick ? 200 : 2_000;
        int requests = quick ? 500 : 10_000;
        Path dir = Files.createTempDirectory("kmsagent-bench");
        Vertx vertx = Vertx.vertx();
        try {
            TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
            ServerTrust trust = new ServerTrust.Pinned(tls.fingerprint());
            new BusApi(vertx, new OneProduct(), new BusEvents(vertx.eventBus(), Clock.systemUTC()))
                    .register()
                    .await(30, TimeUnit.SECONDS);
            BridgeConfig config =
                    new BridgeConfig(true, "127.0.0.1", 0, null, null, Role.NONE, null, null, null, null, null);
            AgentBridge bridge = new AgentBridge(
                            vertx, config, tls, List.of(new TokenConfig("bench", TOKEN, Role.READ)))
                    .listen()
                    .await(30, TimeUnit.SECONDS);
            NetServer echo = vertx.createNetServer(new NetServerOptions()
                    .setHost("127.0.0.1")
                    .setPort(0)
                    .setSsl(true)
                    .setKeyCertOptions(tls.keyCertOptions()));
            echo.connectHandler(socket -> socket.handler(socket::write));
            echo.listen().await(30, TimeUnit.SECONDS);

            Callable<long[]> bridgeRun = () -> {
                try (BridgeClient c =
                        BridgeClient.connect("127.0.0.1", bridge.port(), trust, TOKEN, Duration.ofSeconds(30))) {
                    for (int i = 0; i < warmup; i++) {
                        c.request(BusAddresses.STATUS, new JsonObject());
                    }
                    long[] lat = new long[requests];
                    for (int i = 0; i < requests; i++) {
                        long t0 = System.nanoTime();
                        c.request(BusAddresses.STATUS, new JsonObject());
                        lat[i] = System.nanoTime() - t0;
                    }
                    return lat;
                }
            };
            Callable<long[]> echoRun = () -> echoClient(echo.actualPort(), trust, warmup, requests);

            // Alternated and best-of-two on each side, so that warm-up order and a neighbour's burst on these shared
            // cores do not decide the ratio.
            Measured echo1 = measure(echoRun, clients);
            Measured bridge1 = measure(bridgeRun, clients);
            Measured echo2 = measure(echoRun, clients);
            Measured bridge2 = measure(bridgeRun, clients);
            Measured base = echo1.throughput >= echo2.throughput ? echo1 : echo2;
            Measured bridged = bridge1.throughput >= bridge2.throughput ? bridge1 : bridge2;
            return List.of(
                    new BenchFigure(
                            name(),
                            "TLS bridge request/reply throughput (" + clients + " clients)",
                            bridged.throughput,
                            "req/s",
                            "raw Vert.x TLS NetSocket echo",
                            base.throughput,
                            true,
                            OptionalDouble.of(0.5)),
                    new BenchFigure(
                            name(),
                            "TLS bridge request/reply p99 latency",
                            bridged.p99Micros,
                            "us",
                            "raw Vert.x TLS NetSocket echo p99",
                            base.p99Micros,
                            false,
                            OptionalDouble.empty()));
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private record Measured(double throughput, double p99Micros) {}

    private static Measured measure(Callable<long[]> client, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            List<Future<long[]>> runs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                runs.add(pool.submit(client));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : runs) {
                all.add(f.get(10, TimeUnit.MINUTES));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] lat = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Measured(
                    lat.length / seconds, lat[(int) Math.min(lat.length - 1, Math.ceil(lat.length * 0.99))] / 1_000.0);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The same frame a bridge request is, sent to the echo and read back: framing + TLS, nothing else. */
    private static long[] echoClient(int port, ServerTrust trust, int warmup, int requests) throws Exception {
        try (SSLSocket s = (SSLSocket) trust.context().getSocketFactory().createSocket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
            s.startHandshake();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] whole = Frames.bytes(new JsonObject()
                    .put("type", "send")
                    .put("address", BusAddresses.STATUS)
                    .put("replyAddress", "ctl.reply.0")
                    .put("headers", new JsonObject().put("token", TOKEN))
                    .put("body", new JsonObject()));
            long[] lat = new long[requests];
            for (int i = 0; i < warmup + requests; i++) {
                long t0 = System.nanoTime();
                out.write(whole);
                out.flush();
                Frames.read(in, Integer.MAX_VALUE);
                if (i >= warmup) {
                    lat[i - warmup] = System.nanoTime() - t0;
                }
            }
            return lat;
        }
    }

    /** A control with one product, so the bridge path carries a realistic small status reply. */
    private static final class OneProduct implements AgentControl {
        private final List<ProductView> products = List.of(new ProductView(
                "windows-client",
                "Windows 7 Enterprise",
                "ae2ee509-1b34-41c0-acb7-6d4650168915",
                "HVTHH",
                "LICENSED",
                "kms.corp.example:1688",
                null,
                null,
                "0x0 ok"));

        @Override
        public List<ProductView> products() {
            return products;
        }

        @Override
        public HostView host() {
            return new HostView(false, List.of(), List.of());
        }

        @Override
        public List<ActionResult> activate(Optional<String> family) {
            throw new UnsupportedOperationException("read-only benchmark");
        }

        @Override
        public List<ActionResult> installGvlk(Optional<String> family, Optional<ProductKey> key) {
            throw new UnsupportedOperationException("read-only benchmark");
        }

        @Override
        public KmsEndpoint setKms(Optional<String> family, KmsEndpoint endpoint) {
            throw new UnsupportedOperationException("read-only benchmark");
        }

        @Override
        public void clearKms(Optional<String> family) {
            throw new UnsupportedOperationException("read-only benchmark");
        }

        @Override
        public HostSettingsView hostSettings() {
            HostSettings d = HostSettings.defaults();
            return new HostSettingsView(
                    (int) d.activationInterval().toMinutes(),
                    (int) d.renewalInterval().toMinutes(),
                    d.port(),
                    d.dnsPublishing());
        }

        @Override
        public HostSettingsView updateHostSettings(HostSettingsView settings) {
            throw new UnsupportedOperationException("read-only benchmark");
        }

        @Override
        public List<PluginView> plugins() {
            return List.of();
        }

        @Override
        public List<SkippedFileView> skippedPluginFiles() {
            return List.of();
        }

        @Override
        public PluginView loadPlugin(Path jar) {
            throw new UnsupportedOperationException("read-only benchmark");
        }

        @Override
        public void unloadPlugin(String pluginId) {
            throw new UnsupportedOperationException("read-only benchmark");
        }

        @Override
        public List<PluginView> rescanPlugins() {
            return List.of();
        }
    }
}
