package org.kmsagent.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The log's lines are what docs/operations.md shows, which logback's pattern layout made of {@link ResidentLogging#PATTERN}:
 * the encoder that writes them without the pattern parser writes the same bytes, for every level, short and long
 * logger names, thread names, arguments, and exceptions with causes.
 */
class LineEncoderTest {
    private final LoggerContext context = new LoggerContext();

    @Test
    void writesTheSameBytesAsLogbacksPatternLayoutForThePattern() {
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern(ResidentLogging.PATTERN);
        pattern.start();
        LineEncoder lines = new LineEncoder();
        lines.setContext(context);
        lines.start();

        for (LoggingEvent e : events()) {
            assertThat(new String(lines.encode(e), Charset.defaultCharset()))
                    .isEqualTo(new String(pattern.encode(e), Charset.defaultCharset()));
        }
        assertThat(lines.headerBytes()).isEqualTo(pattern.headerBytes());
        assertThat(lines.footerBytes()).isEqualTo(pattern.footerBytes());
    }

    @Test
    void aLineHasTheDocumentedShape() {
        LineEncoder lines = new LineEncoder();
        lines.setContext(context);
        lines.start();
        LoggingEvent e = event("org.kmsagent.agent.cli.RunCommand", Level.INFO, "kms-agent run starting", null);
        e.setThreadName("main");

        assertThat(new String(lines.encode(e), Charset.defaultCharset()))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[main\\] "
                        + "org\\.kmsagent\\.agent\\.cli\\.RunCommand - kms-agent run starting\\R");
    }

    private List<LoggingEvent> events() {
        List<LoggingEvent> events = new ArrayList<>();
        String[] loggers = {
            "x",
            "org.kmsagent.agent.cli.RunCommand",
            "org.kmsagent.agent.licensing.LicensingStacks",
            "org.kmsagent.agent.live.very.deeply.nested.packages.SomeRatherLongClassName",
            "io.netty.util.internal.logging.InternalLoggerFactory",
            "org.pf4j"
        };
        Level[] levels = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};
        long[] times = {0L, 1_764_560_205_123L, 1_798_761_599_999L};
        int n = 0;
        for (String logger : loggers) {
            for (Level level : levels) {
                LoggingEvent e = event(logger, level, "renewal {} of {}: {}", null, "windows-client", n, null);
                e.setThreadName(n % 2 == 0 ? "main" : "vert.x-eventloop-thread-1");
                e.setTimeStamp(times[n % times.length]);
                events.add(e);
                n++;
            }
        }
        IOException cause = new IOException("no route");
        events.add(event("org.kmsagent.agent.daemon.AgentDaemon", Level.WARN, "bridge failed", cause));
        events.add(event(
                "org.kmsagent.agent.daemon.AgentDaemon",
                Level.ERROR,
                "cannot start",
                new IllegalStateException("bridge", new UncheckedIOException(cause))));
        events.add(event("org.kmsagent.agent.daemon.AgentDaemon", Level.INFO, null, null));
        events.add(event("a.b", Level.INFO, "plain text, tabs\tand ünïcödé", null));
        return events;
    }

    private LoggingEvent event(String logger, Level level, String message, Throwable thrown, Object... args) {
        Logger l = context.getLogger(logger);
        return new LoggingEvent(Logger.class.getName(), l, level, message, thrown, args);
    }
}
