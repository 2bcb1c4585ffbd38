package org.kmsagent.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/**
 * {@code logging.format: json}: each event is one JSON object on one line, whatever its message holds, with the
 * fields a log collector indexes (docs/operations.md, "Logs").
 */
class JsonLineEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoggerContext context = new LoggerContext();

    @Test
    void anEventIsOneObjectOnOneLineWithItsFields() throws Exception {
        LoggingEvent e = event(
                "org.kmsagent.agent.live.LiveAgent",
                Level.WARN,
                "windows-client {}: ACTIVATION_FAILED (0x{})",
                null,
                "Windows 11 Enterprise",
                "8007232B");
        e.setTimeStamp(1_798_761_599_123L);

        String line = encode(e);

        assertThat(line).endsWith(System.lineSeparator());
        assertThat(line.strip()).doesNotContain("\n").doesNotContain("\r");
        JsonNode o = JSON.readTree(line);
        assertThat(o.fieldNames()).toIterable().containsExactly("time", "level", "thread", "logger", "message");
        assertThat(OffsetDateTime.parse(o.get("time").asText()).toInstant().toEpochMilli())
                .isEqualTo(1_798_761_599_123L);
        assertThat(o.get("level").asText()).isEqualTo("WARN");
        assertThat(o.get("thread").asText()).isEqualTo("main");
        // The whole name, where a text line abbreviates it to 36 characters.
        assertThat(o.get("logger").asText()).isEqualTo("org.kmsagent.agent.live.LiveAgent");
        assertThat(o.get("message").asText())
                .isEqualTo("windows-client Windows 11 Enterprise: ACTIVATION_FAILED (0x8007232B)");
    }

    @Test
    void quotesNewlinesControlCharactersAndUnicodeStayInsideTheOneLine() throws Exception {
        String awkward = "a \"quoted\" name\nsecond line\r\tand a tab, \\ a backslash, \u0007 a bell, ünïcödé, 日本";
        String line = encode(event("a.b", Level.INFO, awkward, null));

        assertThat(line.strip()).doesNotContain("\n").doesNotContain("\r").doesNotContain("\t");
        assertThat(JSON.readTree(line).get("message").asText()).isEqualTo(awkward);
    }

    @Test
    void anExceptionComesWithItsStackTraceAndCausesInOneField() throws Exception {
        IOException cause = new IOException("no route to host");
        String line = encode(event(
                "org.kmsagent.agent.daemon.AgentDaemon",
                Level.ERROR,
                "cannot start",
                new IllegalStateException("bridge", cause)));

        assertThat(line.strip()).doesNotContain("\n");
        JsonNode o = JSON.readTree(line);
        assertThat(o.get("message").asText()).isEqualTo("cannot start");
        assertThat(o.get("exception").asText())
                .startsWith("java.lang.IllegalStateException: bridge")
                .contains("\tat org.kmsagent.agent.logging.JsonLineEncoderTest")
                .contains("Caused by: java.io.IOException: no route to host");
    }

    @Test
    void anEventWithoutAMessageSaysSoRatherThanBreakingTheLine() throws Exception {
        JsonNode o = JSON.readTree(encode(event("a.b", Level.INFO, null, null)));

        assertThat(o.get("message").isNull()).isTrue();
    }

    private String encode(LoggingEvent e) {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        return new String(encoder.encode(e), StandardCharsets.UTF_8);
    }

    private LoggingEvent event(String logger, Level level, String message, Throwable thrown, Object... args) {
        Logger l = context.getLogger(logger);
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), l, level, message, thrown, args);
        e.setThreadName("main");
        return e;
    }
}
