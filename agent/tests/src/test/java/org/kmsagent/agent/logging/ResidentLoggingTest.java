package org.kmsagent.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bench.LoopbackPorts;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.cli.KmsAgentProcess;
import org.kmsagent.agent.config.LoggingConfig;
import org.slf4j.LoggerFactory;

/**
 * {@code kms-agent run} and {@code kms-agent hub} with {@code logging.file}, as real child processes: timestamped lines with their levels in
 * the file, which rolls over at its (here tiny) size. That other commands stay quiet is {@link OtherCommandsLoggingIT}'s
 * (it needs the built plugins).
 */
class ResidentLoggingTest {
    /** 2026-12-01T04:16:45.123+00:00 INFO  [main] o.k.a.cli.RunCommand - ... */
    private static final Pattern LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (TRACE|DEBUG|INFO |WARN |ERROR) \\[.*");

    private static final String HUB_TOKEN = "ops-token-0123456789ab";

    @TempDir
    Path dir;

    @Test
    void theServiceWritesItsLinesToItsLogFileAloneNotAlsoToStandardErrorWhichNothingRolls() throws Exception {
        Path runLog = dir.resolve("run.log");
        Path serviceLog = dir.resolve("service.log");
        String run = logOneLine(
                () -> ResidentLogging.apply(new LoggingConfig("INFO", runLog.toString(), null, null, null, null)));
        String service = logOneLine(() -> ResidentLogging.applyForService(
                new LoggingConfig("INFO", serviceLog.toString(), null, null, null, null)));

        // kms-agent run: the console and the file; the service: the file only (its standard error is the service
        // host's kms-agent-service.log).
        assertThat(run).contains("renewed Windows 11 Enterprise");
        assertThat(Files.readString(runLog)).contains("renewed Windows 11 Enterprise");
        assertThat(service).doesNotContain("renewed Windows 11 Enterprise");
        assertThat(Files.readString(serviceLog)).contains("renewed Windows 11 Enterprise");
    }

    @Test
    void asJsonLinesTheConsoleAndTheFileGetOneObjectPerEvent() throws Exception {
        Path logFile = dir.resolve("json.log");
        String[] where = new String[1];
        String console = logOneLine(() -> where[0] =
                ResidentLogging.apply(new LoggingConfig("INFO", logFile.toString(), null, null, null, "json")));

        assertThat(where[0]).isEqualTo("INFO as JSON lines to standard error and " + logFile);
        ObjectMapper json = new ObjectMapper();
        for (String text : List.of(console, Files.readString(logFile))) {
            List<String> lines = text.lines().toList();
            assertThat(lines).hasSize(1);
            JsonNode line = json.readTree(lines.get(0));
            assertThat(line.get("level").asText()).isEqualTo("INFO");
            assertThat(line.get("logger").asText()).isEqualTo("org.kmsagent.agent.test");
            assertThat(line.get("message").asText()).isEqualTo("renewed Windows 11 Enterprise");
        }
    }

    /** What standard error showed while {@code setUp}'s logging logged one INFO line; the test logging after. */
    private static String logOneLine(Callable<String> setUp) throws Exception {
        PrintStream realErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            setUp.call();
            LoggerFactory.getLogger("org.kmsagent.agent.test").info("renewed Windows 11 Enterprise");
        } finally {
            System.setErr(realErr);
            context.reset();
            new ContextInitializer(context).autoConfig();
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLogFileThatCannotBeOpenedStopsTheStartWithTheKeyAndTheReason() throws Exception {
        Path aFile = Files.writeString(dir.resolve("afile"), "");
        Path logFile = aFile.resolve("sub").resolve("agent.log"); // a folder on its path is a file
        Path console = dir.resolve("console.txt");
        Process p = kmsAgent(
                console,
                List.of(),
                "run",
                "--set",
                "dataDir=" + dir.resolve("data"),
                "--set",
                "bridge.port=0",
                "--set",
                "logging.file=" + logFile);
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(console);
            assertThat(p.exitValue()).as(out).isEqualTo(2);
            assertThat(out)
                    .contains("logging.file: cannot write " + logFile + ": Not a directory")
                    .doesNotContain("bridge listening");
            assertThat(dir.resolve("data")).doesNotExist();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aRunWithALogFileWritesTimestampedLevelledLinesAndRollsItOver() throws Exception {
        Path logFile = dir.resolve("logs").resolve("kms-agent.log"); // the folder does not exist yet
        Path console = dir.resolve("console.txt");
        Process p = kmsAgent(
                console,
                List.of(),
                "run",
                "--set",
                "dataDir=" + dir.resolve("data"),
                "--set",
                "bridge.port=0",
                "--set",
                "logging.file=" + logFile,
                "--set",
                "logging.level=debug",
                "--set",
                "logging.maxFileSize=2KB",
                "--set",
                "logging.totalSizeCap=1MB");
        try {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> !p.isAlive()
                            || rolled(logFile).size() >= 1
                                    && Files.readString(console).contains("logging: "));
            assertThat(p.isAlive()).as(Files.readString(console)).isTrue();
            assertThat(Files.readString(console)).contains("logging: DEBUG to standard error and " + logFile);
            List<String> lines = Files.readAllLines(logFile);
            List<String> all = Stream.concat(
                            lines.stream(), rolled(logFile).stream().flatMap(ResidentLoggingTest::read))
                    .toList();
            assertThat(all)
                    .isNotEmpty()
                    .allSatisfy(l ->
                            // Every line is an event with its time and level, or part of the stack trace logged with
                            // the event
                            // before it (its exception line, its frames, its causes): on Java 25 Netty logs one at
                            // DEBUG.
                            assertThat(LINE.matcher(l).matches()
                                            || l.startsWith("\t")
                                            || l.startsWith(" ")
                                            || l.startsWith("Caused by")
                                            || l.matches("[\\w.$]+(Exception|Error)(: .*)?"))
                                    .as(l)
                                    .isTrue());
            assertThat(all)
                    .anyMatch(l ->
                            l.contains(" INFO  [main] org.kmsagent.agent.cli.RunCommand - kms-agent run starting"));
            for (Path r : rolled(logFile)) {
                assertThat(Files.size(r))
                        .as(r.toString())
                        .isLessThan(2048 + 4096); // rolled at the size, one event over
            }
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /**
     * A hub's start printed two library warnings an operator can do nothing about (Hazelcast's CP subsystem being off,
     * which the fleet does not use; Vert.x's Micrometer gauge registered twice), and its stop a stack trace per agent
     * connecting meanwhile (Netty's ServerBootstrap, a race in Vert.x's server close): at the default levels they are
     * not printed, while Hazelcast's, Micrometer's and Netty's other warnings are; at DEBUG everything is.
     */
    @Test
    void libraryNoticesThatCallForNoActionArePrintedOnlyWhenDebugging() {
        LoggerContext quiet = new LoggerContext();
        ResidentLogging.consoleOnly(quiet, "WARN");
        assertThat(quiet.getLogger("com.hazelcast.cp.CPSubsystem").isWarnEnabled())
                .isFalse();
        assertThat(quiet.getLogger("io.micrometer.core.instrument.MeterRegistry")
                        .isWarnEnabled())
                .isFalse();
        assertThat(quiet.getLogger("com.hazelcast.cp.CPSubsystem").isErrorEnabled())
                .isTrue();
        assertThat(quiet.getLogger("io.netty.bootstrap.ServerBootstrap").isWarnEnabled())
                .isFalse();
        assertThat(quiet.getLogger("io.netty.bootstrap.ServerBootstrap").isErrorEnabled())
                .isTrue();
        assertThat(quiet.getLogger("io.netty.channel").isWarnEnabled()).isTrue();
        assertThat(quiet.getLogger("com.hazelcast.internal.cluster.ClusterService")
                        .isWarnEnabled())
                .isTrue();
        assertThat(quiet.getLogger("io.micrometer.core.instrument.binder").isWarnEnabled())
                .isTrue();

        LoggerContext debugging = new LoggerContext();
        ResidentLogging.consoleOnly(debugging, "DEBUG");
        assertThat(debugging.getLogger("com.hazelcast.cp.CPSubsystem").isDebugEnabled())
                .isTrue();
        assertThat(debugging
                        .getLogger("io.micrometer.core.instrument.MeterRegistry")
                        .isDebugEnabled())
                .isTrue();
        assertThat(debugging.getLogger("io.netty.bootstrap.ServerBootstrap").isDebugEnabled())
                .isTrue();
        quiet.stop();
        debugging.stop();
    }

    @Test
    void aHubLogsWhatItDoesAtInfoToItsLogFileAsRunDoes() throws Exception {
        // Until the hub applied logging.*, it logged warnings only, to standard error: its enrolments and the agents
        // registering through it were written nowhere, and a logging.file in hub.yaml was silently not made.
        Path logFile = dir.resolve("logs").resolve("hub.log");
        Path console = dir.resolve("hub-console.txt");
        int hazelcast = LoopbackPorts.free();
        Path config = Files.writeString(
                dir.resolve("hub.yaml"),
                String.join(
                        "\n",
                        "dataDir: " + dir.resolve("hub-data"),
                        "bridge: {host: 127.0.0.1, port: 0, tokens: [{name: ops, token: " + HUB_TOKEN
                                + ", role: admin}]}",
                        "fleet:",
                        "  cluster: {name: hub-log-" + UUID.randomUUID() + ", port: " + hazelcast
                                + ", members: ['127.0.0.1:" + hazelcast + "'], interfaces: ['127.0.0.1'],"
                                + " eventBusPort: 0}",
                        "logging: {file: " + logFile + "}",
                        ""));
        Process p = kmsAgent(console, List.of(), "hub", "--config", config.toString());
        try {
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> !p.isAlive() || Files.readString(console).contains("logging: "));
            String banner = Files.readString(console);
            assertThat(p.isAlive()).as(banner).isTrue();
            assertThat(banner).contains("logging: INFO to standard error and " + logFile);
            Matcher port = Pattern.compile("bridge listening on 127\\.0\\.0\\.1:(\\d+)")
                    .matcher(banner);
            Matcher fingerprint = Pattern.compile("SHA-256 ([0-9A-F:]+)").matcher(banner);
            assertThat(port.find() && fingerprint.find()).as(banner).isTrue();

            CliRun enrol = CliRun.of(
                    "ctl",
                    "--hub",
                    "127.0.0.1:" + port.group(1),
                    "--trust",
                    fingerprint.group(1),
                    "--token",
                    HUB_TOKEN,
                    "fleet",
                    "enroll",
                    "pc-0042");
            assertThat(enrol.exitCode()).as(enrol.err()).isZero();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.readString(logFile).contains("fleet: agent pc-0042 enrolled by 'ops'"));
            String log = Files.readString(logFile);
            // Hazelcast's members, as an operator of a cluster of hubs reads them; not its logo and copyright.
            assertThat(log)
                    .contains("Members {size:1")
                    .doesNotContain("Copyright")
                    .doesNotContain("o---o");
            // Each start begins with a line of its own, as run's does, in a file that outlives restarts.
            assertThat(log.lines().findFirst().orElse(""))
                    .contains(
                            " INFO  [main] org.kmsagent.agent.hub.HubCommand - kms-agent hub starting: cluster hub-log-")
                    .contains("logging INFO to standard error and " + logFile);
            assertThat(log.lines().filter(l -> !l.isBlank() && LINE.matcher(l).matches()))
                    .anyMatch(l -> l.contains(" INFO  ") && l.contains("enrolled by 'ops'"));
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    @Test
    void anAdministratorsOwnLogbackConfigurationWinsOverTheLoggingKeys() throws Exception {
        // Said in operations.md for every command, and true of all but run, which reset logback to logging.*.
        Path own = Files.writeString(dir.resolve("own-logback.xml"), """
                <configuration>
                  <appender name="c" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>OWN %level %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="c"/></root>
                </configuration>
                """);
        Path logFile = dir.resolve("not-made.log");
        String out =
                consoleUntilLogging("own", "-Dlogback.configurationFile=" + own, "--set", "logging.file=" + logFile);
        assertThat(out)
                .contains("OWN INFO kms-agent run starting")
                .contains("logging: as " + own + " configures (logging.* not used)");
        assertThat(logFile).doesNotExist();
    }

    @Test
    void aLogbackConfigurationThatIsNotThereIsSaidAndTheLoggingKeysApply() throws Exception {
        // Logback alone fell back to DEBUG lines on standard output (548 of them before ready), breaking --json, while
        // the banner said the missing file configured the logging.
        Path missing = dir.resolve("no-such-logback.xml");
        String out = consoleUntilLogging("missing", "-Dlogback.configurationFile=" + missing);
        assertThat(out)
                .contains("kms-agent: warning: -Dlogback.configurationFile=" + missing
                        + " names no file logback can read: not used")
                .contains("logging: INFO to standard error (-Dlogback.configurationFile=" + missing)
                .doesNotContain(" DEBUG ");
    }

    @Test
    void aConfigurationFileIsLookedForAsLogbackLooksForIt() throws Exception {
        Path spaced = Files.createDirectories(dir.resolve("Program Files"));
        Path own = Files.writeString(spaced.resolve("logback.xml"), "<configuration/>");

        assertThat(ResidentLogging.readable(own.toString())).isTrue();
        // A file URL with a raw space is a URL to logback, though no URI: it was taken for missing, and not used.
        assertThat(ResidentLogging.readable("file://" + own)).isTrue();
        assertThat(ResidentLogging.readable(own.toUri().toString())).isTrue();
        assertThat(ResidentLogging.readable("https://config.example/logback.xml"))
                .isTrue();
        assertThat(ResidentLogging.readable(spaced.resolve("nosuch.xml").toString()))
                .isFalse();
        assertThat(ResidentLogging.readable("file://" + spaced.resolve("nosuch.xml")))
                .isFalse();
        assertThat(ResidentLogging.readable(spaced.toString())).as("a folder").isFalse();
    }

    /**
     * The console of {@code kms-agent run} (data in {@code <name>-data}, no bridge, {@code more} run options) with
     * {@code jvmFlag}, up to its banner's {@code logging:} line; the agent is then stopped.
     */
    private String consoleUntilLogging(String name, String jvmFlag, String... more) throws Exception {
        Path console = dir.resolve(name + "-console.txt");
        List<String> args = new ArrayList<>(
                List.of("run", "--set", "dataDir=" + dir.resolve(name + "-data"), "--set", "bridge.enabled=false"));
        args.addAll(List.of(more));
        Process p = kmsAgent(console, List.of(jvmFlag), args.toArray(String[]::new));
        try {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> !p.isAlive() || Files.readString(console).contains("logging: "));
            String out = Files.readString(console);
            assertThat(p.isAlive()).as(out).isTrue();
            return out;
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /**
     * {@code kms-agent ARGS} as a process of its own on the test class path, as the launcher starts it, with
     * {@code jvmFlags} added; standard output and error both go to {@code console}.
     */
    private static Process kmsAgent(Path console, List<String> jvmFlags, String... args) throws IOException {
        return new ProcessBuilder(KmsAgentProcess.command(jvmFlags, List.of(args)))
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
    }

    private static List<Path> rolled(Path logFile) throws IOException {
        if (!Files.isDirectory(logFile.getParent())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(logFile.getParent())) {
            return s.filter(f -> f.getFileName().toString().startsWith(logFile.getFileName() + "."))
                    .sorted()
                    .toList();
        }
    }

    private static Stream<String> read(Path f) {
        try {
            return Files.readAllLines(f).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
