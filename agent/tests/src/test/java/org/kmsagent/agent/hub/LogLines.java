package org.kmsagent.agent.hub;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the process logs while open: slf4j-simple writes to {@code System.err}, which this tees into a buffer (the
 * output still reaches the console).
 */
final class LogLines implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    LogLines() {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (seen) {
                    seen.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (seen) {
                    seen.write(b, off, len);
                }
            }
        };
        System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
    }

    String text() {
        synchronized (seen) {
            return seen.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
