package org.kmsagent.agent.simulate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Writes each lab event as one JSON object on one line, keys always present and in a fixed order (docs/simulate.md,
 * "JSON event schema"); absent values are {@code null}. Each line reaches the output whole, in one write, or not at
 * all: a run that stops in the middle of an event (out of memory) leaves no half line for a JSON Lines reader to fail
 * on.
 */
public final class JsonEventWriter implements Consumer<LabEvent> {
    private static final String NEWLINE = System.lineSeparator();
    private static final JsonFactory FACTORY = new JsonFactory().setRootValueSeparator(null); // lines end below

    private final Instant start;
    private final PrintWriter out;
    // One generator and one line for the whole run (a year of a large fleet is tens of millions of lines: no string,
    // writer or generator per line). The generator writes into the line, which goes to the output once whole.
    private final Line line = new Line();
    private JsonGenerator g;
    /** Whether the last event stopped half-way: its generator is mid-object, and is replaced. */
    private boolean broken;

    public JsonEventWriter(PrintWriter out, Instant start) {
        this.start = start;
        this.out = out;
        this.g = generator(line);
    }

    private static JsonGenerator generator(Line line) {
        try {
            return FACTORY.createGenerator(line)
                    .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void accept(LabEvent e) {
        if (broken) {
            g = generator(line);
        }
        line.length = 0;
        broken = true;
        try {
            g.writeStartObject();
            g.writeStringField("time", e.time().toString());
            g.writeNumberField("minute", Duration.between(start, e.time()).toMinutes());
            g.writeStringField("event", e.event());
            field(g, "machine", e.machine());
            field(g, "family", e.family());
            field(g, "sku", e.sku());
            g.writeFieldName("hresult");
            if (e.hresult().isPresent()) {
                g.writeString(e.hresult().get().hex());
            } else {
                g.writeNull();
            }
            g.writeFieldName("hresultName");
            if (e.hresult().isPresent()) {
                g.writeString(e.hresult().get().name());
            } else {
                g.writeNull();
            }
            field(g, "pool", e.pool());
            g.writeFieldName("count");
            if (e.count().isPresent()) {
                g.writeNumber(e.count().getAsInt());
            } else {
                g.writeNull();
            }
            g.writeFieldName("required");
            if (e.required().isPresent()) {
                g.writeNumber(e.required().getAsInt());
            } else {
                g.writeNull();
            }
            field(g, "host", e.host().orElse(""));
            field(g, "diagnosis", e.diagnosis().map(d -> d.cause().name()).orElse(""));
            field(g, "detail", e.diagnosis().map(d -> d.detail()).orElse(""));
            field(g, "cmid", e.cmid() == null ? "" : e.cmid().toString());
            g.writeEndObject();
            g.flush(); // the generator's buffer into the line
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        line.write(NEWLINE, 0, NEWLINE.length());
        out.write(line.chars, 0, line.length);
        broken = false;
    }

    /** The line being written: a buffer kept for the run, grown to the longest line. */
    private static final class Line extends Writer {
        char[] chars = new char[1024];
        int length;

        private void room(int more) {
            if (length + more > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(2 * chars.length, length + more));
            }
        }

        @Override
        public void write(char[] c, int off, int len) {
            room(len);
            System.arraycopy(c, off, chars, length, len);
            length += len;
        }

        @Override
        public void write(String s, int off, int len) {
            room(len);
            s.getChars(off, off + len, chars, length);
            length += len;
        }

        @Override
        public void write(int c) {
            room(1);
            chars[length++] = (char) c;
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    private static void field(JsonGenerator g, String name, String value) throws IOException {
        g.writeFieldName(name);
        if (value == null || value.isEmpty()) {
            g.writeNull();
        } else {
            g.writeString(value);
        }
    }
}
