package org.kmsagent.agent.logging;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Writes each event as the line {@link ResidentLogging#PATTERN} describes, byte for byte what logback's
 * {@code PatternLayoutEncoder} makes of that pattern ({@code LineEncoderTest} compares the two), without parsing the
 * pattern: logback's pattern parser and converters are about 80 classes, loaded by every command (they all log their
 * warnings), and a start-up cost that bought nothing but this one fixed format (docs/performance-log.md). A logged
 * exception is still written by logback's own converter, loaded when the first one is logged.
 */
final class LineEncoder extends EncoderBase<ILoggingEvent> {
    private final DateTimeFormatter time = localTime();
    /** {@code %logger{36}}. */
    private final TargetLengthBasedClassNameAbbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(36);

    private volatile ThrowableProxyConverter throwables;

    /**
     * {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}}: the time zone is the JVM's at start, as logback's. The JSON lines
     * carry the same time.
     */
    static DateTimeFormatter localTime() {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());
    }

    /** No header or footer, as the pattern layout writes none. */
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
        StringBuilder line = new StringBuilder(128);
        time.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
        line.append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(" [").append(event.getThreadName()).append("] ");
        line.append(abbreviator.abbreviate(event.getLoggerName()));
        line.append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            // What logback appends to a pattern that has no exception converter of its own: %ex.
            line.append(throwables().convert(event));
        }
        return line.toString().getBytes(Charset.defaultCharset());
    }

    private ThrowableProxyConverter throwables() {
        ThrowableProxyConverter c = throwables;
        if (c == null) {
            synchronized (this) {
                c = throwables;
                if (c == null) {
                    c = new ThrowableProxyConverter();
                    c.setContext(getContext());
                    c.start();
                    throwables = c;
                }
            }
        }
        return c;
    }
}
