package org.kmsagent.agent.hub.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Debian's Chromium ({@code /usr/bin/chromium}), headless, driven over the DevTools protocol with the JDK's own
 * WebSocket client: no driver download, no browser download, nothing but 127.0.0.1. One page; commands wait for
 * their answers. The browser gets a new empty profile and every background network feature off.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket page;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> waiting = new ConcurrentHashMap<>();
    private final List<String> consoleErrors = new ArrayList<>();

    /** Whether Debian's chromium is installed here. */
    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts the browser.
     *
     * @param profile a new empty directory for the browser's profile
     * @param extraFlags e.g. {@code --ignore-certificate-errors-spki-list=…} to trust one test certificate
     */
    HeadlessChromium(Path profile, String... extraFlags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                BINARY.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--mute-audio",
                "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1280,1600"));
        cmd.addAll(List.of(extraFlags));
        cmd.add("about:blank");
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(
                        profile.resolveSibling(profile.getFileName() + ".log").toFile())
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !process.isAlive()
                            || Files.exists(portFile)
                                    && Files.readAllLines(portFile).size() >= 2);
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IOException("chromium did not start within 60 s (see " + profile.getFileName() + ".log)");
        }
        if (!process.isAlive()) {
            throw new IOException("chromium exited at start (see " + profile.getFileName() + ".log)");
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> list = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String pageUrl = null;
        for (Object o : new JsonArray(list.body())) {
            JsonObject t = (JsonObject) o;
            if ("page".equals(t.getString("type"))) {
                pageUrl = t.getString("webSocketDebuggerUrl");
                break;
            }
        }
        if (pageUrl == null) {
            throw new IOException("chromium offers no page target: " + list.body());
        }
        page = http.newWebSocketBuilder()
                .buildAsync(URI.create(pageUrl), new Listener())
                .get(30, TimeUnit.SECONDS);
        send("Page.enable", new JsonObject());
        send("Runtime.enable", new JsonObject());
        send(
                "Emulation.setDeviceMetricsOverride",
                new JsonObject()
                        .put("width", 1280)
                        .put("height", 1600)
                        .put("deviceScaleFactor", 1)
                        .put("mobile", false));
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject m = new JsonObject(partial.toString());
                partial.setLength(0);
                Integer id = m.getInteger("id");
                if (id != null && waiting.containsKey(id)) {
                    waiting.remove(id).complete(m);
                } else if ("Runtime.exceptionThrown".equals(m.getString("method"))) {
                    synchronized (consoleErrors) {
                        consoleErrors.add(m.getJsonObject("params").encode());
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    /** Sends one DevTools command and waits for its result. */
    JsonObject send(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        page.sendText(
                        new JsonObject()
                                .put("id", id)
                                .put("method", method)
                                .put("params", params)
                                .encode(),
                        true)
                .get(10, TimeUnit.SECONDS);
        JsonObject m = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (m.containsKey("error")) {
            throw new IllegalStateException(
                    method + " failed: " + m.getJsonObject("error").encode());
        }
        return m.getJsonObject("result", new JsonObject());
    }

    /** Opens a URL. */
    void open(String url) throws Exception {
        JsonObject r = send("Page.navigate", new JsonObject().put("url", url));
        if (r.getString("errorText") != null) {
            throw new IllegalStateException("navigating to " + url + ": " + r.getString("errorText"));
        }
    }

    /** Evaluates JavaScript in the page (promises awaited) and returns its value as JSON-ish Java. */
    Object eval(String expression) throws Exception {
        JsonObject r = send(
                "Runtime.evaluate",
                new JsonObject()
                        .put("expression", expression)
                        .put("returnByValue", true)
                        .put("awaitPromise", true));
        if (r.containsKey("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + expression + ": "
                    + r.getJsonObject("exceptionDetails").encode());
        }
        return r.getJsonObject("result").getValue("value");
    }

    /** Saves a PNG of the whole page. */
    Path screenshot(Path file) throws Exception {
        JsonObject r = send(
                "Page.captureScreenshot", new JsonObject().put("format", "png").put("captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(r.getString("data")));
        return file;
    }

    /** Uncaught script errors the page reported. */
    List<String> scriptErrors() {
        synchronized (consoleErrors) {
            return List.copyOf(consoleErrors);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            page.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser goes anyway
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
