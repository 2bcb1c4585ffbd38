package org.kmsagent.agent.hub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.shareddata.AsyncMap;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.kmsagent.agent.bench.LoopbackPorts;
import org.kmsagent.agent.bench.SimulatedAgent;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.hub.AgentRecords;
import org.kmsagent.agent.hub.HubServer;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.metrics.PrometheusText;
import org.kmsagent.agent.testsupport.LabFixtures;

/**
 * The pictures a person looks at, in Debian's headless Chromium: a simulation report opened from a file, and the
 * live dashboard of a hub ({@code HubServer}, clustered Vert.x, TLS, tokens) on 127.0.0.1 with 10,000 machines in
 * its fleet view and one real agent reporting through its fleet link. Screenshots go to
 * {@code target/screenshots/}. Without /usr/bin/chromium the browser tests are skipped, saying so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserIT {
    private static final String AGENT_TOKEN = "agent-token-0123456789";
    private static final String READ_TOKEN = "read-token-0123456789a";
    private static final String WINDOWS = "55c92734-d682-4d71-983e-d6ec3f16059f";
    private static final int MACHINES = 10_000;
    private static final Path SHOTS = Path.of("target", "screenshots");

    private Path dir;
    private HubServer hub;
    private TlsMaterial tls;
    private Vertx client;
    private HttpClient http;
    private FleetLink live;
    private final List<HeadlessChromium> browsers = new ArrayList<>();

    @BeforeAll
    void startHub() throws Exception {
        dir = Files.createDirectories(
                Path.of(System.getProperty("java.io.tmpdir"), "dashboard-it-" + UUID.randomUUID()));
        tls = TlsMaterial.load(new TlsConfig(null, null, null), dir.resolve("tls"));
        int hz = LoopbackPorts.free();
        Path config = dir.resolve("hub.yaml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "dataDir: " + dir.resolve("hub-data"),
                        "bridge:",
                        "  host: 127.0.0.1",
                        "  port: 0",
                        "  tls: {certFile: " + tls.certFile() + ", keyFile: " + tls.keyFile() + "}",
                        "  tokens:",
                        "    - {name: agents, token: " + AGENT_TOKEN + ", role: read}",
                        "    - {name: monitoring, token: " + READ_TOKEN + ", role: read}",
                        "metrics: {enabled: true, port: 0}",
                        "dashboard: {enabled: true, port: 0}",
                        "fleet:",
                        "  allowSharedAgentTokens: true",
                        "  cluster:",
                        "    name: dashboard-it-" + UUID.randomUUID(),
                        "    port: " + hz,
                        "    members: ['127.0.0.1:" + hz + "']",
                        "    eventBusPort: 0",
                        ""));
        AgentConfig agentConfig = new ConfigLoader(Map.of()).load(Optional.of(config), List.of());
        hub = HubServer.start(agentConfig, "hub-it", Clock.systemUTC());
        fillFleetView();
        client = Vertx.vertx();
        http = client.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(false)
                .setTrustOptions(
                        new PemTrustOptions().addCertPath(tls.certFile().toString())));
    }

    /**
     * 10,000 machines as registrations put them in the fleet view (written straight into the cluster map, as 10,000
     * TLS connections would be too slow for a test), expiring from 5 days ago to 34 days ahead, and one KMS host with
     * a Windows pool counting 13.
     */
    private void fillFleetView() throws Exception {
        AsyncMap<String, JsonObject> agents = fleetView();
        Instant now = Instant.now();
        List<Future<Void>> puts = new ArrayList<>();
        for (int i = 1; i <= MACHINES; i++) {
            String id = String.format("pc-%05d", i);
            Instant validUntil = now.plus(Duration.ofDays(i % 40 - 5)).plus(Duration.ofHours(1));
            puts.add(agents.put(id, client(id, validUntil, i % 40 < 5 ? "ADDITIONAL_GRACE" : "LICENSED", now)));
            if (puts.size() == 500) {
                Future.all(puts).await(60, TimeUnit.SECONDS);
                puts.clear();
            }
        }
        JsonArray ledger = new JsonArray();
        for (int i = 0; i < 13; i++) {
            ledger.add(new JsonObject()
                    .put("clientMachineId", "cmid-" + i)
                    .put("applicationId", WINDOWS)
                    .put("skuId", "sku")
                    .put("lastSeen", now.minus(Duration.ofDays(2)).toString()));
        }
        JsonObject pool = new JsonObject()
                .put("applicationId", WINDOWS)
                .put("family", "windows-client")
                .put("count", 13)
                .put(
                        "thresholds",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("thresholdClass", "client")
                                        .put("required", 25)
                                        .put("met", false))
                                .add(new JsonObject()
                                        .put("thresholdClass", "server")
                                        .put("required", 5)
                                        .put("met", true)));
        JsonObject host = new JsonObject()
                .put("agentId", "kms1")
                .put("hostName", "KMS1")
                .put("osClass", "server")
                .put("heartbeatSeconds", 3600)
                .put("products", new JsonArray())
                .put(
                        "host",
                        new JsonObject()
                                .put("enabled", true)
                                .put("pools", new JsonArray().add(pool))
                                .put("ledger", ledger));
        puts.add(agents.put("kms1", AgentRecords.register(null, host, "hub-it", now)));
        Future.all(puts).await(60, TimeUnit.SECONDS);
    }

    /** The record a registration puts in the fleet view for a client with one Windows product valid until then. */
    private static JsonObject client(String id, Instant validUntil, String status, Instant now) {
        return client(id, id.toUpperCase(), validUntil, status, now);
    }

    private static JsonObject client(String id, String hostName, Instant validUntil, String status, Instant now) {
        JsonObject product = SimulatedAgent.product(id)
                .put("validUntil", validUntil.toString())
                .put("status", status);
        JsonObject registration = new JsonObject()
                .put("agentId", id)
                .put("hostName", hostName)
                .put("osClass", "client")
                .put("families", new JsonArray().add("windows-client"))
                .put("heartbeatSeconds", 3600)
                .put("products", new JsonArray().add(product));
        return AgentRecords.register(null, registration, "hub-it", now);
    }

    private AsyncMap<String, JsonObject> fleetView() throws Exception {
        return hub.vertx()
                .sharedData()
                .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                .await(30, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        for (HeadlessChromium b : browsers) {
            b.close();
        }
        if (live != null) {
            live.stop().await(10, TimeUnit.SECONDS);
        }
        if (client != null) {
            client.close().await(10, TimeUnit.SECONDS);
        }
        if (hub != null) {
            hub.close();
        }
    }

    private record Reply(int status, String body, List<String> cookies, String location) {}

    private Reply call(HttpMethod method, String path, String bearer, String form) throws Exception {
        RequestOptions o = new RequestOptions()
                .setMethod(method)
                .setHost("127.0.0.1")
                .setPort(hub.dashboardPort())
                .setURI(path);
        if (bearer != null) {
            o.putHeader("Authorization", "Bearer " + bearer);
        }
        if (form != null) {
            o.putHeader("Content-Type", "application/x-www-form-urlencoded");
        }
        if (method == HttpMethod.POST) {
            o.putHeader("Origin", "https://127.0.0.1:" + hub.dashboardPort()); // as the hub's own login page sends it
        }
        return http.request(o)
                .compose(req -> (form == null ? req.send() : req.send(Buffer.buffer(form)))
                        .compose((HttpClientResponse r) -> r.body()
                                .map(b ->
                                        new Reply(r.statusCode(), b.toString(), r.cookies(), r.getHeader("Location")))))
                .await(30, TimeUnit.SECONDS);
    }

    /** A browser that trusts exactly the hub's certificate (its public key's SHA-256, as agents pin it). */
    private HeadlessChromium browser(String name) throws Exception {
        Assumptions.assumeTrue(
                HeadlessChromium.available(),
                "Debian's chromium is not installed at "
                        + HeadlessChromium.BINARY + " (apt-get install chromium chromium-driver; .ci/run installs it): "
                        + "browser test skipped");
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(tls.certFile())) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String spki = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256")
                        .digest(cert.getPublicKey().getEncoded()));
        HeadlessChromium b = new HeadlessChromium(
                Files.createDirectories(dir.resolve("chromium-" + name)),
                "--ignore-certificate-errors-spki-list=" + spki);
        browsers.add(b);
        return b;
    }

    private String base() {
        return "https://127.0.0.1:" + hub.dashboardPort();
    }

    @Test
    void theDashboardNeedsATokenAndKeepsOnlyASessionCookie() throws Exception {
        Reply anonymous = call(HttpMethod.GET, "/api/summary", null, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(call(HttpMethod.GET, "/", null, null).location()).isEqualTo("/login");
        assertThat(call(HttpMethod.GET, "/api/summary", "wrong-token-0123456789", null)
                        .status())
                .isEqualTo(401);

        Reply bearer = call(HttpMethod.GET, "/api/summary", READ_TOKEN, null);
        assertThat(bearer.status()).isEqualTo(200);
        assertThat(new JsonObject(bearer.body()).getJsonObject("agents").getInteger("total"))
                .isEqualTo(MACHINES + 1);

        Reply login = call(HttpMethod.POST, "/login", null, "token=" + READ_TOKEN);
        assertThat(login.status()).isEqualTo(303);
        assertThat(login.location()).isEqualTo("/");
        assertThat(login.cookies())
                .singleElement()
                .asString()
                .startsWith("kmsagent_session=")
                .containsIgnoringCase("; HttpOnly")
                .contains("; Secure", "SameSite=Strict")
                .doesNotContain(READ_TOKEN);
        assertThat(call(HttpMethod.POST, "/login", null, "token=nope").location())
                .isEqualTo("/login?failed=1");
        assertThat(call(HttpMethod.GET, "/login?failed=1", null, null).body()).contains("not one of this hub's");
        assertThat(call(HttpMethod.GET, "/login", null, null).body()).doesNotContain("not one of this hub's");

        Reply bad = call(HttpMethod.GET, "/api/expiring?sort=colour", READ_TOKEN, null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("sort: expected one of");
    }

    @Test
    void theHubsMetricsEndpointAgreesWithTheDashboard() throws Exception {
        PrometheusText scrape = PrometheusText.scrape(hub.metricsPort());
        JsonObject summary = new JsonObject(
                call(HttpMethod.GET, "/api/summary", READ_TOKEN, null).body());

        assertThat(scrape.get("kmsagent_fleet_pool_clients", "host", "kms1", "pool", WINDOWS))
                .isEqualTo(13.0);
        assertThat(scrape.get("kmsagent_fleet_products_expiring", "within_days", "14"))
                .isEqualTo(summary.getJsonObject("expiring").getLong("14").doubleValue());
        assertThat(scrape.get("kmsagent_fleet_products", "family", "windows-client", "status", "ADDITIONAL_GRACE"))
                .isEqualTo(MACHINES / 8.0);
    }

    @Test
    void theReportDrawsEachSeriesInTheBrowser() throws Exception {
        HeadlessChromium b = browser("report");
        Path report = dir.resolve("outage-report.html");
        var run = LabFixtures.simulate(
                LabFixtures.scenario("host-outage-over-180-days.yaml").toString(), "--report", report.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        b.open(report.toUri().toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(b.eval("document.readyState")));

        // Rendered, not just present: each series has a laid-out box of some size.
        String size = "(s => { const e = document.querySelector(s); if (!e) return 'missing'; const r = e.getBBox();"
                + " return r.width > 0 && (e.tagName !== 'rect' || r.height > 0) ? 'drawn' : 'empty'; })";
        assertThat(b.eval(size + "('#count-windows [data-series=count]')")).isEqualTo("drawn");
        assertThat(b.eval(size + "('#count-windows [data-series=threshold][data-threshold=\"5\"]')"))
                .isEqualTo("drawn");
        assertThat(b.eval(size + "('#count-windows [data-series=outage]')")).isEqualTo("drawn");
        assertThat(b.eval(size + "('#activity-windows [data-series=activations]')"))
                .isEqualTo("drawn");
        assertThat(b.eval(size + "('#activity-windows [data-series=renewals]')"))
                .isEqualTo("drawn");
        assertThat(b.eval("[...document.querySelectorAll('#states-windows [data-series=state]')]"
                        + ".filter(e => e.getBBox().height > 0).map(e => e.dataset.state).join(',')"))
                .isEqualTo("licensed,out-of-tolerance");
        // Seven moments of the outage, and the servers' entries aging out of the host's count on day 44.
        assertThat(b.eval("document.querySelectorAll('#moments tbody tr').length"))
                .isEqualTo(8);
        // Nothing was fetched: the only resource is the document itself.
        assertThat(b.eval("performance.getEntriesByType('resource').length")).isEqualTo(0);
        assertThat(b.scriptErrors()).isEmpty();
        b.screenshot(SHOTS.resolve("report-host-outage.png"));
    }

    @Test
    void theReportDrawsEachOfSevenHostsLinesInItsOwnDashPatternClearOfTheOthersWithTheSameKeyInTheLegend()
            throws Exception {
        HeadlessChromium b = browser("report-hosts");
        Path report = dir.resolve("seven-hosts.html");
        var run = LabFixtures.simulate(
                LabFixtures.hostsEachAskedByOneServer(dir, 7).toString(), "--report", report.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        b.open(report.toUri().toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(b.eval("document.readyState")));

        // As the browser draws them (the stylesheet's count rule sets the width, not the stroke): the dash pattern
        // and colour of each host's line, and of the line its legend key draws.
        String drawn = "(sel => [...document.querySelectorAll(sel)].map(e => { const c = getComputedStyle(e);"
                + " return (e.dataset.host || e.closest('[data-host]').dataset.host) + ' ' + c.strokeDasharray"
                + " + ' ' + c.stroke + ' ' + c.strokeWidth; }).join('|'))";
        String lines = (String) b.eval(drawn + "('#count-windows [data-series=count]')");
        String keys = (String) b.eval(drawn + "('#pool-windows figure:first-of-type .key.line line')");
        assertThat(lines.split("\\|")).hasSize(7);
        assertThat(keys).isEqualTo(lines);
        assertThat(Arrays.stream(lines.split("\\|"))
                        .map(l -> l.split(" ", 2)[1].replaceAll(" rgb.*", ""))
                        .distinct())
                .as(lines)
                .hasSize(7);
        // All seven count 1 all day, yet no line covers another: as laid out on the page, each is drawn 3 px above the
        // one before it, more than a line's width, so every host's line shows.
        String boxes = (String) b.eval("[...document.querySelectorAll('#count-windows [data-series=count]')].map(e => {"
                + " const r = e.getBoundingClientRect(); return r.top + ' ' + r.height + ' '"
                + " + parseFloat(getComputedStyle(e).strokeWidth); }).join('|')");
        double[][] box = Arrays.stream(boxes.split("\\|"))
                .map(l -> Arrays.stream(l.split(" "))
                        .mapToDouble(Double::parseDouble)
                        .toArray())
                .toArray(double[][]::new);
        assertThat(box).as(boxes).hasNumberOfRows(7);
        for (int i = 1; i < box.length; i++) {
            assertThat(box[i][1])
                    .as("the same count, so the same shape: %s", boxes)
                    .isEqualTo(box[0][1]);
            assertThat(box[i - 1][0] - box[i][0])
                    .as("line %d above line %d: %s", i + 1, i, boxes)
                    .isCloseTo(3.0, within(0.1))
                    .isGreaterThan(box[i][2]);
        }
        assertThat(b.scriptErrors()).isEmpty();
        b.screenshot(SHOTS.resolve("report-seven-hosts.png"));
    }

    /** Signs the browser in with the read token and waits until the dashboard has drawn its first figures. */
    private void signIn(HeadlessChromium b) throws Exception {
        b.open(base() + "/login");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "complete".equals(b.eval("document.readyState"))
                        && Boolean.TRUE.equals(b.eval("!!document.getElementById('token')")));
        b.eval("document.getElementById('token').value = '" + READ_TOKEN + "'; "
                + "document.getElementById('login-form').submit(); true");
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> "true".equals(b.eval("document.body.dataset.ready || ''")));
    }

    @Test
    void theLiveDashboardShowsThePoolsTheStatesASortableSearchableTableAndNewActivations() throws Exception {
        HeadlessChromium b = browser("dashboard");
        signIn(b);

        // Pools: the bar is the count, one line per threshold class.
        assertThat(b.eval("document.querySelector('#pools [data-series=count]').dataset.value"))
                .isEqualTo("13");
        assertThat(b.eval("[...document.querySelectorAll('#pools [data-series=threshold]')].map(l => "
                        + "l.dataset.thresholdClass + '=' + l.dataset.value).join(',')"))
                .isEqualTo("client=25,server=5");
        assertThat(b.eval("document.querySelector('#pools .forecast[data-threshold-class=client]').textContent"))
                .asString()
                .contains("needs 12 more");
        // The KMS host by its name and its agent id, which ctl --target takes: two hosts of one name are told apart.
        assertThat(b.eval("document.querySelector('#pools h3').textContent"))
                .asString()
                .matches(".* pool on \\S+ \\([a-z0-9.-]+\\): count 13");
        // Machines by state: the stacked segments add up to the fleet's products.
        assertThat(b.eval(
                        "[...document.querySelectorAll('#states-chart [data-series=state]')].map(r => r.dataset.status"
                                + " + '=' + r.dataset.count).sort().join(',')"))
                .isEqualTo("ADDITIONAL_GRACE=1250,LICENSED=8750");
        assertThat(b.eval("document.querySelector('#states-chart [data-status=LICENSED]').getBBox().width"))
                .asString()
                .isNotEqualTo("0");

        // The table: one page of 50 of the 8,750 products running out within 30 days (i % 40 from 0 to 34: -5 to 29
        // days left).
        assertThat(b.eval("document.querySelectorAll('#expiring-table tbody tr').length"))
                .isEqualTo(50);
        assertThat(b.eval("document.getElementById('page-info').dataset.total")).isEqualTo("8750");
        assertThat(daysColumn(b)).isSorted().first().isEqualTo(-5);
        b.screenshot(SHOTS.resolve("dashboard.png"));

        b.eval("document.querySelector('#expiring-table th[data-sort=daysLeft]').click(); true");
        await().atMost(Duration.ofSeconds(10)).until(() -> daysColumn(b).get(0) == 29);
        assertThat(daysColumn(b)).isSortedAccordingTo((x, y) -> Integer.compare(y, x));

        b.eval("document.querySelector('#expiring-table th[data-sort=hostName]').click(); true");
        await().atMost(Duration.ofSeconds(10)).until(() -> "PC-00001".equals(firstMachine(b)));

        b.eval("const s = document.getElementById('expiring-search'); s.value = 'pc-0004'; "
                + "s.dispatchEvent(new Event('input')); true");
        // pc-00040 … pc-00049: i % 40 is 0 … 9, all within 30 days.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "10".equals(b.eval("document.getElementById('page-info').dataset.total")));
        assertThat(b.eval("[...document.querySelectorAll('#expiring-table tbody tr')].every(r => "
                        + "r.dataset.agent.startsWith('pc-0004'))"))
                .isEqualTo(true);
        b.screenshot(SHOTS.resolve("dashboard-search.png"));

        // A real agent connects through the bridge and reports an activation: it appears without a reload.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "open".equals(b.eval("document.getElementById('live-status').dataset.state")));
        live = SimulatedAgent.link(
                client,
                "live-pc",
                List.of("127.0.0.1:" + hub.port()),
                AGENT_TOKEN,
                hub.fingerprint(),
                null,
                dir.resolve("live-pc"),
                60_000);
        live.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> live.hub().isPresent());
        live.publish(
                "activation",
                new JsonObject()
                        .put("family", "windows-client")
                        .put("product", "Windows 10 Enterprise")
                        .put("ok", true)
                        .put("hresult", "0x00000000")
                        .put("message", "activated"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Boolean.TRUE.equals(b.eval(
                        "!!document.querySelector('#live-events li[data-agent=\"live-pc\"][data-type=activation]')")));
        assertThat(b.eval("document.querySelector('#live-events li[data-agent=\"live-pc\"]').textContent"))
                .asString()
                .contains("LIVE-PC (live-pc)", "activation", "windows-client", "ok");
        // A renewal loop's failure shows its code and cause (it showed the kind and family only).
        live.publish(
                "renewal",
                new JsonObject()
                        .put("kind", "RENEWAL_FAILED")
                        .put("family", "windows-client")
                        .put("hresult", "0xC004F074 SL_E_VL_BINDING_SERVICE_UNAVAILABLE")
                        .put("diagnosis", new JsonObject().put("cause", "HOST_UNREACHABLE")));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Boolean.TRUE.equals(b.eval(
                        "!!document.querySelector('#live-events li[data-agent=\"live-pc\"][data-type=renewal]')")));
        assertThat(
                        b.eval(
                                "document.querySelector('#live-events li[data-agent=\"live-pc\"][data-type=renewal]').textContent"))
                .asString()
                .contains(
                        "RENEWAL_FAILED",
                        "windows-client",
                        "0xC004F074 SL_E_VL_BINDING_SERVICE_UNAVAILABLE",
                        "(HOST_UNREACHABLE)");
        // The figures follow: the new machine is counted.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> String.valueOf(b.eval("document.getElementById('fleet-figures').textContent"))
                        .startsWith("10,002 machines"));
        assertThat(b.scriptErrors()).isEmpty();
        b.screenshot(SHOTS.resolve("dashboard-live.png"));
    }

    @Test
    void aTableThatShrinksUnderALaterPageShowsItsLastPageOfRows() throws Exception {
        HeadlessChromium b = browser("dashboard-shrink");
        // 150 machines of their own (3 pages of 50), running out in 10 days; taken out again at the end, so the other
        // tests see the fleet they expect.
        AsyncMap<String, JsonObject> agents = fleetView();
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 150; i++) {
            ids.add(String.format("shrink-%03d", i));
        }
        try {
            Future.all(ids.stream()
                            .map(id -> agents.put(id, client(id, now.plus(Duration.ofDays(10)), "LICENSED", now)))
                            .toList())
                    .await(60, TimeUnit.SECONDS);
            signIn(b);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "open".equals(b.eval("document.getElementById('live-status').dataset.state")));
            b.eval("const s = document.getElementById('expiring-search'); s.value = 'shrink-'; "
                    + "s.dispatchEvent(new Event('input')); true");
            await().atMost(Duration.ofSeconds(10)).until(() -> "1–50 of 150".equals(pageInfo(b)));
            b.eval("document.getElementById('page-next').click(); true");
            await().atMost(Duration.ofSeconds(10)).until(() -> "51–100 of 150".equals(pageInfo(b)));
            b.eval("document.getElementById('page-next').click(); true");
            await().atMost(Duration.ofSeconds(10)).until(() -> "101–150 of 150".equals(pageInfo(b)));

            // 80 machines leave the fleet; the next event the hub applies makes the dashboard refresh its page.
            Future.all(ids.subList(70, 150).stream().map(agents::remove).toList())
                    .await(60, TimeUnit.SECONDS);
            hub.vertx()
                    .eventBus()
                    .publish(
                            FleetAddresses.LIVE,
                            new JsonObject()
                                    .put("type", "renewal")
                                    .put("at", Instant.now().toString())
                                    .put(
                                            "data",
                                            new JsonObject()
                                                    .put("kind", "RENEWED")
                                                    .put("family", "windows-client"))
                                    .put("agentId", "shrink-001")
                                    .put("hostName", "SHRINK-001")
                                    .put("hub", "hub-it"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "70".equals(b.eval("document.getElementById('page-info').dataset.total")));

            // The last page there is now, with its rows: not "101–100 of 70" over "Nothing runs out".
            assertThat(pageInfo(b)).isEqualTo("51–70 of 70");
            assertThat(b.eval("[...document.querySelectorAll('#expiring-table tbody tr')].map(r => r.dataset.agent)"
                            + ".join(',')"))
                    .isEqualTo(String.join(",", ids.subList(50, 70)));
            assertThat(b.eval("document.getElementById('page-next').disabled")).isEqualTo(true);
            assertThat(b.eval("document.getElementById('page-prev').disabled")).isEqualTo(false);
            assertThat(b.scriptErrors()).isEmpty();
            b.screenshot(SHOTS.resolve("dashboard-shrunk.png"));
        } finally {
            Future.all(ids.stream().map(agents::remove).toList()).await(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Two machines named alike (a re-imaged one under a new agent id, say) are two rows an admin tells apart: each
     * shows its agent id beside the host name, the id {@code ctl --target} takes, and the table sorts by it.
     */
    @Test
    void twoMachinesOfOneHostNameAreTwoRowsToldApartByTheirAgentIds() throws Exception {
        HeadlessChromium b = browser("dashboard-same-name");
        AsyncMap<String, JsonObject> agents = fleetView();
        Instant now = Instant.now();
        List<String> ids = List.of("vm-old-7f3a", "vm-new-2c91");
        try {
            Future.all(ids.stream()
                            .map(id -> agents.put(id, client(id, "vm", now.plus(Duration.ofDays(3)), "LICENSED", now)))
                            .toList())
                    .await(60, TimeUnit.SECONDS);
            signIn(b);
            assertThat(b.eval("[...document.querySelectorAll('#expiring-table thead th')].slice(0, 2)"
                            + ".map(t => t.textContent).join(',')"))
                    .isEqualTo("Machine,Agent id");
            b.eval("const s = document.getElementById('expiring-search'); s.value = 'vm'; "
                    + "s.dispatchEvent(new Event('input')); true");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "2".equals(b.eval("document.getElementById('page-info').dataset.total")));

            // As a person reads them: the same host name, two agent ids (ties in days left come in agent order).
            String rows = "[...document.querySelectorAll('#expiring-table tbody tr')].map(r => "
                    + "r.querySelector('td.machine').textContent + ' ' + r.querySelector('td.agent').textContent)"
                    + ".join(',')";
            assertThat(b.eval(rows)).isEqualTo("vm vm-new-2c91,vm vm-old-7f3a");
            // Written as text, never as markup: the host name and id come from the agents.
            assertThat(b.eval("[...document.querySelectorAll('#expiring-table tbody td')].every(t => "
                            + "t.children.length === 0)"))
                    .isEqualTo(true);

            b.eval("document.querySelector('#expiring-table th[data-sort=agentId]').click(); true");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "ascending"
                            .equals(b.eval("document.querySelector('#expiring-table th[data-sort=agentId]')"
                                    + ".getAttribute('aria-sort')")));
            b.eval("document.querySelector('#expiring-table th[data-sort=agentId]').click(); true");
            await().atMost(Duration.ofSeconds(10)).until(() -> "vm vm-old-7f3a,vm vm-new-2c91".equals(b.eval(rows)));
            assertThat(b.scriptErrors()).isEmpty();
            b.screenshot(SHOTS.resolve("dashboard-same-host-name.png"));
        } finally {
            Future.all(ids.stream().map(agents::remove).toList()).await(60, TimeUnit.SECONDS);
        }
    }

    private static String pageInfo(HeadlessChromium b) throws Exception {
        return String.valueOf(b.eval("document.getElementById('page-info').textContent"));
    }

    private static List<Integer> daysColumn(HeadlessChromium b) throws Exception {
        Object v = b.eval(
                "[...document.querySelectorAll('#expiring-table tbody td.days')].map(t => Number(t.textContent))");
        List<Integer> out = new ArrayList<>();
        for (Object o : (JsonArray) v) {
            out.add(((Number) o).intValue());
        }
        return out;
    }

    private static String firstMachine(HeadlessChromium b) throws Exception {
        return String.valueOf(b.eval("document.querySelector('#expiring-table tbody tr td').textContent"));
    }
}
