package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.config.LoggingConfig;
import org.kmsagent.agent.daemon.logging.RunLogging;
import org.slf4j.LoggerFactory;

/**
 * {@code kms-agent run} with {@code logging.file}, as a real child process: timestamped lines with their levels in
 * the file, which rolls over at its (here tiny) size; other commands stay quiet.
 */
class RunLoggingTest {
    /** 2026-12-01T04:16:45.123+00:00 INFO  [main] o.k.a.cli.RunCommand - ... */
    private static final Pattern LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (TRACE|DEBUG|INFO |WARN |ERROR) \\[.*");

    @TempDir
    Path dir;

    @Test
    void theServiceWritesItsLinesToItsLogFileAloneNotAlsoToStandardErrorWhichNothingRolls() throws Exception {
        Path runLog = dir.resolve("run.log");
        Path serviceLog = dir.resolve("service.log");
        String run = logOneLine(() -> RunLogging.apply(new LoggingConfig("INFO", runLog.toString(), null, null, null)));
        String service = logOneLine(
                () -> RunLogging.applyForService(new LoggingConfig("INFO", serviceLog.toString(), null, null, null)));

        // kms-agent run: the console and the file; the service: the file only (its standard error is the service
        // host's kms-agent-service.log).
        assertThat(run).contains("renewed Windows 11 Enterprise");
        assertThat(Files.readString(runLog)).contains("renewed Windows 11 Enterprise");
        assertThat(service).doesNotContain("renewed Windows 11 Enterprise");
        assertThat(Files.readString(serviceLog)).contains("renewed Windows 11 Enterprise");
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
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-XX:-UsePerfData",
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                        "org.kmsagent.agent.cli.Main",
                        "run",
                        "--set",
                        "dataDir=" + dir.resolve("data"),
                        "--set",
                        "bridge.port=0",
                        "--set",
                        "logging.file=" + logFile)
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
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
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-XX:-UsePerfData",
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                        "org.kmsagent.agent.cli.Main",
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
                        "logging.totalSizeCap=1MB")
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> !p.isAlive()
                            || rolled(logFile).size() >= 1
                                    && Files.readString(console).contains("logging: "));
            assertThat(p.isAlive()).as(Files.readString(console)).isTrue();
            assertThat(Files.readString(console)).contains("logging: DEBUG to standard error and " + logFile);
            List<String> lines = Files.readAllLines(logFile);
            List<String> all = Stream.concat(
                            lines.stream(), rolled(logFile).stream().flatMap(RunLoggingTest::read))
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

    @Test
    void otherCommandsLogNothingBelowWarn() throws Exception {
        Path console = dir.resolve("products.txt");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-XX:-UsePerfData",
                        "org.kmsagent.agent.cli.Main",
                        "--plugins-dir",
                        dir.resolve("no-plugins").toString(),
                        "products")
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(console))
                .doesNotContain(" INFO ")
                .doesNotContain(" DEBUG ")
                .doesNotContain("logback");
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
        RunLogging.consoleOnly(quiet, "WARN");
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
        RunLogging.consoleOnly(debugging, "DEBUG");
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
