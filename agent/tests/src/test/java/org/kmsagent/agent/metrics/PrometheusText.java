package org.kmsagent.agent.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape as Prometheus reads it: samples keyed by name and labels, e.g.
 * {@code kmsagent_pool_clients{family="windows-client",pool="55c9…"}} (labels sorted by name). Parses the text
 * exposition format's sample lines and checks every {@code # TYPE} line names a known type.
 */
public final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( \\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    public final Map<String, Double> samples = new LinkedHashMap<>();
    /** Each metric's help text, by the name its {@code # HELP} line gives. */
    public final Map<String, String> help = new TreeMap<>();

    public final String contentType;
    /** The scrape as served. */
    public final String text;

    private PrometheusText(String text, String contentType) {
        this.contentType = contentType;
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String type = line.substring(line.lastIndexOf(' ') + 1);
                if (!type.matches("counter|gauge|histogram|summary|untyped")) {
                    throw new IllegalArgumentException("unknown type in: " + line);
                }
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String[] nameAndText = line.substring("# HELP ".length()).split(" ", 2);
                help.put(nameAndText[0], nameAndText.length > 1 ? nameAndText[1] : "");
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                    end = l.end();
                }
                if (end != m.group(3).length()) {
                    throw new IllegalArgumentException("malformed labels in: " + line);
                }
            }
            samples.put(key(m.group(1), labels), Double.parseDouble(m.group(4)));
        }
    }

    /** Parses a scrape's text (e.g. a registry's own {@code scrape()}). */
    public static PrometheusText parse(String text) {
        return new PrometheusText(text, "");
    }

    /** The sum of every sample named exactly {@code name} whose labels include the given ones. */
    public double sum(String name, String... labels) {
        double total = 0;
        for (Map.Entry<String, Double> e : named(name).entrySet()) {
            boolean match = true;
            for (int i = 0; i < labels.length && match; i += 2) {
                match = e.getKey().contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            total += match ? e.getValue() : 0;
        }
        return total;
    }

    /** {@code GET http://127.0.0.1:port/metrics}. */
    public static PrometheusText scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("scrape answered " + r.statusCode() + ": " + r.body());
        }
        return new PrometheusText(
                r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    /** The sample's value, or null when absent. Labels given as name, value, name, value … in any order. */
    public Double get(String name, String... labels) {
        Map<String, String> l = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            l.put(labels[i], labels[i + 1]);
        }
        return samples.get(key(name, l));
    }

    /** Samples whose name is exactly {@code name}, whatever their labels. */
    public Map<String, Double> named(String name) {
        Map<String, Double> out = new TreeMap<>();
        samples.forEach((k, v) -> {
            if (k.equals(name) || k.startsWith(name + "{")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder s = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> s.append(k).append("=\"").append(v).append("\","));
        s.setLength(s.length() - 1);
        return s.append('}').toString();
    }

    /**
     * What {@code promtool check metrics} says about the kms-agent's own series ({@code kmsagent_*}): its lint lines
     * about them, none when their names and types follow Prometheus' conventions. Micrometer's JVM and process meters
     * keep the names JVM dashboards expect ({@code system_cpu_count}, {@code process_cpu_time_ns_total}), which the
     * linter questions; those lines are left out.
     */
    public List<String> promtoolProblemsOfOwnSeries() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Promtool.path(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("promtool check metrics did not finish");
        }
        return out.lines().filter(l -> l.startsWith("kmsagent_")).toList();
    }
}
