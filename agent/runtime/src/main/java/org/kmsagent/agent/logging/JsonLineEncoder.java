package org.kmsagent.agent.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Writes each event as one JSON object on one line ({@code logging.format: json}), for a log collector (Elastic,
 * Splunk, Loki, Azure Monitor) that reads fields rather than parsing text:
 * {@code {"time":"2026-03-01T09:30:00.123+01:00","level":"WARN","thread":"main","logger":"org.kmsagent...","message":"..."}}
 * and {@code "exception"} with the stack trace as logback prints it when one was logged. The time is the text line's
 * (local time with its offset); the logger's name is whole, not abbreviated as on a text line. UTF-8 always, as JSON
 * is exchanged; every control character in a message or stack trace is escaped, so an event is one line whatever it
 * holds.
 */
final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    private final DateTimeFormatter time = LineEncoder.localTime();
    private final JsonStringEncoder strings = JsonStringEncoder.getInstance();

    /** No header or footer: each line stands alone, as JSON Lines are read. */
    @Override
    public byte[] headerBytes() {
        return new byte[0];
    }

    @Override
    public byte[] footerBytes() {
        return new byte[0];
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(192);
        line.append("{\"time\":\"");
        time.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
        line.append("\",\"level\":\"").append(event.getLevel()).append('"');
        field(line, "thread", event.getThreadName());
        field(line, "logger", event.getLoggerName());
        field(line, "message", event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            field(line, "exception", ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        line.append('}').append(CoreConstants.LINE_SEPARATOR);
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code ,"name":"value"}, the value quoted as JSON ({@code null} when there is none). */
    private void field(StringBuilder line, String name, String value) {
        line.append(",\"").append(name).append("\":");
        if (value == null) {
            line.append("null");
        } else {
            line.append('"');
            strings.quoteAsString(value, line);
            line.append('"');
        }
    }
}
