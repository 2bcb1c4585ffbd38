package org.kmsagent.agent.simulate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.Flushable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Writes each lab event as one JSON object on one line, keys always present and in a fixed order (docs/simulate.md,
 * "JSON event schema"); absent values are {@code null}.
 */
public final class JsonEventWriter implements Consumer<LabEvent>, Flushable {
    private static final String NEWLINE = System.lineSeparator();

    private final Instant start;
    // One generator for the whole run, writing straight into the output (a year of a large fleet is tens of millions
    // of lines: no string, writer or generator per line). Call flush() before flushing the output.
    private final JsonGenerator g;

    public JsonEventWriter(PrintWriter out, Instant start) {
        this.start = start;
        try {
            JsonFactory factory = new JsonFactory();
            factory.setRootValueSeparator(null); // lines are ended below, as println did
            this.g = factory.createGenerator(out)
                    .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        try {
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void accept(LabEvent e) {
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
            g.writeRaw(NEWLINE);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
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
