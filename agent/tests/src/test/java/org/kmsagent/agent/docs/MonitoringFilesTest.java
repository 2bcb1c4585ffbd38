package org.kmsagent.agent.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.metrics.Promtool;

/**
 * The monitoring files shipped in docs/: Prometheus accepts the alert rules ({@code promtool check rules}), the
 * Grafana dashboard is JSON, and both only name figures docs/operations.md documents (so a renamed metric cannot
 * leave them silently empty).
 */
class MonitoringFilesTest {
    private static final Path DOCS = Path.of("..", "..", "docs");
    private static final Pattern METRIC = Pattern.compile("kmsagent_[a-z_]+");

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        String promtool = Promtool.path();
        Process p = new ProcessBuilder(
                        promtool,
                        "check",
                        "rules",
                        DOCS.resolve("prometheus/kms-agent-rules.yml").toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    /**
     * The rules' own cases ({@code promtool test rules}): among them, a pool no client uses (the office2010 pool a
     * host holds by default, count 0) is not under its threshold, a used pool under it is.
     */
    @Test
    void theAlertRulesPassTheirPromtoolTests() throws Exception {
        String promtool = Promtool.path();
        Process p = new ProcessBuilder(
                        promtool, "test", "rules", "src/test/resources/prometheus/kms-agent-rules.test.yml")
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void theRulesAndTheDashboardNameOnlyDocumentedFigures() throws Exception {
        String operations = Files.readString(DOCS.resolve("operations.md"));
        String rules = Files.readString(DOCS.resolve("prometheus/kms-agent-rules.yml"));
        String dashboard = Files.readString(DOCS.resolve("grafana/kms-agent.json"));
        JsonObject parsed = new JsonObject(dashboard);
        assertThat(parsed.getJsonArray("panels")).hasSizeGreaterThanOrEqualTo(4);
        Set<String> named = new TreeSet<>();
        for (String text : new String[] {rules, dashboard}) {
            Matcher m = METRIC.matcher(text);
            while (m.find()) {
                named.add(m.group());
            }
        }
        assertThat(named)
                .contains(
                        "kmsagent_fleet_pool_clients",
                        "kmsagent_fleet_pool_threshold",
                        "kmsagent_fleet_products",
                        "kmsagent_fleet_products_expiring",
                        "kmsagent_fleet_renewals_total")
                .allSatisfy(name -> assertThat(operations)
                        .as("docs/operations.md documents %s", name)
                        .contains("`" + name + "`"));
    }

    /**
     * Every panel's query is PromQL Prometheus accepts: each is checked by promtool as the expression of a recording
     * rule, with Grafana's {@code $__rate_interval} given a value as Grafana does (a dashboard is not checked by
     * Prometheus otherwise, and a panel whose query does not parse shows only an error).
     */
    @Test
    void promtoolAcceptsEveryPanelsQuery(@TempDir Path dir) throws Exception {
        JsonObject dashboard = new JsonObject(Files.readString(DOCS.resolve("grafana/kms-agent.json")));
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (Object panel : dashboard.getJsonArray("panels")) {
            for (Object target : ((JsonObject) panel).getJsonArray("targets")) {
                String expr = ((JsonObject) target).getString("expr").replace("$__rate_interval", "5m");
                rules.append("      - record: dashboard:panel_query_")
                        .append(++n)
                        .append("\n        expr: '")
                        .append(expr.replace("'", "''"))
                        .append("'\n");
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(7);
        Path file = dir.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);
        Process p = new ProcessBuilder(Promtool.path(), "check", "rules", file.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out + "\n" + rules).isZero();
        assertThat(out).contains("SUCCESS");
    }
}
